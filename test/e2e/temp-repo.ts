/**
 * A temporary git repository holding a copy of the project (flags, stacks, lib,
 * scripts, bin, package.json, cdktf.json, tsconfig.json, .gitignore) with
 * node_modules symlinked, committed on `main`; optionally with a bare `origin`.
 * The end-to-end suites run the real scripts in it (`node bin/run.mjs ...`).
 *
 * @reads flags/*.json
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyProject, editProjectFlags, TEMP_PROJECT_IDENTITY } from '../../lib/temp-project';
import { testBaselineCache } from '../helpers/baseline-cache';


export interface TempRepo {
  readonly dir: string;
  /** The bare repository that is `origin`, when made with `withOrigin`. */
  readonly origin?: string;
  git(...args: string[]): string;
  /** Edits flags/<env>.json as JSON. */
  editFlags(environment: string, edit: (flags: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  commitAll(message: string): string;
  /** Runs `node bin/run.mjs <script> ...args` in the repository. */
  run(script: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
  readJson<T = any>(file: string): T; // eslint-disable-line @typescript-eslint/no-explicit-any
  remove(): void;
}

export const GIT_ENV = {
  GIT_AUTHOR_NAME: TEMP_PROJECT_IDENTITY.name,
  GIT_AUTHOR_EMAIL: TEMP_PROJECT_IDENTITY.email,
  GIT_COMMITTER_NAME: TEMP_PROJECT_IDENTITY.name,
  GIT_COMMITTER_EMAIL: TEMP_PROJECT_IDENTITY.email,
};

export function makeTempRepo(options: { withOrigin?: boolean } = {}): TempRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-e2e-'));
  const dir = path.join(root, 'repo');
  // The repository carries its own identity in its config; nothing comes from the machine's
  // git config or from GIT_* variables, so the scripts run here see what a fresh clone sees.
  const env = { ...process.env };
  copyProject(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  let origin: string | undefined;
  if (options.withOrigin) {
    origin = path.join(root, 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    git('remote', 'add', 'origin', origin);
    git('push', '-q', 'origin', 'main');
  }
  return {
    dir,
    origin,
    git,
    editFlags(environment, edit) {
      editProjectFlags(dir, environment, edit);
    },
    commitAll(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    run(script, args, extraEnv = {}) {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          ['bin/run.mjs', script, ...args],
          {
            cwd: dir,
            env: { ...env, GITHUB_TOKEN: '', GITHUB_REPOSITORY: '', LAUNCHDARKLY_SDK_KEY: '', HONEYCOMB_API_KEY: '', FLEETFLAGS_BASELINE_CACHE: testBaselineCache(), ...extraEnv },
            maxBuffer: 64 * 1024 * 1024,
          },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
    },
    readJson(file) {
      return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
