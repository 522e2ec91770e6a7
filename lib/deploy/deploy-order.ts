/**
 * The environments CI deploys, read from main, not from the checkout: a pull
 * request that adds `flags/x.json` must not make the deploy job name a GitHub
 * environment `x` (which GitHub would create on the spot, unprotected). Only
 * environments whose flags file on main is valid, deployed (`deploy.order`), in
 * AWS, and known to the access stack (`access`) are deployed, in order.
 */
import { FlagsSchema, isAwsEnvironment, type Flags } from '../flags/schema';
import { readFlagsAtRef } from '../plan/flags-diff';

/** The environments CI deploys, in promotion order (`deploy.order`). */
export function deployOrder(environments: readonly { readonly environment: string; readonly flags: Pick<Flags, 'deploy' | 'aws'> }[]): string[] {
  return environments
    .filter((e) => e.flags.deploy !== undefined && isAwsEnvironment(e.flags))
    .sort((a, b) => a.flags.deploy!.order - b.flags.deploy!.order)
    .map((e) => e.environment);
}

export interface OrderAtRef {
  /** The environments to deploy, in `deploy.order`. */
  readonly environments: string[];
  /** Environments left out, and why. */
  readonly skipped: { readonly environment: string; readonly reason: string }[];
}

export function deployOrderAtRef(ref: string, repoDir: string): OrderAtRef {
  const files = readFlagsAtRef(ref, 'flags', repoDir);
  const ok: { environment: string; flags: ReturnType<typeof FlagsSchema.parse> }[] = [];
  const skipped: OrderAtRef['skipped'] = [];
  for (const [name, raw] of files) {
    const environment = name.replace(/\.json$/, '');
    const parsed = FlagsSchema.safeParse(raw);
    if (!parsed.success || parsed.data.environment !== environment) {
      skipped.push({ environment, reason: `flags/${name} on ${ref} is not valid` });
      continue;
    }
    if (parsed.data.deploy && isAwsEnvironment(parsed.data) && !parsed.data.access) {
      skipped.push({ environment, reason: `no "access" on ${ref}: the access stack does not know it` });
      continue;
    }
    ok.push({ environment, flags: parsed.data });
  }
  return { environments: deployOrder(ok), skipped };
}
