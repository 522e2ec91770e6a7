/**
 * A small git repository holding one flags file, for the guards that read the
 * change being deployed from git (base flags, commits, trailers, earlier builds).
 * No git identity is needed: commits are made with an explicit author/committer.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FlagsInput } from '../../../../lib/flags/schema';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Ada Operator',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Operator',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export interface FlagsRepo {
  readonly dir: string;
  git(...args: string[]): string;
  /** Writes flags/<env>.json (and any extra files) and commits; returns the SHA. */
  commit(message: string, flags?: FlagsInput, extra?: Record<string, string>): string;
  remove(): void;
}

export function makeFlagsRepo(environment: string): FlagsRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-guard-'));
  const env = { ...process.env, ...IDENTITY };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  /** `script` in sh, its arguments as $1...: quoted by sh, never spliced into the script. */
  const sh = (script: string, ...args: string[]) => execFileSync('sh', ['-c', script, 'sh', ...args], { cwd: dir, env, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  mkdirSync(path.join(dir, 'flags'));
  return {
    dir,
    git,
    commit(message, flags, extra = {}) {
      if (flags) writeFileSync(path.join(dir, 'flags', `${environment}.json`), `${JSON.stringify(flags, null, 2)}\n`);
      for (const [file, text] of Object.entries(extra)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      // One process from this (large) jest worker instead of three: forking it costs more than git does.
      return sh('git add -A && git commit -q --allow-empty -m "$1" && git rev-parse HEAD', message);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
