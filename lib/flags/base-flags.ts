/**
 * The flags a change starts from: each environment's flags file at a git ref (a
 * PR's base branch, or HEAD for a local run). The expiry rule asks it whether a
 * change touches a catch-up fleet, so that the clock passing an expiry blocks only
 * the change that touches that fleet (see rules/catch-up-expires-in-future.ts).
 *
 * Lazy: git runs only when a rule asks (an expired catch-up fleet), so a normal
 * synthesis costs nothing extra.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { FlagsSchema } from './schema';

/** What a rule can ask about the base of a change. */
export interface BaseFlags {
  /** A description for messages, e.g. "HEAD" or "origin/main". */
  readonly ref: string;
  /**
   * The catch-up settings of the flags file at the base (defaults applied when the
   * base file is valid), or undefined when the base has no such file.
   */
  catchUpOf(file: string): unknown | undefined;
}

/** The flags files at `ref` of the git repository that holds them; undefined answers when git cannot say. */
export function baseFlagsAtRef(ref: string): BaseFlags {
  const cache = new Map<string, unknown>();
  return {
    ref,
    catchUpOf(file) {
      const key = path.resolve(file);
      if (!cache.has(key)) cache.set(key, readCatchUpAt(ref, key));
      return cache.get(key);
    },
  };
}

/** Base flags given in memory (tests, and callers that already read them): file -> raw flags JSON. */
export function baseFlagsFrom(ref: string, files: ReadonlyMap<string, unknown>): BaseFlags {
  const byPath = new Map([...files].map(([f, raw]) => [path.resolve(f), raw]));
  return { ref, catchUpOf: (file) => catchUpOfRaw(byPath.get(path.resolve(file))) };
}

function readCatchUpAt(ref: string, absoluteFile: string): unknown | undefined {
  const cwd = path.dirname(absoluteFile);
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const rel = path.relative(top, absoluteFile).split(path.sep).join('/');
    const text = execFileSync('git', ['show', `${ref}:${rel}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 });
    return catchUpOfRaw(JSON.parse(text));
  } catch {
    return undefined; // not a git repository, no such ref or file at the ref, or not JSON: no base to compare with
  }
}

function catchUpOfRaw(raw: unknown): unknown | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const parsed = FlagsSchema.safeParse(raw);
  return parsed.success ? parsed.data.catchUp : ((raw as { catchUp?: unknown }).catchUp ?? null);
}

/** Whether two JSON values are equal, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}
