/**
 * The cdktf app (cdktf.json "app"). Validates every flags file first: if any is
 * invalid, it prints every problem and exits non-zero before anything is written.
 */
import { loadFlagsOrThrow } from '../lib/flags/load';
import { linkProviderMirror } from '../lib/terraform/cli-config';
import { buildApp } from './app';

export function main(): void {
  // Throws FlagsInvalidError, listing every problem, before anything is synthesized.
  const environments = loadFlagsOrThrow();
  const app = buildApp(environments);
  app.synth();
  // Lets a bare `cdktf diff` (whose terraform we do not configure) find the provider mirror.
  linkProviderMirror(app.outdir);
}
