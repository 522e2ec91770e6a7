/**
 * Offline working copies (writeOfflineWorkdir, writeModulesWorkdir) leave out the aws
 * provider's `endpoints` block: an offline plan calls nothing, and with the block the
 * provider spends about 2 s validating its configuration in every Terraform process.
 * Today's stacks reach the emulator through a profile instead; older commits' stacks
 * (base refs, rollback branches) still have the block.
 * The providers are linked from the shared init template (one `terraform init` per
 * machine, cached); nothing here plans.
 *
 * @terraform: may run `terraform init` once for the shared template (left out of `npm run test:quick`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_ACCESS_KEY } from '../../../lib/terraform/provider-access-keys';
import { MODULES_DIR, writeModulesWorkdir } from '../../../lib/terraform/modules-workdir';
import { OFFLINE_OVERRIDE_FILE, withoutEndpoints, writeOfflineWorkdir } from '../../../lib/terraform/offline-workdir';
import { type StackJson } from '../../../lib/terraform/runner';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

/**
 * An emulated stack as a commit before the emulator profile synthesizes it (a PR's base ref, a rollback
 * branch: synthesizeRef builds each ref with its own code): endpoints on loopback, the account looked up.
 */
const emulated = (stackName: string): StackJson => ({
  terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } }, backend: { local: { path: `../../${stackName}.tfstate` } } },
  provider: {
    aws: [
      {
        region: 'us-east-1',
        access_key: EMULATOR_ACCESS_KEY,
        secret_key: EMULATOR_ACCESS_KEY,
        skip_requesting_account_id: false,
        s3_use_path_style: true,
        insecure: true,
        endpoints: [{ s3: 'https://127.0.0.1:4566', sts: 'https://127.0.0.1:4566' }],
        default_tags: [{ tags: { 'fleetflags:stack': stackName } }],
      },
    ],
  },
  resource: { aws_s3_bucket: { Logs: { bucket: `${stackName}-logs` } } },
});

const readJson = (file: string): StackJson => JSON.parse(readFileSync(file, 'utf8'));

describe('offline working copies have no endpoints block', () => {
  it('GIVEN provider configurations WHEN withoutEndpoints THEN only their endpoints go, every other setting stays', () => {
    // GIVEN two configurations (one aliased), one with endpoints
    const stack: StackJson = { provider: { aws: [emulated('a').provider.aws[0], { alias: 'east', region: 'us-east-2' }] } };
    // WHEN
    const out = withoutEndpoints(stack);
    // THEN
    expect(out.provider.aws).toEqual([
      expect.not.objectContaining({ endpoints: expect.anything() }),
      { alias: 'east', region: 'us-east-2' },
    ]);
    expect(out.provider.aws[0]).toEqual(expect.objectContaining({ region: 'us-east-1', s3_use_path_style: true, insecure: true, default_tags: [{ tags: { 'fleetflags:stack': 'a' } }] }));
    // AND a stack with no provider is left as it was
    expect(withoutEndpoints({ resource: {} })).toEqual({ resource: {} });
  });

  it('GIVEN an emulated stack WHEN written as an offline working copy THEN the copy has no endpoints and the offline override applies; the input is untouched', async () => {
    const stack = emulated('sandbox-data');
    const dir = tmp('fleetflags-offline-copy-');
    // WHEN
    await writeOfflineWorkdir(dir, stack);
    // THEN
    const copy = readJson(path.join(dir, 'cdk.tf.json'));
    expect(copy.provider.aws[0]).not.toHaveProperty('endpoints');
    expect(copy.provider.aws[0].region).toBe('us-east-1');
    expect(copy.terraform).not.toHaveProperty('backend');
    expect(readJson(path.join(dir, OFFLINE_OVERRIDE_FILE)).provider.aws).toEqual(expect.objectContaining({ skip_requesting_account_id: true, skip_credentials_validation: true }));
    // AND the caller's stack still has its endpoints (what cdktf deploys)
    expect(stack.provider.aws[0].endpoints).toEqual([{ s3: 'https://127.0.0.1:4566', sts: 'https://127.0.0.1:4566' }]);
  });

  it('GIVEN emulated stacks WHEN written as modules of one root THEN no module has endpoints, each keeps its own provider', async () => {
    const dir = tmp('fleetflags-offline-modules-');
    // WHEN two stacks with different default tags (so each module keeps its provider block)
    const { sharedProvider } = await writeModulesWorkdir(dir, new Map([['one', emulated('one')], ['two', emulated('two')]]));
    // THEN
    expect(sharedProvider).toBe(false);
    for (const name of ['one', 'two']) {
      const module = readJson(path.join(dir, MODULES_DIR, name, 'cdk.tf.json'));
      expect({ name, provider: module.provider.aws[0] }).toEqual({ name, provider: expect.not.objectContaining({ endpoints: expect.anything() }) });
      expect(module.provider.aws[0].default_tags).toEqual([{ tags: { 'fleetflags:stack': name } }]);
    }
  });

  it('GIVEN the same emulated stack twice WHEN written as modules of one root THEN the shared root provider has no endpoints', async () => {
    const dir = tmp('fleetflags-offline-shared-');
    const { sharedProvider } = await writeModulesWorkdir(dir, new Map([['one', emulated('same')], ['two', emulated('same')]]));
    expect(sharedProvider).toBe(true);
    const root = readJson(path.join(dir, 'cdk.tf.json'));
    expect(root.provider.aws[0]).toEqual(expect.objectContaining({ region: 'us-east-1' }));
    expect(root.provider.aws[0]).not.toHaveProperty('endpoints');
  });
});
