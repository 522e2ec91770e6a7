import { flagsProblems, type FlagsProblem } from '../../errors';
import { pathPatternsOverlap } from './path-patterns';
import type { FlagsRule } from './rule';

/**
 * No request path matches two quarantines: otherwise which fleet gets a customer's
 * traffic would depend on rule priorities, which are derived from names. Overlap
 * within one quarantine is harmless.
 */
export const QuarantinePathsDisjoint: FlagsRule = {
  id: 'QuarantinePathsDisjoint',
  description: 'No request path matches the path patterns of two quarantines.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    flags.quarantines.forEach((q, i) => {
      flags.quarantines.slice(0, i).forEach((earlier, e) => {
        if (earlier.name === q.name) return; // a duplicate, reported by QuarantineNamesUnique
        q.pathPatterns.forEach((p, k) => {
          earlier.pathPatterns.forEach((ep, ek) => {
            if (pathPatternsOverlap(p, ep)) {
              problems.push(flagsProblems.overlappingPaths(file, `$.quarantines[${i}].pathPatterns[${k}]`, p, `$.quarantines[${e}].pathPatterns[${ek}]`, ep));
            }
          });
        });
      });
    });
    return problems;
  },
};
