import { flagsProblems, type FlagsProblem } from '../../errors';
import type { FlagsRule } from './rule';

/**
 * Quarantine names are unique: a name keys the quarantine's resources (construct
 * IDs, target group, Auto Scaling group), so two entries with one name would collide.
 */
export const QuarantineNamesUnique: FlagsRule = {
  id: 'QuarantineNamesUnique',
  description: 'Each quarantine has its own name.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const seen = new Map<string, number>();
    flags.quarantines.forEach((q, i) => {
      const first = seen.get(q.name);
      if (first === undefined) seen.set(q.name, i);
      else problems.push(flagsProblems.duplicateQuarantine(file, `$.quarantines[${i}].name`, q.name, 'name', `$.quarantines[${first}].name`));
    });
    return problems;
  },
};
