/**
 * Builds the cdktf app: per environment, `<env>-data` and `<env>-fleet`, from the
 * validated flags files. Exported for the tests and the benchmark; main.ts runs it.
 */
import { App } from 'cdktf';
import type { LoadedFlags } from '../lib/flags/load';
import { dataStackName, fleetStackName } from '../lib/naming';
import { DataStack } from './data-stack';
import { FleetStack } from './fleet-stack';

export interface BuildAppOptions {
  /** Where to synthesize. @default "cdktf.out" (or CDKTF_OUTDIR, as cdktf-cli sets it) */
  readonly outdir?: string;
}

export function buildApp(environments: readonly LoadedFlags[], options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  for (const { environment, flags } of environments) {
    new DataStack(app, dataStackName(environment), { flags });
    new FleetStack(app, fleetStackName(environment), { flags });
  }
  return app;
}
