/**
 * Which Terraform runs attach to a pooled provider server: offline and emulated
 * configurations with exactly one aws provider configuration; everything else (real AWS,
 * aliases, modules with their own providers, HCL, init, the pool turned off) runs plain.
 * No Terraform runs here: the decision reads the configuration and the providers directory.
 */
import fs, { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_ACCESS_KEY } from '../../../lib/terraform/provider-access-keys';
import { EMULATOR_CONFIG_FILE, emulatorConfigText, EMULATOR_PROFILE } from '../../../lib/terraform/emulator-profile';
import { isEmulatedConfiguration, poolDecision, PROVIDER_POOL_ENV, providerBinary } from '../../../lib/terraform/provider-eligibility';
import { offlineProvider, offlineQueueStack } from '../../helpers/provider-pool';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();
const ENV: NodeJS.ProcessEnv = { HOME: '/nonexistent', PATH: '/usr/bin' };

describe('poolDecision', () => {
  it('GIVEN the installed provider binary is a dangling link (a realpath race: the plugin cache emptied) WHEN planned THEN it runs plain, naming why, instead of throwing', () => {
    // GIVEN
    const dir = workdir({ 'cdk.tf.json': offlineQueueStack() });
    const binary = path.join(dir, '.terraform', PROVIDER_PATH);
    rmSync(binary);
    symlinkSync(path.join(dir, 'gone'), binary);
    // WHEN
    const decision = poolDecision('plan', dir, ENV);
    // THEN
    expect(decision).toEqual({ pooled: false, reason: expect.stringMatching(/^the configuration or its providers could not be read \(ENOENT: .*terraform-provider-aws/) });
  });

  it('GIVEN an offline configuration with one aws provider WHEN planned THEN it is pooled, as offline, with the installed binary', () => {
    const dir = workdir({ 'cdk.tf.json': offlineQueueStack() });
    const decision = poolDecision('plan', dir, ENV);
    expect(decision).toEqual({ pooled: true, kind: 'offline', binary: path.join(dir, '.terraform', PROVIDER_PATH), key: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it.each(['plan', 'apply', 'validate', 'show', 'refresh', 'providers'])('GIVEN an offline configuration WHEN terraform %s THEN it is pooled', (command) => {
    expect(poolDecision(command, workdir({ 'cdk.tf.json': offlineQueueStack() }), ENV).pooled).toBe(true);
  });

  it('GIVEN an offline configuration WHEN terraform init THEN it runs plain (init installs providers)', () => {
    expect(poolDecision('init', workdir({ 'cdk.tf.json': offlineQueueStack() }), ENV)).toEqual({ pooled: false, reason: 'terraform init is not pooled' });
  });

  it(`GIVEN ${PROVIDER_POOL_ENV}=0 WHEN planned THEN it runs plain`, () => {
    const decision = poolDecision('plan', workdir({ 'cdk.tf.json': offlineQueueStack() }), { ...ENV, [PROVIDER_POOL_ENV]: '0' });
    expect(decision).toEqual({ pooled: false, reason: `${PROVIDER_POOL_ENV}=0` });
  });

  it('GIVEN a real-AWS provider (an allowed account, no dummy keys) WHEN planned THEN it runs plain', () => {
    const stack = offlineQueueStack([{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }]);
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': stack }), ENV)).toEqual({ pooled: false, reason: expect.stringMatching(/neither offline nor emulated/) });
  });

  it('GIVEN a real-AWS provider made offline by the offline override file WHEN planned THEN it is pooled (the override merges into it)', () => {
    const stack = offlineQueueStack([{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }]);
    const dir = workdir({ 'cdk.tf.json': stack, 'fleetflags_offline_override.tf.json': { provider: { aws: offlineProvider() } } });
    expect(poolDecision('plan', dir, ENV)).toMatchObject({ pooled: true, kind: 'offline' });
  });

  it('GIVEN an emulated provider, every endpoint on loopback WHEN planned THEN it is pooled as emulated; an endpoint elsewhere runs plain', () => {
    const emulated = (endpoint: string) =>
      offlineQueueStack([{ region: 'eu-west-1', access_key: EMULATOR_ACCESS_KEY, secret_key: EMULATOR_ACCESS_KEY, insecure: true, endpoints: [{ s3: endpoint, sts: endpoint }] }]);
    expect(poolDecision('apply', workdir({ 'cdk.tf.json': emulated('https://127.0.0.1:4566') }), ENV)).toMatchObject({ pooled: true, kind: 'emulated' });
    expect(poolDecision('apply', workdir({ 'cdk.tf.json': emulated('https://emulator.example.com') }), ENV)).toMatchObject({ pooled: false });
  });

  describe('the emulator profile (the sandbox: shared config file next to the stack, no endpoints block)', () => {
    const profileStack = () =>
      offlineQueueStack([
        { region: 'us-east-1', access_key: EMULATOR_ACCESS_KEY, secret_key: EMULATOR_ACCESS_KEY, insecure: true, profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] },
      ]);

    it('GIVEN the profile file names a loopback endpoint WHEN planned THEN it is pooled as emulated, the server getting a copy of the file', () => {
      // GIVEN
      const text = emulatorConfigText('https://127.0.0.1:4566');
      const dir = workdir({ 'cdk.tf.json': profileStack(), [EMULATOR_CONFIG_FILE]: text });
      // WHEN
      const decision = poolDecision('plan', dir, ENV);
      // THEN
      expect(decision).toMatchObject({ pooled: true, kind: 'emulated', files: { [EMULATOR_CONFIG_FILE]: text } });
    });

    it('GIVEN the profile file WHEN planned THEN it is read once: the text the server gets is the text that was validated', () => {
      // GIVEN
      const text = emulatorConfigText('https://127.0.0.1:4566');
      const dir = workdir({ 'cdk.tf.json': profileStack(), [EMULATOR_CONFIG_FILE]: text });
      const reads = jest.spyOn(fs, 'readFileSync');
      try {
        // WHEN
        const decision = poolDecision('plan', dir, ENV);
        // THEN
        expect(decision).toMatchObject({ pooled: true, files: { [EMULATOR_CONFIG_FILE]: text } });
        expect(reads.mock.calls.filter(([file]) => String(file).endsWith(EMULATOR_CONFIG_FILE))).toHaveLength(1);
      } finally {
        reads.mockRestore();
      }
    });

    it.each(['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'])(
      'GIVEN %s in the environment (not cleaned by the runner) WHEN an emulated stack is planned THEN it runs plain, naming it: never a server sent off loopback',
      (name) => {
        const dir = workdir({ 'cdk.tf.json': profileStack(), [EMULATOR_CONFIG_FILE]: emulatorConfigText('https://127.0.0.1:4566') });
        expect(poolDecision('plan', dir, { ...ENV, [name]: 'https://attacker.example' })).toEqual({ pooled: false, reason: `${name} set: it would send the emulated provider's calls elsewhere` });
      },
    );

    it('GIVEN AWS_ENDPOINT_URL in the environment WHEN an offline stack is planned THEN it is pooled (offline calls nothing)', () => {
      const dir = workdir({ 'cdk.tf.json': offlineQueueStack([offlineProvider()]) });
      expect(poolDecision('plan', dir, { ...ENV, AWS_ENDPOINT_URL: 'https://attacker.example' })).toMatchObject({ pooled: true, kind: 'offline' });
    });

    it('GIVEN stacks WHEN asked whether emulated THEN only a configuration with the emulator access key is (a missing profile file or the offline override aside)', () => {
      expect(isEmulatedConfiguration(workdir({ 'cdk.tf.json': profileStack() }))).toBe(true);
      expect(isEmulatedConfiguration(workdir({ 'cdk.tf.json': offlineQueueStack([offlineProvider()]) }))).toBe(false);
      const override = { provider: { aws: { ...offlineProvider(), profile: null, shared_config_files: null } } };
      expect(isEmulatedConfiguration(workdir({ 'cdk.tf.json': profileStack(), 'fleetflags_offline_override.tf.json': override }))).toBe(false);
      expect(isEmulatedConfiguration(workdir({ 'main.tf': 'provider "aws" {}' }))).toBe(false);
    });

    it('GIVEN two stacks at different emulator endpoints WHEN planned THEN their keys differ (a server never serves another emulator); the same endpoint shares one', () => {
      const at = (endpoint: string) => poolDecision('plan', workdir({ 'cdk.tf.json': profileStack(), [EMULATOR_CONFIG_FILE]: emulatorConfigText(endpoint) }), ENV) as { key: string };
      expect(at('https://127.0.0.1:4566').key).not.toBe(at('https://127.0.0.1:4599').key);
      // (the binary is per workdir here, so the same endpoint is compared in one directory)
      const dir = workdir({ 'cdk.tf.json': profileStack(), [EMULATOR_CONFIG_FILE]: emulatorConfigText('https://127.0.0.1:4566') });
      expect((poolDecision('apply', dir, ENV) as { key: string }).key).toBe((poolDecision('plan', dir, ENV) as { key: string }).key);
    });

    it.each([
      ['the profile file names an endpoint off loopback', { [EMULATOR_CONFIG_FILE]: emulatorConfigText('https://emulator.example.com') }],
      ['the profile file is missing', {}],
      ['the profile file has settings we do not write', { [EMULATOR_CONFIG_FILE]: `${emulatorConfigText('https://127.0.0.1:4566')}region = eu-west-1\n` }],
    ])('GIVEN %s WHEN planned THEN it runs plain', (_what, files) => {
      expect(poolDecision('plan', workdir({ 'cdk.tf.json': profileStack(), ...files }), ENV)).toEqual({ pooled: false, reason: expect.stringMatching(/neither offline nor emulated/) });
    });

    it('GIVEN another profile or another file WHEN planned THEN it runs plain: only the profile we write is known to be on loopback', () => {
      const text = emulatorConfigText('https://127.0.0.1:4566');
      const other = (change: Record<string, unknown>) => {
        const stack = profileStack();
        Object.assign(stack.provider.aws[0], change);
        return poolDecision('plan', workdir({ 'cdk.tf.json': stack, [EMULATOR_CONFIG_FILE]: text, 'other.config': text }), ENV);
      };
      expect(other({ profile: 'default' })).toMatchObject({ pooled: false });
      expect(other({ shared_config_files: ['other.config'] })).toMatchObject({ pooled: false });
      expect(other({ shared_config_files: [EMULATOR_CONFIG_FILE, 'other.config'] })).toMatchObject({ pooled: false });
    });

    it('GIVEN an offline provider that still names a profile file WHEN planned THEN it runs plain: the server would look for the file in its own directory', () => {
      const stack = offlineQueueStack([offlineProvider({ profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] })]);
      const dir = workdir({ 'cdk.tf.json': stack, [EMULATOR_CONFIG_FILE]: emulatorConfigText('https://127.0.0.1:4566') });
      expect(poolDecision('plan', dir, ENV)).toMatchObject({ pooled: false });
    });

    it('GIVEN the offline override over it (an offline plan of the sandbox) WHEN planned THEN it is pooled as offline, no file copied', () => {
      const override = { provider: { aws: { ...offlineProvider(), profile: null, shared_config_files: null } } };
      const dir = workdir({ 'cdk.tf.json': profileStack(), 'fleetflags_offline_override.tf.json': override });
      const decision = poolDecision('plan', dir, ENV);
      expect(decision).toMatchObject({ pooled: true, kind: 'offline' });
      expect(decision).not.toHaveProperty('files');
    });
  });

  it('GIVEN two aws provider configurations (an alias) WHEN planned THEN it runs plain: one server would get both configurations', () => {
    const stack = offlineQueueStack([offlineProvider(), offlineProvider({ alias: 'west', region: 'us-west-2' })]);
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': stack }), ENV)).toEqual({ pooled: false, reason: '2 aws provider configurations (a server serves exactly one)' });
  });

  it.each(['show', 'validate', 'providers'])(
    'GIVEN two offline aws provider configurations WHEN terraform %s (which never configures the provider) THEN it is pooled, schema-only',
    (command) => {
      const stack = offlineQueueStack([offlineProvider(), offlineProvider({ alias: 'west', region: 'us-west-2' })]);
      const decision = poolDecision(command, workdir({ 'cdk.tf.json': stack }), ENV);
      expect(decision).toMatchObject({ pooled: true, kind: 'schema-only' });
      const single = poolDecision(command, workdir({ 'cdk.tf.json': offlineQueueStack() }), ENV);
      expect((single as { key: string }).key).not.toBe((decision as { key: string }).key);
    },
  );

  it('GIVEN an offline and a real-AWS provider configuration WHEN shown THEN it runs plain', () => {
    const stack = offlineQueueStack([offlineProvider(), { alias: 'real', region: 'us-west-2', allowed_account_ids: ['111111111111'] }]);
    expect(poolDecision('show', workdir({ 'cdk.tf.json': stack }), ENV)).toEqual({ pooled: false, reason: '2 aws provider configurations (a server serves exactly one)' });
  });

  it('GIVEN one configuration with an alias only WHEN planned THEN it runs plain', () => {
    const stack = offlineQueueStack([offlineProvider({ alias: 'west' })]);
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': stack }), ENV)).toEqual({ pooled: false, reason: 'the aws provider configuration has an alias' });
  });

  it('GIVEN modules that inherit the root provider WHEN planned THEN it is pooled; GIVEN a module with its own provider THEN it runs plain', () => {
    const root = { terraform: {}, provider: { aws: offlineProvider() }, module: { a: { source: './modules/a' } } };
    const inheriting = workdir({ 'cdk.tf.json': root, 'modules/a/cdk.tf.json': { resource: { aws_sqs_queue: { q: { name: 'a' } } } } });
    expect(poolDecision('plan', inheriting, ENV)).toMatchObject({ pooled: true });
    const own = workdir({ 'cdk.tf.json': root, 'modules/a/cdk.tf.json': offlineQueueStack() });
    expect(poolDecision('plan', own, ENV)).toEqual({ pooled: false, reason: '2 aws provider configurations (a server serves exactly one)' });
  });

  it('GIVEN a module from a registry WHEN planned THEN it runs plain (its providers are not read)', () => {
    const root = { provider: { aws: offlineProvider() }, module: { vpc: { source: 'terraform-aws-modules/vpc/aws' } } };
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': root }), ENV)).toEqual({ pooled: false, reason: 'module vpc is not local (terraform-aws-modules/vpc/aws)' });
  });

  it('GIVEN an HCL file in the directory WHEN planned THEN it runs plain (only JSON configuration is read)', () => {
    const dir = workdir({ 'cdk.tf.json': offlineQueueStack() });
    writeFileSync(path.join(dir, 'extra.tf'), 'provider "aws" { alias = "x" }\n');
    expect(poolDecision('plan', dir, ENV)).toEqual({ pooled: false, reason: 'HCL configuration (extra.tf) is not read here' });
  });

  it('GIVEN an S3 object uploaded from a relative path WHEN planned THEN it runs plain (the server works in another directory)', () => {
    const stack = offlineQueueStack();
    stack.resource.aws_s3_object = { o: { bucket: 'b', key: 'k', source: 'build/agent.tar.gz' } };
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': stack }), ENV)).toEqual({ pooled: false, reason: 'aws_s3_object.source names a file by a relative path' });
  });

  it('GIVEN a custom CA bundle in the provider WHEN planned THEN it runs plain', () => {
    const stack = offlineQueueStack([offlineProvider({ custom_ca_bundle: '/etc/ssl/ca.pem' })]);
    expect(poolDecision('plan', workdir({ 'cdk.tf.json': stack }), ENV)).toMatchObject({ pooled: false });
  });

  it('GIVEN no installed provider WHEN planned THEN it runs plain', () => {
    const dir = tmp('fleetflags-eligibility-');
    writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(offlineQueueStack()));
    expect(poolDecision('plan', dir, ENV)).toEqual({ pooled: false, reason: 'no installed aws provider binary for the lock file' });
  });

  it('GIVEN the same configuration under other credentials or another emulator WHEN keyed THEN the keys differ (servers are never shared between them)', () => {
    const dir = workdir({ 'cdk.tf.json': offlineQueueStack() });
    const key = (env: NodeJS.ProcessEnv) => (poolDecision('plan', dir, env) as { key: string }).key;
    expect(key(ENV)).toBe(key({ ...ENV, TF_DATA_DIR: '.terraform', UNRELATED: 'x' }));
    expect(key(ENV)).not.toBe(key({ ...ENV, AWS_PROFILE: 'other' }));
    expect(key(ENV)).not.toBe(key({ ...ENV, HTTPS_PROXY: 'http://proxy:3128' }));
  });
});

describe('providerBinary', () => {
  it('GIVEN TF_DATA_DIR WHEN resolved THEN the binary is taken from that data directory, the lock file version', () => {
    const dir = workdir({ 'cdk.tf.json': offlineQueueStack() }, 'state/data');
    expect(providerBinary(dir, { TF_DATA_DIR: 'state/data' })).toBe(path.join(dir, 'state/data', PROVIDER_PATH));
    expect(providerBinary(dir, {})).toBeUndefined();
  });
});

// -- helpers ---------------------------------------------------------------------

const PLATFORM = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
const PROVIDER_PATH = `providers/registry.terraform.io/hashicorp/aws/5.100.0/${PLATFORM}/terraform-provider-aws_v5.100.0_x5`;

/** A working directory with these JSON files, a lock file for aws 5.100.0 and a provider binary (a placeholder file) under `dataDir`. */
function workdir(files: Record<string, unknown>, dataDir = '.terraform'): string {
  const dir = tmp('fleetflags-eligibility-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  writeFileSync(path.join(dir, '.terraform.lock.hcl'), 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  hashes = []\n}\n');
  const binary = path.join(dir, dataDir, PROVIDER_PATH);
  mkdirSync(path.dirname(binary), { recursive: true });
  writeFileSync(binary, '');
  return dir;
}
