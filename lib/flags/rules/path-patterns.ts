/**
 * Load-balancer path patterns: what AWS accepts, and whether two can match one path.
 * Shared by the quarantine rules.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 */

/** Characters AWS allows in an ALB path pattern (besides the wildcards * and ?). */
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
export const MAX_PATH_PATTERN_LENGTH = 128;

/** Why a path pattern is not one the load balancer accepts, or undefined. */
export function pathPatternViolation(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATH_PATTERN_LENGTH) {
    return `${pattern.length} characters, not 1-${MAX_PATH_PATTERN_LENGTH}`;
  }
  if (!PATH_PATTERN.test(pattern)) {
    const bad = [...pattern].find((c) => !PATH_PATTERN.test(c));
    return `the character ${JSON.stringify(bad)} is not allowed`;
  }
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
    const wild = (c: string) => c === '*' || c === '?';
    if (!wild(ca) && !wild(cb) && ca !== cb) return false;
    // Consume one path character: "*" may stay to take more, "?" and literals advance.
    return walk(ca === '*' ? i : i + 1, cb === '*' ? j : j + 1);
  };
  return walk(0, 0);
}

/**
 * Whether the pattern matches every request path (each starts with "/"): the shortest path, "/",
 * leaves room for at most one token that is not "*". So: only "*"s; or one "?" among them; or a "/"
 * with a "*" after it ("/*", "*\/*"). Any other literal, or a "/" last, misses some path.
 */
export function matchesEveryPath(pattern: string): boolean {
  const others = [...pattern].map((c, i) => [c, i] as const).filter(([c]) => c !== '*');
  if (others.length === 0) return pattern.length > 0;
  if (others.length > 1) return false;
  const [[c, i]] = others;
  return c === '?' || (c === '/' && i < pattern.length - 1);
}
