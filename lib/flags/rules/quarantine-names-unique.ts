import { flagsProblems, type FlagsProblem } from '../../errors';
import { repeats } from './repeats';
import type { FlagsRule } from './rule';

/**
 * Quarantine names are unique: a name keys the quarantine's resources (construct
 * IDs, target group, Auto Scaling group), so two entries with one name would collide.
 */
export const QuarantineNamesUnique: FlagsRule = {
  id: 'QuarantineNamesUnique',
  description: 'Each quarantine has its own name.',
  check: ({ file, flags }) => {
    const names = flags.quarantines.map((q) => q.name);
    return repeats(names).map(({ index, first }): FlagsProblem =>
      flagsProblems.duplicateQuarantine(file, `$.quarantines[${index}].name`, names[index], 'name', `$.quarantines[${first}].name`),
    );
  },
};
