/**
 * Attribute-level changes of one resource, from a Terraform JSON plan change:
 * before -> after per leaf path (nested blocks, lists, maps, and JSON strings such
 * as policies), sensitive values masked, unknown values "(known after apply)".
 */
import type { TerraformChange } from './plan-json';
import { compare } from './plan-model';
import { deepEqual, isPlainObject } from './flags-diff';

export const SENSITIVE = '(sensitive value)';
export const KNOWN_AFTER_APPLY = '(known after apply)';
export const ABSENT = '(none)';

export interface AttributeLine {
  /** "+" added, "-" removed, "~" changed. */
  readonly op: '+' | '-' | '~';
  /** e.g. `rule[0].expiration[0].days`, `tags["team"]`, `jsondecode(policy).Statement[0].Sid`. */
  readonly path: string;
  readonly before: string;
  readonly after: string;
  /** The path is (under) one of the change's `replace_paths`. */
  readonly forcesReplacement: boolean;
}

type Seg = string | number | { json: true } | { base64: true };

interface Node {
  readonly before: unknown;
  readonly after: unknown;
  /** after_unknown subtree: true, an object/array, or undefined. */
  readonly unknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
}

const MAX_VALUE_CHARS = 160;

/**
 * Known secret values of a stack, for masking values the plan did not mark: equal
 * to one at any length, or containing one of at least `MIN_CONTAINED_SECRET` characters.
 */
export class SecretValues {
  private readonly exact: ReadonlySet<string>;
  private readonly contained: readonly string[];
  static readonly NONE = new SecretValues([]);
  constructor(secrets: readonly string[]) {
    this.exact = new Set(secrets);
    this.contained = [...this.exact].filter((x) => x.length >= MIN_CONTAINED_SECRET);
  }
  /** Whether a value (a string, or a number's digits) is or holds a secret. */
  matches(value: unknown): boolean {
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    const s = String(value);
    return this.exact.has(s) || (this.contained.length > 0 && this.contained.some((x) => s.includes(x)));
  }
  /** Whether any leaf of a value (an object, a list, a JSON string) is or holds a secret. */
  deepMatches(value: unknown): boolean {
    if (this.exact.size === 0) return false;
    if (value !== null && typeof value === 'object') return Object.values(value).some((v) => this.deepMatches(v));
    return this.matches(value);
  }
}

/** A known secret this long is masked also inside a longer unmarked value. */
export const MIN_CONTAINED_SECRET = 6;

/**
 * The changed leaves of `change`, sorted by path. For a create every known, non-empty
 * attribute is a "+" line; for a delete nothing is listed (the address says it all).
 * Values are masked by the plan's sensitivity marks (and by `secrets`) before they
 * are cut, split into lines or diffed: no part of a secret is ever shown.
 */
export function attributeLines(change: TerraformChange, secrets: SecretValues = SecretValues.NONE): AttributeLine[] {
  if (change.actions.length === 1 && change.actions[0] === 'delete') return [];
  const lines: AttributeLine[] = [];
  const replacePaths = (change.replace_paths ?? []).map((p) => p.map(String));
  walk(
    secrets,
    {
      before: change.before ?? undefined,
      after: change.after ?? undefined,
      unknown: change.after_unknown,
      beforeSensitive: change.before_sensitive,
      afterSensitive: change.after_sensitive,
    },
    [],
    (path, line) => {
      const plain = path.filter((s): s is string | number => typeof s !== 'object').map(String);
      const forces = replacePaths.some((rp) => rp.length <= plain.length && rp.every((s, i) => s === plain[i]));
      lines.push({ ...line, path: formatPath(path), forcesReplacement: forces });
    },
  );
  return lines;
}

type Emit = (path: Seg[], line: Omit<AttributeLine, 'path' | 'forcesReplacement'>) => void;

