/**
 * Synthesis in-process: validated flags -> cdktf app -> Terraform JSON per stack.
 * Used by the scripts, the benchmark and the tests, so all of them synthesize
 * exactly what `cdktf synth` does.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../stacks/app';
import type { LoadedFlags } from './flags/load';
import type { StackJson } from './terraform/runner';

export interface SynthResult {
  readonly outdir: string;
  /** Stack name -> synthesized Terraform JSON, sorted by name. */
  readonly stacks: ReadonlyMap<string, StackJson>;
}

/** Synthesizes every stack of `environments` into `outdir` (its `stacks/` replaced), where the caller keeps it. */
export function synthesize(environments: readonly LoadedFlags[], outdir: string): SynthResult {
  rmSync(path.join(outdir, 'stacks'), { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  buildApp(environments, { outdir }).synth();
  return { outdir, stacks: readStacks(outdir) };
}

/** Every stack of `environments`, synthesized in a temporary directory that is removed before this returns. */
export function synthesizeStacks(environments: readonly LoadedFlags[]): ReadonlyMap<string, StackJson> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-synth-'));
  try {
    return synthesize(environments, dir).stacks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readStacks(outdir: string): Map<string, StackJson> {
  const stacksDir = path.join(outdir, 'stacks');
  const stacks = new Map<string, StackJson>();
  for (const name of readdirSync(stacksDir).sort()) {
    stacks.set(name, JSON.parse(readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as StackJson);
  }
  return stacks;
}
