import { flagsProblems, type FlagsProblem } from '../../errors';
import { pathPatternViolation } from './path-patterns';
import { repeats } from './repeats';
import type { FlagsRule } from './rule';

/**
 * Every quarantine path pattern is one the load balancer accepts: 1-128 characters
 * from AWS's set, starting with "/" or a wildcard, each once in its quarantine. (At
 * most 5 values per rule is a schema limit.) Otherwise the apply fails halfway, after
 * the fleet was created.
 */
export const QuarantinePathPatternsValid: FlagsRule = {
  id: 'QuarantinePathPatternsValid',
  description: 'Quarantine path patterns are 1-128 characters of the allowed set, starting with "/" or a wildcard, each once in its quarantine.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    flags.quarantines.forEach((q, i) => {
      const path = (k: number) => `$.quarantines[${i}].pathPatterns[${k}]`;
      q.pathPatterns.forEach((p, k) => {
        const violation = pathPatternViolation(p);
        if (violation) problems.push(flagsProblems.badPathPattern(file, path(k), p, violation));
      });
      for (const { index, first } of repeats(q.pathPatterns)) problems.push(flagsProblems.repeatedPath(file, path(index), q.pathPatterns[index], path(first)));
    });
    return problems;
  },
};