function walk(secrets: SecretValues, node: Node, path: Seg[], emit: Emit): void {
  // Unmarked copies of a secret are masked as if marked.
  const n: Node = {
    ...node,
    beforeSensitive: node.beforeSensitive === true || secrets.matches(node.before) ? true : node.beforeSensitive,
    afterSensitive: node.afterSensitive === true || secrets.matches(node.after) ? true : node.afterSensitive,
  };
  const beforeAbsent = n.before === undefined || n.before === null;
  if (n.unknown === true) {
    emit(path, { op: beforeAbsent ? '+' : '~', before: beforeAbsent ? ABSENT : show(n.before, n.beforeSensitive, secrets), after: KNOWN_AFTER_APPLY });
    return;
  }
  if (beforeAbsent && (n.after === undefined || n.after === null) && !containsTrue(n.unknown)) return;
  const sensitive = n.beforeSensitive === true || n.afterSensitive === true;
  if (sensitive) {
    if (deepEqual(n.before, n.after)) return;
    emit(path, leafOp(n.before, n.after, n.beforeSensitive === true ? SENSITIVE : show(n.before, n.beforeSensitive, secrets), n.afterSensitive === true ? SENSITIVE : show(n.after, n.afterSensitive, secrets)));
    return;
  }
  if (deepEqual(n.before, n.after) && !containsTrue(n.unknown)) return;

  // Objects and maps: key by key.
  if ((isPlainObject(n.before) || beforeAbsent) && (isPlainObject(n.after) || n.after === undefined || n.after === null) && (isPlainObject(n.before) || isPlainObject(n.after) || isPlainObject(n.unknown))) {
    const b = isPlainObject(n.before) ? n.before : {};
    const a = isPlainObject(n.after) ? n.after : {};
    const u = isPlainObject(n.unknown) ? n.unknown : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a), ...Object.keys(u).filter((k) => u[k] === true || isPlainObject(u[k]) || Array.isArray(u[k]))])].sort(compare);
    for (const k of keys) walk(secrets, child(n, k, b[k], a[k]), [...path, k], emit);
    return;
  }

  // Lists and sets: whole when they hold only plain scalars, else element by element.
  if ((Array.isArray(n.before) || beforeAbsent) && (Array.isArray(n.after) || n.after === undefined || n.after === null) && (Array.isArray(n.before) || Array.isArray(n.after))) {
    const b = Array.isArray(n.before) ? n.before : [];
    const a = Array.isArray(n.after) ? n.after : [];
    const scalars = [...b, ...a].every((v) => v === null || typeof v !== 'object');
    if (scalars && !containsTrue(n.unknown) && !containsTrue(n.beforeSensitive) && !containsTrue(n.afterSensitive)) {
      if (b.length === 0 && a.length === 0) return;
      emit(path, leafOp(n.before, n.after, show(n.before, undefined, secrets), show(n.after, undefined, secrets)));
      return;
    }
    const u = Array.isArray(n.unknown) ? n.unknown : [];
    const len = Math.max(b.length, a.length, u.length);
    for (let i = 0; i < len; i++) walk(secrets, child(n, i, b[i], a[i]), [...path, i], emit);
    return;
  }

  // Scripts (user data, often base64) and other multi-line text: a line diff.
  if (typeof n.before === 'string' && typeof n.after === 'string') {
    const b64 = decodeBase64Text(n.before) !== undefined && decodeBase64Text(n.after) !== undefined;
    const tb = b64 ? decodeBase64Text(n.before)! : n.before;
    const ta = b64 ? decodeBase64Text(n.after)! : n.after;
    if (b64 || (tb.includes('\n') && ta.includes('\n'))) {
      const at: Seg[] = b64 ? [...path, { base64: true }] : path;
      for (const d of lineDiff(tb, ta)) {
        const line = secrets.matches(d.line) ? SENSITIVE : showPlain(d.line);
        emit(at, d.op === '+' ? { op: '+', before: ABSENT, after: line } : { op: '-', before: line, after: ABSENT });
      }
      return;
    }
  }

  // JSON documents in strings (IAM policies): compare the decoded documents.
  const jb = typeof n.before === 'string' ? decodeJson(n.before) : beforeAbsent ? null : undefined;
  const ja = typeof n.after === 'string' ? decodeJson(n.after) : undefined;
  if (ja !== undefined && jb !== undefined && (typeof n.before === 'string' || beforeAbsent)) {
    walk(secrets, { before: jb ?? undefined, after: ja, unknown: undefined, beforeSensitive: undefined, afterSensitive: undefined }, [...path, { json: true }], emit);
    return;
  }

  emit(path, leafOp(n.before, n.after, show(n.before, undefined, secrets), show(n.after, undefined, secrets)));
}

function child(n: Node, key: string | number, before: unknown, after: unknown): Node {
  return {
    before,
    after,
    unknown: sub(n.unknown, key),
    beforeSensitive: sub(n.beforeSensitive, key),
    afterSensitive: sub(n.afterSensitive, key),
  };
}

