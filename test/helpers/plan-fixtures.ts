/**
 * Fixtures of the plan tests: the shipped stacks, synthesized once per test file,
 * and a temporary git repository holding a copy of the project.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { loadFlagsOrThrow } from '../../lib/flags/load';
import type { Flags } from '../../lib/flags/schema';
import { synthesizeStacks } from '../../lib/synth';
import { tempDirs } from './temp-dirs';
import type { StackJson } from '../../lib/terraform/runner';
import { loaded } from './flags-fixtures';

let shipped: ReadonlyMap<string, StackJson> | undefined;

/** Every stack of every shipped flags file, synthesized once. */
export function shippedStacks(): ReadonlyMap<string, StackJson> {
  shipped ??= synthesizeStacks(loadFlagsOrThrow());
  return shipped;
}

/** The stacks of one environment's flags. */
export function stacksOf(flags: Flags): ReadonlyMap<string, StackJson> {
  return synthesizeStacks([loaded(flags)]);
}

const dirs = tempDirs();

/** A fresh temporary directory for Terraform working copies, removed after the test file (import this module at its top level). */
export function tempDir(prefix = 'fleetflags-plan-test-'): string {
  return dirs(prefix);
}

export const PROJECT_FILES = ['flags', 'stacks', 'lib', 'bin', 'scripts', 'package.json', 'cdktf.json', 'tsconfig.json'];

/** `git` in `cwd`, quiet, with a fixed identity; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

/**
 * A temporary git repository with a copy of the project (node_modules linked),
 * committed on `main`.
 */
export function tempProjectRepo(root: string = process.cwd()): string {
  const dir = tempDir('fleetflags-repo-');
  for (const f of PROJECT_FILES) {
    if (existsSync(path.join(root, f))) cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  cpSync(path.join(root, '.gitignore'), path.join(dir, '.gitignore'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}
