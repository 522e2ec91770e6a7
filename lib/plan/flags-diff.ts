/**
 * The "flags changed" table of a plan comment: a deep diff of the base branch's and
 * the head's flags files, one row per changed leaf, with its JSON path
 * (`$.ingest.spot.onDemandPercentageAboveBaseCapacity`). A reviewer sees the intent
 * (the flag edit) next to its effect (the plan).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { errors, jsonPath } from '../errors';
import { FlagsSchema } from '../flags/schema';

/** Flags files by file name ("sandbox.json") -> parsed JSON (or the raw text when not JSON). */
export type FlagsSet = ReadonlyMap<string, unknown>;

export interface FlagChange {
  /** The flags file, e.g. "flags/sandbox.json". */
  readonly file: string;
  /** The environment (the file's base name). */
  readonly environment: string;
  /** JSON path of the changed value, "$" for a whole file added or removed. */
  readonly path: string;
  /** `undefined` when added. */
  readonly before: unknown;
  /** `undefined` when removed. */
  readonly after: unknown;
  /** The whole environment is new (its flags file was added) or deleted. */
  readonly environmentChange?: 'added' | 'removed';
  /** Where `before` is absent: the value the schema's default gives it (what was in effect). */
  readonly beforeDefault?: unknown;
  /** Where `after` is absent: the value the schema's default gives it (what will be in effect). */
  readonly afterDefault?: unknown;
}

const NOT_FLAGS = new Set(['schema.json']);

/** Reads every `<environment>.json` of a flags directory (not schema.json). */
export function readFlagsDir(dir: string): Map<string, unknown> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw errors.flagsDirUnreadable(dir, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  const out = new Map<string, unknown>();
  for (const name of names.filter((n) => n.endsWith('.json') && !NOT_FLAGS.has(n)).sort()) {
    out.set(name, parseOrText(readFileSync(path.join(dir, name), 'utf8')));
  }
  return out;
}

/** Reads the flags files of a git ref (e.g. the PR's base) without checking it out. */
export function readFlagsAtRef(ref: string, dir = 'flags', cwd = process.cwd()): Map<string, unknown> {
  return new Map([...readFlagsBytesAtRef(ref, dir, cwd)].map(([name, bytes]) => [name, parseOrText(bytes.toString('utf8'))]));
}

/** The bytes of each flags file of a git ref, as committed (what the loader must judge: duplicates, a BOM, the encoding). */
export function readFlagsBytesAtRef(ref: string, dir = 'flags', cwd = process.cwd()): Map<string, Buffer> {
  const git = (args: string[]) => execFileSync('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  let listing: string;
  try {
    listing = git(['ls-tree', '--name-only', `${ref}:${dir}`]).toString('utf8');
  } catch (e) {
    throw errors.flagsDirUnreadable(`${ref}:${dir}`, (e as Error).message.split('\n')[0]);
  }
  const out = new Map<string, Buffer>();
  for (const name of listing.split('\n').filter((n) => n.endsWith('.json') && !NOT_FLAGS.has(n)).sort()) {
    out.set(name, git(['show', `${ref}:${dir}/${name}`]));
  }
  return out;
}

/**
 * Every changed leaf between two sets of flags files, sorted by file then path.
 * Objects are compared key by key; arrays element by element (an element added or
 * removed at the end is one row); a file added or removed is one row at "$".
 */
export function diffFlags(base: FlagsSet, head: FlagsSet, dir = 'flags'): FlagChange[] {
  const out: FlagChange[] = [];
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  for (const name of names) {
    const file = `${dir}/${name}`;
    const environment = name.replace(/\.json$/, '');
    const before = base.get(name);
    const after = head.get(name);
    if (before === undefined || after === undefined) {
      if (before !== after) out.push({ file, environment, path: '$', before, after, environmentChange: before === undefined ? 'added' : 'removed' });
      continue;
    }
    const effectiveBefore = effective(before);
    const effectiveAfter = effective(after);
    for (const d of diffValues(before, after)) {
      const change: FlagChange = { file, environment, path: jsonPath(d.path), before: d.before, after: d.after };
      const beforeDefault = d.before === undefined ? valueAt(effectiveBefore, d.path) : undefined;
      const afterDefault = d.after === undefined ? valueAt(effectiveAfter, d.path) : undefined;
      out.push({ ...change, ...(beforeDefault !== undefined ? { beforeDefault } : {}), ...(afterDefault !== undefined ? { afterDefault } : {}) });
    }
  }
  return out;
}

/** A flags file with the schema's defaults filled in; undefined when it does not pass the schema. */
function effective(json: unknown): unknown {
  const parsed = FlagsSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function valueAt(json: unknown, at: readonly (string | number)[]): unknown {
  let v: unknown = json;
  for (const k of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

export interface ValueDiff {
  readonly path: readonly (string | number)[];
  readonly before: unknown;
  readonly after: unknown;
}

/** Deep diff of two JSON values; `undefined` stands for "absent". */
export function diffValues(before: unknown, after: unknown, at: readonly (string | number)[] = []): ValueDiff[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], [...at, k]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    const out: ValueDiff[] = [];
    for (let i = 0; i < n; i++) out.push(...diffValues(before[i], after[i], [...at, i]));
    return out;
  }
  return [{ path: at, before, after }];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A broken file is still a change a reviewer must see; check-flags reports why.
    return text;
  }
}
