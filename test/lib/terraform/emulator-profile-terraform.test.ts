/**
 * An emulated stack's offline working copy (speculative plans, the flag matrix, `npm run
 * sandbox --plan-only`) reads no profile file and calls nothing: the offline override clears
 * the emulator profile the synthesized provider names, judged by the real Terraform.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_CONFIG_FILE, EMULATOR_PROFILE } from '../../../lib/terraform/emulator-profile';
import { OFFLINE_OVERRIDE_FILE, writeOfflineWorkdir } from '../../../lib/terraform/offline-workdir';
import { planJson, type StackJson } from '../../../lib/terraform/runner';
import { synthesizeStacks } from '../../../lib/synth';
import { shippedFlags } from '../../helpers/flags-fixtures';
import { tempDirs } from '../../helpers/temp-dirs';
import { offlineProvider, offlineQueueStack } from '../../helpers/provider-pool';
import { poolDecision } from '../../../lib/terraform/provider-eligibility';
import { OFFLINE_ACCESS_KEY } from '../../../lib/terraform/provider-access-keys';

const tmp = tempDirs();

describe('an emulated stack planned offline', () => {
  it('GIVEN the sandbox data stack (its provider names the emulator profile) WHEN planned in an offline working copy THEN the override clears the profile and the plan needs no file', async () => {
    // GIVEN
    const flags = shippedFlags('sandbox');
    const stack = synthesizeStacks([{ file: 'flags/sandbox.json', environment: 'sandbox', flags }]).get('sandbox-data') as StackJson;
    expect(stack.provider.aws[0]).toMatchObject({ profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] });
    // WHEN
    const dir = tmp('fleetflags-emulated-offline-');
    await writeOfflineWorkdir(dir, stack);
    const plan = await planJson(dir);
    // THEN the working copy has no profile file, the override unsets the profile, and every resource is planned
    expect(existsSync(path.join(dir, EMULATOR_CONFIG_FILE))).toBe(false);
    const override = JSON.parse(readFileSync(path.join(dir, OFFLINE_OVERRIDE_FILE), 'utf8'));
    expect(override.provider.aws).toMatchObject({ profile: null, shared_config_files: null, skip_requesting_account_id: true });
    const synthesized = Object.values(stack.resource as Record<string, Record<string, unknown>>).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(synthesized).toBeGreaterThan(0);
    expect(plan.resource_changes.filter((c: { change: { actions: string[] } }) => c.change.actions.join() === 'create').length).toBe(synthesized);
  }, 300_000);

  it('GIVEN an offline-looking provider (credential validation and the account lookup skipped) that still names a profile and its file WHEN an offline working copy is written THEN the override nulls both (the file is not in the copy)', async () => {
    // GIVEN
    const stack: StackJson = offlineQueueStack([offlineProvider({ profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] })]);
    // WHEN
    const dir = tmp('fleetflags-offline-profile-');
    await writeOfflineWorkdir(dir, stack);
    // THEN
    const override = JSON.parse(readFileSync(path.join(dir, OFFLINE_OVERRIDE_FILE), 'utf8'));
    expect(override.provider.aws).toMatchObject({ profile: null, shared_config_files: null, access_key: OFFLINE_ACCESS_KEY });
    expect(poolDecision('plan', dir, { PATH: process.env.PATH })).toMatchObject({ pooled: true, kind: 'offline' });
  }, 300_000);
});
