/**
 * The cdktf app (cdktf.json "app"). Validates every flags file first: if any is
 * invalid, it prints every problem and exits non-zero before anything is written.
 */
import { baseFlagsAtRef } from '../lib/flags/base-flags';
import { flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';
import { linkProviderMirror } from '../lib/terraform/cli-config';
import { buildApp } from './app';

export function main(): void {
  // Throws FlagsInvalidError, listing every problem, before anything is synthesized.
  // Compared with HEAD: an expired catch-up fleet the working tree does not touch only warns.
  const environments = loadFlagsOrThrow(flagsFiles(), { base: baseFlagsAtRef('HEAD') });
  const app = buildApp(environments);
  app.synth();
  // Lets a bare `cdktf diff` (whose terraform we do not configure) find the provider mirror.
  linkProviderMirror(app.outdir);
}
