import { flagsProblems, type FlagsProblem } from '../../errors';
import { matchesEveryPath } from './path-patterns';
import type { FlagsRule } from './rule';

/**
 * No quarantine pattern matches every request ("/*", "*", "?*"): its listener rule would take
 * all traffic from the main fleet to one customer's small fleet. A quarantine holds one
 * customer's paths.
 */
export const QuarantinePathsNotCatchAll: FlagsRule = {
  id: 'QuarantinePathsNotCatchAll',
  description: 'No quarantine path pattern matches every request path.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    flags.quarantines.forEach((q, i) => {
      q.pathPatterns.forEach((p, k) => {
        if (matchesEveryPath(p)) problems.push(flagsProblems.catchAllPath(file, `$.quarantines[${i}].pathPatterns[${k}]`, p, q.name));
      });
    });
    return problems;
  },
};
