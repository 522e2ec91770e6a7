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
 * Whether the pattern matches every path a customer's request can take: every path longer than the
 * bare "/" (a request path always starts with "/"). The path "/" followed by a long run of a character
 * no literal names must match, so the pattern holds only "*", "?" and at most one "/", and a "/" must
 * take the path's first character (only "*"s before it). After it (or in the whole pattern, with no
 * "/"), a "*" must absorb any length and the "?"s must fit the shortest such path, "/x": one "?"
 * after a "/", two without one ("??*" takes "/x" whole).
 */
export function matchesEveryPath(pattern: string): boolean {
  if (!/^[*?/]+$/.test(pattern)) return false;
  const slash = pattern.indexOf('/');
  if (slash !== pattern.lastIndexOf('/')) return false;
  if (slash >= 0 && /[^*]/.test(pattern.slice(0, slash))) return false;
  const rest = slash >= 0 ? pattern.slice(slash + 1) : pattern;
  const singles = rest.split('?').length - 1;
  return rest.includes('*') && singles <= (slash >= 0 ? 1 : 2);
}
