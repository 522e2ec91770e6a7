/**
 * Builds the cdktf app: per environment, `<env>-data` and `<env>-fleet` (and
 * `<env>-access` for an AWS environment with `access`), from the
 * validated flags files. Exported for the tests and the benchmark; main.ts runs it.
 */
import { isAwsEnvironment } from '../lib/flags/schema';
import { App } from 'cdktf';
import type { LoadedFlags } from '../lib/flags/load';
import { accessStackName, dataStackName, fleetStackName } from '../lib/naming';
import { AccessStack } from './access-stack';
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
    // Who can deploy: AWS environments that name their repository (flags "access").
    if (flags.access && isAwsEnvironment(flags)) new AccessStack(app, accessStackName(environment), { flags: { ...flags, access: flags.access } });
  }
  return app;
}
