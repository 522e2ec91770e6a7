/**
 * cdktf's `Testing.app()` and `Testing.synthScope()` make a `cdktf.outdir.*` temporary
 * directory on every call (cdktf's App writes its manifest's `stacks/` there) and never
 * remove it. These make the same app with one output directory per test file, removed
 * after the file's last test (test/helpers/temp-dirs.ts). Import this module from the
 * test file's top level (its afterAll registers there).
 */
import { TerraformStack, Testing, type App } from 'cdktf';
import type { Construct } from 'constructs';
import { tempDirs } from './temp-dirs';

const dirs = tempDirs();
let outdir: string | undefined;

/** `Testing.app(options)` with this test file's output directory. */
export function testApp(options: Parameters<typeof Testing.app>[0] = {}): App {
  outdir ??= dirs('cdktf-outdir-');
  return Testing.app({ ...options, outdir });
}

/** `Testing.synthScope(fn)`: `fn` builds into a stack of a fresh `testApp()`; the stack's Terraform JSON, as a string. */
export function synthScope(fn: (scope: Construct) => void): string {
  const stack = new TerraformStack(testApp(), 'stack');
  fn(stack);
  return Testing.synth(stack);
}
