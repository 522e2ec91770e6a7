/**
 * Loading and validating flags files. Two passes, each collecting every problem:
 * 1. the schema (types, ranges, formats, unknown fields), per file;
 * 2. the safety rules (rules/), on each file that passed the schema, and across files.
 * A rule needs typed values to reason about, so a file that fails the schema gets
 * its schema problems only; fixing them shows any rule problems on the next run.
 *
 * @reads flags/*.json
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { FlagsInvalidError, closest, errors, flagsProblems, formatWarning, jsonPath, type FlagsProblem } from '../errors';
import type { BaseFlags } from './base-flags';
import { FlagsSchema, type Flags } from './schema';
import { RENAMED_FIELDS } from './renamed-fields';
import { decodeFlagsBytes, parseJsonText } from './json-text';

/** Keys someone might put a PagerDuty or Slack URL under in `notifications`. */
const SECRET_ENDPOINT_KEYS: ReadonlySet<string> = new Set(['endpoint', 'url', 'webhook', 'webhookUrl', 'integrationUrl']);
import { ALL_RULES, type RuleContext } from './rules';

export interface LoadedFlags {
  /** The file as given, e.g. "flags/sandbox.json". */
  readonly file: string;
  /** The environment, from the file name. */
  readonly environment: string;
  /** The validated flags with defaults applied. */
  readonly flags: Flags;
  /**
   * The file's JSON as written (no defaults), read once with `flags`: what a deploy
   * records and diffs against an older commit's file. Never re-read the file for it:
   * it may have changed since. @default none (entries not loaded from a file)
   */
  readonly source?: unknown;
}

export interface LoadResult {
  readonly loaded: readonly LoadedFlags[];
  /** Errors: any makes the files invalid. */
  readonly problems: readonly FlagsProblem[];
  /** Reported, but the files are valid (severity "warning"). */
  readonly warnings: readonly FlagsProblem[];
}

export interface LoadOptions {
  /** The time safety rules compare expiries with. @default new Date() */
  readonly now?: Date;
  /**
   * Whether an enabled catch-up fleet past its expiry is a problem (see RuleContext).
   * @default "allow" when FLEETFLAGS_ALLOW_EXPIRED_CATCH_UP=1 is set (deploys), else "reject"
   */
  readonly expiredCatchUp?: 'reject' | 'allow';
  /**
   * The flags the change starts from (RuleContext.base): with it, an expired catch-up
   * fleet the change does not touch is a warning. @default none (every one is rejected)
   */
  readonly base?: BaseFlags;
  /** Where loadFlagsOrThrow reports warnings. @default one line each on stderr */
  readonly warn?: (line: string) => void;
}

/** Set by the deploy path so an expired catch-up fleet warns instead of blocking synthesis. */
export const ALLOW_EXPIRED_CATCH_UP_ENV = 'FLEETFLAGS_ALLOW_EXPIRED_CATCH_UP';

export const FLAGS_DIR = 'flags';
const NOT_FLAGS = new Set(['schema.json']);

/** Every flags file in `dir`, sorted: flags/<environment>.json. */
export function flagsFiles(dir: string = FLAGS_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw errors.noFlagsFiles(dir);
  }
  const files = names
    .filter((n) => n.endsWith('.json') && !NOT_FLAGS.has(n))
    .sort()
    .map((n) => path.join(dir, n));
  if (files.length === 0) throw errors.noFlagsFiles(dir);
  return files;
}

/** The flags files of `dir` for a message; none when it cannot be read. */
function existingFlagsFiles(dir: string): string[] {
  try {
    return flagsFiles(dir);
  } catch {
    return [];
  }
}

/**
 * The loaded flags of `wanted` environments, in that order; an unknown one is an
 * error naming the environments that exist (a missing flags file never means
 * "nothing to do").
 */
export function selectEnvironments(loaded: readonly LoadedFlags[], wanted: readonly string[]): LoadedFlags[] {
  const known = loaded.map((l) => l.environment);
  for (const e of wanted) if (!known.includes(e)) throw errors.unknownEnvironment(e, known);
  return wanted.map((e) => loaded.find((l) => l.environment === e)!);
}

