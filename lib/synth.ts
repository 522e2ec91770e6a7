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

/** Synthesizes every stack of `environments` into `outdir` (default: a fresh temp dir). */
export function synthesize(environments: readonly LoadedFlags[], outdir?: string): SynthResult {
  const dir = outdir ?? mkdtempSync(path.join(os.tmpdir(), 'fleetflags-synth-'));
  if (outdir) {
    rmSync(path.join(dir, 'stacks'), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  buildApp(environments, { outdir: dir }).synth();
  return { outdir: dir, stacks: readStacks(dir) };
}

export function readStacks(outdir: string): Map<string, StackJson> {
  const stacksDir = path.join(outdir, 'stacks');
  const stacks = new Map<string, StackJson>();
  for (const name of readdirSync(stacksDir).sort()) {
    stacks.set(name, JSON.parse(readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as StackJson);
  }
  return stacks;
}
