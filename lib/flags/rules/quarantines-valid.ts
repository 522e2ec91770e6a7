import { flagsProblems, type FlagsProblem } from '../../errors';
import { quarantinePriority, quarantineTargetGroupName } from '../../naming';
import type { FlagsRule } from './rule';

/** Characters AWS allows in an ALB path pattern (besides the wildcards * and ?). */
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
export const MAX_PATH_PATTERN_LENGTH = 128;
export const MAX_TARGET_GROUP_NAME_LENGTH = 32;

/** Why a path pattern is not one the load balancer accepts, or undefined. */
export function pathPatternViolation(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATH_PATTERN_LENGTH) {
    return `${pattern.length} characters, not 1-${MAX_PATH_PATTERN_LENGTH}`;
  }
  if (!PATH_PATTERN.test(pattern)) return 'a character outside the allowed set';
  if (!/^[/*?]/.test(pattern)) return 'must start with "/" or a wildcard';
  return undefined;
}

/**
 * Whether some path matches both glob patterns ("*": any run of characters,
 * "?": one character). Walks both patterns at once, memoizing positions.
 */
export function pathPatternsOverlap(a: string, b: string): boolean {
  const seen = new Set<string>();
  const walk = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (a[i] === '*' && walk(i + 1, j)) return true;
    if (b[j] === '*' && walk(i, j + 1)) return true;
    if (i === a.length && j === b.length) return true;
    if (i === a.length || j === b.length) return false;
    const ca = a[i];
    const cb = b[j];
    if (ca === '*' && cb === '*') return false; // covered by the two skips above
    const wild = (c: string) => c === '*' || c === '?';
    if (!wild(ca) && !wild(cb) && ca !== cb) return false;
    return walk(ca === '*' ? i : i + 1, cb === '*' ? j : j + 1);
  };
  return walk(0, 0);
}

/**
 * Quarantines follow AWS's limits and never collide: valid path patterns, names
 * that fit a target-group name, unique names and priorities, and no request path
 * that two quarantines would both claim.
 */
export const QuarantinesValid: FlagsRule = {
  id: 'QuarantinesValid',
  description: 'Quarantine fleets have valid, non-overlapping paths and unique names and priorities.',
  check: ({ file, flags }) => {
    const problems: FlagsProblem[] = [];
    const names = new Map<string, number>();
    const priorities = new Map<number, number>();
    flags.quarantines.forEach((q, i) => {
      const at = `$.quarantines[${i}]`;
      const seenName = names.get(q.name);
      if (seenName !== undefined) problems.push(flagsProblems.duplicateQuarantine(file, `${at}.name`, q.name, 'name', `$.quarantines[${seenName}].name`));
      else names.set(q.name, i);

      const priority = quarantinePriority(q);
      const seenPriority = priorities.get(priority);
      if (seenPriority !== undefined) {
        problems.push(flagsProblems.duplicateQuarantine(file, `${at}.priority`, priority, 'priority', `$.quarantines[${seenPriority}].priority`));
      } else priorities.set(priority, i);

      const tgName = quarantineTargetGroupName(flags.environment, q.name);
      if (tgName.length > MAX_TARGET_GROUP_NAME_LENGTH) problems.push(flagsProblems.targetGroupNameTooLong(file, `${at}.name`, q.name, tgName));

      q.pathPatterns.forEach((p, k) => {
        const violation = pathPatternViolation(p);
        if (violation) problems.push(flagsProblems.badPathPattern(file, `${at}.pathPatterns[${k}]`, p, violation));
      });
    });
    // Overlaps between different quarantines (within one, overlap is harmless).
    flags.quarantines.forEach((q, i) => {
      flags.quarantines.slice(0, i).forEach((earlier, e) => {
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
