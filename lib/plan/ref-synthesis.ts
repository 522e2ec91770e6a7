/**
 * The two sides of a plan's comparison, synthesized.
 *
 * Head: the working tree's flags (flags/*.json), validated, synthesized in-process.
 * Base: the configuration at a git ref. `git archive <ref>` is unpacked into a
 *   temporary directory (read-only for the repository: no worktree, no checkout),
 *   node_modules is linked in, and the ref's OWN app command (cdktf.json "app") is
 *   run there with CDKTF_OUTDIR. So the base is synthesized by the ref's code from
 *   the ref's flags files, exactly as `cdktf synth` at that commit would.
 */
import type { $ as Zx } from 'zx';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../errors';
import { ALLOW_EXPIRED_CATCH_UP_ENV, flagsFiles, loadFlagsOrThrow, type LoadedFlags } from '../flags/load';
import { baseFlagsAtRef } from '../flags/base-flags';
import { readStacks, synthesizeStacks } from '../synth';
import type { StackJson } from '../terraform/runner';

/** zx, loaded when a ref is synthesized (not by every importer of the plan code). */
const zx = (): typeof Zx => (require('zx') as typeof import('zx')).$;

export interface SynthesizedRef {
  /** Where the ref was unpacked (removed after the run). */
  readonly dir: string;
  readonly stacks: ReadonlyMap<string, StackJson>;
  /** Environments of the ref's flags files. */
  readonly environments: readonly string[];
  /** Environment -> the ref's flags file (absolute). */
  readonly flagsFiles: ReadonlyMap<string, string>;
}

/** The working tree's flags, validated, and their stacks. */
export function synthesizeHead(
  repoDir: string,
  only?: readonly string[],
  options: { readonly baseRef?: string; readonly warn?: (line: string) => void } = {},
): { environments: LoadedFlags[]; stacks: ReadonlyMap<string, StackJson> } {
  // Relative to the working directory when inside it, so problems name files as people type them.
  const files = flagsFiles(path.join(repoDir, 'flags')).map((f) => (f.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), f) : f));
  let environments = loadFlagsOrThrow(files, { base: baseFlagsAtRef(options.baseRef ?? 'HEAD'), warn: options.warn });
  if (only && only.length > 0) {
    const known = environments.map((e) => e.environment);
    for (const e of only) if (!known.includes(e)) throw errors.unknownEnvironment(e, known);
    environments = environments.filter((e) => only.includes(e.environment));
  }
  return { environments, stacks: synthesizeStacks(environments) };
}

/** Synthesizes the configuration at `ref` with that ref's own code and flags (see the top of this file). */
export async function synthesizeRef(repoDir: string, ref: string): Promise<SynthesizedRef> {
  const git = zx()({ cwd: repoDir, quiet: true, nothrow: true });
  const commit = await git`git rev-parse --verify --quiet ${`${ref}^{commit}`}`;
  if (commit.exitCode !== 0) throw errors.gitRefUnknown(ref, repoDir, commit.stderr || 'not a commit');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-base-'));
  try {
    return await synthesizeInto(dir, repoDir, ref, commit.stdout.trim());
  } catch (e) {
    rmSync(dir, { recursive: true, force: true }); // the caller removes it only when this returns
    throw e;
  }
}

/** synthesizeRef's work in `dir`, the ref's own checkout. */
async function synthesizeInto(dir: string, repoDir: string, ref: string, commit: string): Promise<SynthesizedRef> {
  const archive = await zx()({ cwd: repoDir, quiet: true, nothrow: true })`git archive --format=tar ${commit} | tar -x -C ${dir}`;
  if (archive.exitCode !== 0) throw errors.gitRefUnknown(ref, repoDir, archive.stderr);
  const modules = nodeModulesDir(repoDir);
  if (modules && !existsSync(path.join(dir, 'node_modules'))) symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  const flagsDir = path.join(dir, 'flags');
  const files = existsSync(flagsDir) ? flagsFiles(flagsDir) : [];
  const environments = files.map((f) => path.basename(f, '.json'));
  let stacks = new Map<string, StackJson>();
  if (files.length > 0) {
    const outdir = path.join(dir, 'cdktf.out');
    const app = readAppCommand(dir, ref);
    // The base is what was merged: time passing (an expired catch-up fleet) must not make it unsynthesizable.
    const run = await zx()({ cwd: dir, quiet: true, nothrow: true, env: { ...process.env, CDKTF_OUTDIR: outdir, [ALLOW_EXPIRED_CATCH_UP_ENV]: '1' } })`sh -c ${app}`;
    if (run.exitCode !== 0 || !existsSync(path.join(outdir, 'stacks'))) throw errors.baseSynthFailed(ref, `${run.stderr}\n${run.stdout}`);
    stacks = readStacks(outdir);
  }
  return { dir, stacks, environments, flagsFiles: new Map(files.map((f) => [path.basename(f, '.json'), f])) };
}

function readAppCommand(dir: string, ref: string): string {
  try {
    const app = (JSON.parse(readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app?: string }).app;
    if (app) return app;
  } catch {
    // fall through
  }
  throw errors.baseSynthFailed(ref, 'no cdktf.json with an "app" command at that ref');
}

/** node_modules of the project (or the one this code runs from). */
function nodeModulesDir(repoDir: string): string | undefined {
  const own = path.join(repoDir, 'node_modules');
  if (existsSync(own)) return own;
  try {
    return path.resolve(path.dirname(require.resolve('cdktf/package.json')), '..');
  } catch {
    return undefined;
  }
}
