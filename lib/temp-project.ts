/**
 * A copy of the project in a temporary git repository: what the end-to-end suites
 * and the deploy bench run the real scripts in. The copy holds the working tree's
 * sources as they are (flags, stacks, lib, scripts, bin, emulator and the project
 * files; uncommitted edits included: a test runs the code being edited) with
 * node_modules symlinked, committed on `main` with an identity of its own in its
 * local config, which also turns off commit signing and hooks a machine's global git
 * config may set.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The project's root: the nearest directory above this file with cdktf.json (this file may run bundled in dist/). */
export function projectRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'cdktf.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no cdktf.json above ${from}`);
  }
}
export const PROJECT_ENTRIES = ['flags', 'stacks', 'lib', 'scripts', 'bin', 'emulator', 'package.json', 'cdktf.json', 'tsconfig.json', '.gitignore'] as const;
export const TEMP_PROJECT_IDENTITY = { name: 'Ada Operator', email: 'ada@example.com' } as const;

/** Copies the project into `dir` (created), makes it a git repository on `main` and commits it. */
export function copyProject(dir: string, root: string = projectRoot()): (...args: string[]) => string {
  mkdirSync(dir, { recursive: true });
  for (const entry of PROJECT_ENTRIES) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', TEMP_PROJECT_IDENTITY.name);
  git('config', 'user.email', TEMP_PROJECT_IDENTITY.email);
  git('config', 'commit.gpgsign', 'false');
  git('config', 'core.hooksPath', '/dev/null');
  git('add', '-A');
  git('commit', '-q', '-m', 'fleetflags');
  return git;
}

/** Edits `flags/<environment>.json` of a project directory as JSON. */
export function editProjectFlags(dir: string, environment: string, edit: (flags: any) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const file = path.join(dir, 'flags', `${environment}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}
