/**
 * Writes an emulated environment's shared config file (lib/terraform/emulator-profile.ts)
 * into the stack's synthesized directory, next to cdk.tf.json, at every synthesis: the
 * provider configuration names it by a path relative to that directory, so `cdktf diff`,
 * `cdktf deploy` and our scripts (which all run Terraform there) reach the emulator
 * with nothing exported.
 */
import path from 'node:path';
import type { ISynthesisSession, TerraformStack } from 'cdktf';
import { EMULATOR_CONFIG_FILE, writeEmulatorProfile } from '../lib/terraform/emulator-profile';

/**
 * Makes `stack`'s synthesis also write the emulator profile for `endpoint` (flags `aws.endpoint`,
 * loopback only: the flags schema checks it). Returns the file's path as the provider
 * configuration names it: relative to the stack directory.
 *
 * Through the stack's public `synthesizer` (wrapped: the file is written once the stack's
 * directory exists), not cdktf's internal addCustomSynthesis. It runs for every synthesis into
 * a directory (cdktf synth/diff/deploy, lib/synth.ts); an in-memory Testing.synth writes nothing.
 */
export function writeEmulatorProfileAtSynth(stack: TerraformStack, endpoint: string): string {
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      inner.synthesize(session);
      writeEmulatorProfile(path.join(session.outdir, session.manifest.forStack(stack).workingDirectory), endpoint);
    },
  };
  return EMULATOR_CONFIG_FILE;
}
