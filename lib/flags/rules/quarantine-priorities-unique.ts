import { flagsProblems, type FlagsProblem } from '../../errors';
import { quarantinePriority } from '../../naming';
import type { FlagsRule } from './rule';

/**
 * Listener-rule priorities are unique (AWS refuses two rules with one priority).
 * A priority is derived from the name unless set, so a clash of two derived
 * priorities is fixed by setting one by hand.
 */
export const QuarantinePrioritiesUnique: FlagsRule = {
  id: 'QuarantinePrioritiesUnique',
  description: 'Each quarantine\'s listener rule has its own priority.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const seen = new Map<number, number>();
    const names = new Set<string>();
    flags.quarantines.forEach((q, i) => {
      if (names.has(q.name)) return; // a duplicate name, reported by QuarantineNamesUnique
      names.add(q.name);
      const priority = quarantinePriority(q);
      const first = seen.get(priority);
      if (first === undefined) seen.set(priority, i);
      else {
        const path = q.priority !== undefined ? `$.quarantines[${i}].priority` : `$.quarantines[${i}].name`;
        problems.push(flagsProblems.duplicateQuarantinePriority(file, path, priority, `$.quarantines[${first}]`, q.priority === undefined));
      }
    });
    return problems;
  },
};