/** Parses and validates the given files; never throws for bad input, returns problems. */
export function loadFlagsFiles(files: readonly string[], options: LoadOptions = {}): LoadResult {
  const problems: FlagsProblem[] = [];
  const loaded: LoadedFlags[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' ? flagsProblems.fileMissing(file, existingFlagsFiles(path.dirname(file))) : flagsProblems.fileUnreadable(file, code ?? String(e)));
      continue;
    }
    const decoded = decodeFlagsBytes(file, bytes);
    if ('problem' in decoded) {
      problems.push(decoded.problem);
      continue;
    }
    const result = parseFlags(file, decoded.text);
    problems.push(...result.problems);
    if (result.flags) loaded.push({ file, environment: environmentOf(file), flags: result.flags, source: JSON.parse(decoded.text) as unknown });
  }
  const context: RuleContext = {
    all: loaded,
    now: options.now ?? new Date(),
    expiredCatchUp: options.expiredCatchUp ?? (process.env[ALLOW_EXPIRED_CATCH_UP_ENV] === '1' ? 'allow' : 'reject'),
    base: options.base,
  };
  const warnings: FlagsProblem[] = [];
  for (const rule of ALL_RULES) {
    for (const entry of loaded) {
      for (const p of rule.check(entry, context)) (p.severity === 'warning' ? warnings : problems).push(p);
    }
  }
  return { loaded, problems, warnings };
}

/** Loads and validates, reports warnings, and throws FlagsInvalidError listing every problem. */
export function loadFlagsOrThrow(files: readonly string[] = flagsFiles(), options: LoadOptions = {}): LoadedFlags[] {
  const { loaded, problems, warnings } = loadFlagsFiles(files, options);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const w of warnings) warn(formatWarning(w));
  if (problems.length > 0) throw new FlagsInvalidError(problems);
  return [...loaded];
}

/** The environment a file is for: its base name. */
export function environmentOf(file: string): string {
  return path.basename(file, '.json');
}

/** Schema pass for one file's text. */
export function parseFlags(file: string, text: string): { flags?: Flags; problems: FlagsProblem[] } {
  const json = parseJsonText(file, text);
  const problems: FlagsProblem[] = [...json.problems];
  if (!json.parsed) return { problems };
  const raw = json.value;
  const base = environmentOf(file);
  const validBase = /^[a-z][a-z0-9-]{1,19}$/.test(base);
  if (!validBase) problems.push(flagsProblems.fileNameNotEnvironment(file, base));

  // Checked here, not as a rule, so it is reported even when other fields fail the schema.
  if (validBase && isObject(raw) && typeof raw.environment === 'string' && raw.environment !== base) {
    problems.push(flagsProblems.environmentMismatch(file, raw.environment, base));
  }

  const renamed = renamedFieldProblems(file, raw);
  const renamedPaths = new Set(renamed.map((p) => p.path));
  problems.push(...renamed);

  const result = FlagsSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    // A typo of a required field is one problem ("unknown field x (a typo of y?)"), not also "y is missing".
    const typoed = new Set(result.error.issues.flatMap((issue) => typoTargets(issue)));
    for (const issue of result.error.issues) {
      for (const p of issueToProblems(file, issue)) {
        if (renamedPaths.has(p.path)) continue;
        if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined && typoed.has(p.path)) continue;
        problems.push(p);
      }
    }
  }
  return problems.length === 0 && result.success ? { flags: result.data, problems } : { problems };
}

/** JSON paths of the known fields an unknown field is a likely typo of. */
function typoTargets(issue: Issue): string[] {
  if (issue.code !== 'unrecognized_keys') return [];
  const known = knownKeys(issue.path);
  return issue.keys.flatMap((key) => {
    const suggestion = closest(key, known);
    return suggestion ? [jsonPath([...issue.path, suggestion])] : [];
  });
}

function renamedFieldProblems(file: string, raw: unknown): FlagsProblem[] {
  const problems: FlagsProblem[] = [];
  for (const r of RENAMED_FIELDS) {
    const parent = r.parent.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), raw);
    if (isObject(parent) && r.oldName in parent) {
      problems.push(flagsProblems.renamedField(file, jsonPath([...r.parent, r.oldName]), r.oldName, r.newPath, r.since));
    }
  }
  return problems;
}

type Issue = z.core.$ZodIssue;