function sub(tree: unknown, key: string | number): unknown {
  if (tree === true) return true;
  if (Array.isArray(tree) && typeof key === 'number') return tree[key];
  if (isPlainObject(tree)) return tree[String(key)];
  return undefined;
}

function leafOp(before: unknown, after: unknown, b: string, a: string): Omit<AttributeLine, 'path' | 'forcesReplacement'> {
  const bAbsent = before === undefined || before === null;
  const aAbsent = after === undefined || after === null;
  return { op: bAbsent && !aAbsent ? '+' : aAbsent && !bAbsent ? '-' : '~', before: bAbsent ? ABSENT : b, after: aAbsent ? ABSENT : a };
}

/** A value for display, masked where its sensitivity tree marks anything. */
function show(value: unknown, sensitive: unknown, secrets: SecretValues): string {
  return containsTrue(sensitive) || secrets.deepMatches(value) ? SENSITIVE : showPlain(value);
}

export function showPlain(value: unknown): string {
  if (value === undefined || value === null) return ABSENT;
  return cut(JSON.stringify(value));
}

function cut(json: string): string {
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS - 1)}…` : json;
}

const UNKNOWN_TOKEN = '\u0000unknown\u0000';
const SENSITIVE_TOKEN = '\u0000sensitive\u0000';

/**
 * A whole value for display (an output): masked where its sensitivity tree (or a
 * known secret) says, `(known after apply)` in place where its unknown tree says,
 * so a list with one unknown element is `["a",(known after apply)]`, not `["a",null]`,
 * and an object's unknown key is there, not missing. Masked before it is cut.
 */
export function showValue(value: unknown, unknown: unknown, sensitive: unknown, secrets: SecretValues = SecretValues.NONE): string {
  if (unknown === true) return KNOWN_AFTER_APPLY;
  if ((value === undefined || value === null) && !containsTrue(unknown)) return ABSENT;
  if (sensitive === true || secrets.matches(value)) return SENSITIVE;
  const merge = (v: unknown, u: unknown, m: unknown): unknown => {
    if (u === true) return UNKNOWN_TOKEN;
    if (m === true || secrets.matches(v)) return SENSITIVE_TOKEN;
    if (Array.isArray(v) || Array.isArray(u)) {
      const va = Array.isArray(v) ? v : [];
      const ua = Array.isArray(u) ? u : [];
      return Array.from({ length: Math.max(va.length, ua.length) }, (_, i) => merge(va[i] ?? null, ua[i], sub(m, i)));
    }
    if (isPlainObject(v) || isPlainObject(u)) {
      const vo = isPlainObject(v) ? v : {};
      const uo = isPlainObject(u) ? u : {};
      const keys = [...new Set([...Object.keys(vo), ...Object.keys(uo).filter((k) => containsTrue(uo[k]))])].sort(compare);
      return Object.fromEntries(keys.map((k) => [k, merge(vo[k] ?? null, uo[k], sub(m, k))]));
    }
    return v;
  };
  const json = JSON.stringify(merge(value, unknown, sensitive))
    .split(JSON.stringify(UNKNOWN_TOKEN))
    .join(KNOWN_AFTER_APPLY)
    .split(JSON.stringify(SENSITIVE_TOKEN))
    .join(SENSITIVE);
  return cut(json);
}

export function containsTrue(tree: unknown): boolean {
  if (tree === true) return true;
  if (Array.isArray(tree)) return tree.some(containsTrue);
  if (isPlainObject(tree)) return Object.values(tree).some(containsTrue);
  return false;
}

function decodeJson(s: string): unknown {
  const t = s.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a base64 string that decodes to printable UTF-8 (user data), else undefined. */
function decodeBase64Text(s: string): string | undefined {
  if (s.length < 24 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  // eslint-disable-next-line no-control-regex
  return text.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(text) ? undefined : text;
}

/** Lines removed and added, in order (longest common subsequence; texts here are small). */
export function lineDiff(before: string, after: string): { op: '+' | '-'; line: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 4_000_000) {
    return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: { op: '+' | '-'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push({ op: '-', line: a[i++] });
    else out.push({ op: '+', line: b[j++] });
  }
  return out;
}

/** `rule[0].expiration[0].days`, `tags["fleetflags:stack"]`, `jsondecode(policy).Statement[0]`, `base64decode(user_data)`. */
export function formatPath(path: readonly Seg[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'object') out = 'json' in s ? `jsondecode(${out})` : `base64decode(${out})`;
    else if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(whole value)' : out;
}
