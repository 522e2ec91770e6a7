/**
 * npm run sandbox: the main job on the offline sandbox environment. Validates every
 * flags file, synthesizes, and runs the real `terraform validate` and `terraform plan`
 * on each sandbox stack with no AWS account and no network.
 */
import path from 'node:path';
import { baseFlagsAtRef } from '../lib/flags/base-flags';
import { flagsFiles, loadFlagsOrThrow, selectEnvironments } from '../lib/flags/load';
import { synthesize } from '../lib/synth';
import { planJson, planText, validate, writeOfflineWorkdir } from '../lib/terraform/runner';

export const SANDBOX = 'sandbox';
export const OUT_DIR = path.join('out', 'sandbox');

export async function main(): Promise<number> {
  // No flags/sandbox.json is an error naming the environments there are, never a silent "nothing to do".
  // Compared with HEAD: an expired catch-up fleet the working tree does not touch only warns.
  const environments = selectEnvironments(loadFlagsOrThrow(flagsFiles(), { base: baseFlagsAtRef('HEAD') }), [SANDBOX]);
  const { stacks } = synthesize(environments, path.join(OUT_DIR, 'synth'));
  for (const [name, json] of stacks) {
    const dir = path.resolve(OUT_DIR, 'plans', name);
    await writeOfflineWorkdir(dir, json);
    await validate(dir);
    const plan = await planJson(dir, { stateFile: path.resolve(OUT_DIR, 'state', `${name}.tfstate`) });
    console.log(`\n=== ${name} (offline plan: real provider, no AWS account) ===\n`);
    console.log(await planText(dir));
    const changes = (plan.resource_changes ?? []) as Array<{ change: { actions: string[] } }>;
    const count = (a: string) => changes.filter((c) => c.change.actions.includes(a)).length;
    console.log(`${name}: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to destroy`);
  }
  return 0;
}