function issueToProblems(file: string, issue: Issue): FlagsProblem[] {
  const at = jsonPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) =>
        // A webhook URL in the flags: say why it is refused, and never echo its value (the token).
        issue.path[0] === 'notifications' && SECRET_ENDPOINT_KEYS.has(key)
          ? flagsProblems.endpointInFlags(file, jsonPath([...issue.path, key]), key)
          : flagsProblems.unknownField(file, jsonPath([...issue.path, key]), key, known),
      );
    }
    case 'invalid_type': {
      const expected = expectedText(issue.expected, issue.path);
      if (input === undefined) return [flagsProblems.missingField(file, at, withDescription(expected, issue.path))];
      if (typeof input === 'number' && !Number.isFinite(input) && (issue.expected === 'number' || issue.expected === 'int')) {
        return [flagsProblems.numberNotFinite(file, at, input, withDescription(expected, issue.path, RANGE_SENTENCE))];
      }
      if (issue.expected === 'int' && typeof input === 'number') {
        return [flagsProblems.notWholeNumber(file, at, input, withDescription(expected, issue.path, RANGE_SENTENCE))];
      }
      return [flagsProblems.wrongType(file, at, input, withDescription(expected, issue.path))];
    }
    case 'too_big':
    case 'too_small':
      return [flagsProblems.outOfRange(file, at, input, boundText(issue, issue.path))];
    case 'invalid_format':
      return [flagsProblems.badFormat(file, at, input, issue.message)];
    case 'invalid_value':
      return [flagsProblems.notOneOf(file, at, input, issue.message)];
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      const value = disc && isObject(input) ? input[disc] : input;
      return [flagsProblems.notOneOf(file, at, value, issue.message)];
    }
    default:
      return [flagsProblems.badFormat(file, at, input, issue.message)];
  }
}

function expectedText(expected: string, path: readonly PropertyKey[]): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'object') {
    const node = schemaAt(path);
    const custom = node && (node as { _zod: { def: { error?: unknown } } })._zod.def.error;
    return custom ? `an object with backend ${describeUnion(node!)}` : 'an object';
  }
  if (expected === 'array') return 'an array';
  return `a ${expected}`;
}

function describeUnion(node: z.ZodType): string {
  const options = (node as unknown as { def?: { options?: z.ZodType[] } }).def?.options ?? [];
  const values = options
    .map((o) => (o as unknown as { shape?: Record<string, z.ZodType> }).shape?.backend)
    .map((b) => (b as unknown as { value?: unknown } | undefined)?.value)
    .filter((v) => v !== undefined);
  return values.map((v) => JSON.stringify(v)).join(' or ');
}

function boundText(issue: Issue, path: readonly PropertyKey[]): string {
  const i = issue as { code: string; origin?: string; maximum?: number | bigint; minimum?: number | bigint; inclusive?: boolean };
  const unit = i.origin === 'array' ? ' items' : i.origin === 'string' ? ' characters' : '';
  const bound =
    i.code === 'too_big'
      ? `${i.inclusive ? 'at most' : 'less than'} ${i.maximum}${unit}`
      : `${i.inclusive ? 'at least' : 'more than'} ${i.minimum}${unit}`;
  return withDescription(bound, path, RANGE_SENTENCE);
}

/** The sentence of a description that states a range, e.g. "Range 1-10080 (7 days...)." */
const RANGE_SENTENCE = /[^.]*\b\d[\d,]*\s*-\s*\d[\d,]*\b[^.]*(?:\([^)]*\))?[^.]*\./;

/** Appends the field's description (or the part matching `pick`) for context. */
function withDescription(text: string, path: readonly PropertyKey[], pick?: RegExp): string {
  const description = schemaAt(path)?.description;
  if (!description) return text;
  const part = pick ? description.match(pick)?.[0] : description;
  return part ? `${text} (${part.trim().replace(/\.$/, '')})` : text;
}

/** The schema node at a data path, looking through optional, default and arrays. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = FlagsSchema;
  for (const key of path) {
    node = node && unwrap(node);
    if (!node) return undefined;
    const def: { type: string; element?: z.ZodType; valueType?: z.ZodType } = (
      node as unknown as { def: { type: string; element?: z.ZodType; valueType?: z.ZodType } }
    ).def;
    if (def.type === 'array' && typeof key === 'number') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'object') node = (node as unknown as { shape: Record<string, z.ZodType> }).shape[String(key)];
    else return undefined;
  }
  return node;
}

function unwrap(node: z.ZodType): z.ZodType {
  let n = node as unknown as { def: { type: string; innerType?: unknown } };
  while (n.def.type === 'optional' || n.def.type === 'default' || n.def.type === 'nullable') {
    n = n.def.innerType as typeof n;
  }
  return n as unknown as z.ZodType;
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  const node = schemaAt(path);
  const u = node && (unwrap(node) as unknown as { def: { type: string; options?: unknown[] }; shape?: Record<string, unknown> });
  if (!u) return [];
  if (u.def.type === 'object') return Object.keys(u.shape ?? {});
  if (u.def.type === 'union') {
    return [...new Set((u.def.options ?? []).flatMap((o) => Object.keys((o as { shape?: object }).shape ?? {})))];
  }
  return [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
