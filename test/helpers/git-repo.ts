/**
 * A small temporary git repository for script and guard tests: its own identity
 * (tests pass with an empty HOME and no git configuration), a bare `origin`, and
 * helpers to commit and push.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEST_GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test Operator',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test Operator',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export interface GitRepo {
  readonly dir: string;
  readonly origin: string;
  git(...args: string[]): string;
  /** Writes `files` (path → content), commits them, returns the new commit. */
  commit(message: string, files?: Record<string, string>): string;
  remove(): void;
}

export function makeGitRepo(): GitRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-git-'));
  const dir = path.join(root, 'repo');
  const origin = path.join(root, 'origin.git');
  mkdirSync(dir);
  const env = { ...process.env, ...TEST_GIT_ENV };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  /** `script` in sh, its arguments as $1...: one process from this (large) jest worker instead of several (forking it costs more than git does). */
  const sh = (script: string, ...args: string[]) => execFileSync('sh', ['-c', script, 'sh', ...args], { cwd: dir, env, encoding: 'utf8' }).trim();
  sh(
    'git init -q -b main && git config user.name "$1" && git config user.email "$2" && git init -q --bare -b main "$3" && git remote add origin "$3"',
    TEST_GIT_ENV.GIT_AUTHOR_NAME,
    TEST_GIT_ENV.GIT_AUTHOR_EMAIL,
    origin,
  );
  let n = 0;
  return {
    dir,
    origin,
    git,
    commit(message, files = { [`file-${n++}.txt`]: `${message}\n` }) {
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
      return sh('git add -A && git commit -q -m "$1" && git rev-parse HEAD', message);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
