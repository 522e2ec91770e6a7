/**
 * `terraform init` once per stack (lib/terraform/init-cache.ts), with a stand-in init
 * that does what init leaves behind (a lock file in the configuration's directory,
 * providers in the data directory). The real Terraform: init-cache-terraform.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureInitialized, initKey, INIT_RECORD, LOCK_FILE, providersInstalled } from '../../../lib/terraform/init-cache';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

describe('ensureInitialized', () => {
  test('GIVEN a stack never initialized WHEN asked twice, the second time from a freshly synthesized directory THEN init runs once and the lock comes back', async () => {
    const { workdir, dataDir, fake } = setup();

    // WHEN
    const first = await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });
    rmSync(workdir, { recursive: true }); // the next synthesis deletes cdktf.out/stacks
    mkdirSync(workdir, { recursive: true });
    const second = await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });

    // THEN
    expect(first).toEqual({ ran: true, reason: 'not initialized yet' });
    expect(second).toEqual({ ran: false, reason: 'already initialized for this backend and these providers' });
    expect(fake.calls).toBe(1);
    expect(readFileSync(path.join(workdir, LOCK_FILE), 'utf8')).toBe(LOCK);
  });

  test.each([
    ['another state bucket', (c: Config) => (c.terraform.backend = { s3: { bucket: 'other-bucket', key: 'k', region: 'eu-west-1' } })],
    ['another local state path', (c: Config) => (c.terraform.backend = { local: { path: 'elsewhere.tfstate' } })],
    ['another provider version', (c: Config) => (c.terraform.required_providers.aws.version = '5.99.0')],
    ['a module added', (c: Config) => (c.module = { extra: { source: './extra' } })],
  ])('GIVEN an initialized stack WHEN the configuration has %s THEN init runs again', async (_what, change) => {
    const { workdir, dataDir, fake } = setup();
    await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });

    // WHEN
    const changed = stackConfig();
    change(changed);
    const outcome = await ensureInitialized({ workdir, dataDir, config: changed, init: fake.init });

    // THEN
    expect(outcome).toEqual({ ran: true, reason: 'the backend, the providers or Terraform changed since the last init' });
    expect(fake.calls).toBe(2);
  });

  test('GIVEN an initialized stack WHEN its directory keeps the lock init wrote THEN no init; WHEN it comes with another lock THEN init', async () => {
    const { workdir, dataDir, fake } = setup();
    await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });
    expect((await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init })).ran).toBe(false);

    // WHEN the configuration's directory has a lock of its own (e.g. cdktf wrote one with other hashes)
    writeFileSync(path.join(workdir, LOCK_FILE), LOCK.replace('h1:x', 'h1:y'));

    // THEN
    expect(await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init })).toEqual({
      ran: true,
      reason: 'the configuration comes with another dependency lock file',
    });
  });

  test('GIVEN an initialized stack WHEN Terraform or our CLI config changed THEN init runs again', async () => {
    const { workdir, dataDir, fake } = setup();
    const base = { workdir, dataDir, config: stackConfig(), init: fake.init, terraformBinary: '/usr/bin/terraform:1:1', cliConfig: 'plugin_cache_dir = "/a"' };
    await ensureInitialized(base);
    expect((await ensureInitialized(base)).ran).toBe(false);

    expect((await ensureInitialized({ ...base, terraformBinary: '/usr/bin/terraform:2:2' })).ran).toBe(true);
    expect((await ensureInitialized({ ...base, terraformBinary: '/usr/bin/terraform:2:2', cliConfig: 'plugin_cache_dir = "/b"' })).ran).toBe(true);
    expect(fake.calls).toBe(3);
  });

  test('GIVEN an initialized stack WHEN the plugin cache its providers link into is gone THEN init runs again', async () => {
    const { workdir, dataDir, fake, cache } = setup();
    await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });

    // WHEN
    rmSync(cache, { recursive: true });

    // THEN
    expect(await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init })).toEqual({
      ran: true,
      reason: 'a provider it installed is gone (plugin cache removed?)',
    });
  });

  test('GIVEN an init that fails WHEN asked again THEN init runs again (a failed init never counts as initialized)', async () => {
    const { workdir, dataDir, fake } = setup();
    await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });
    const changed = stackConfig();
    changed.terraform.backend = { local: { path: 'b.tfstate' } };

    // WHEN the init for the new backend fails
    await expect(ensureInitialized({ workdir, dataDir, config: changed, init: () => Promise.reject(new Error('backend unreachable')) })).rejects.toThrow(
      /backend unreachable/,
    );

    // THEN neither the old nor the new configuration counts as initialized
    expect(existsSync(path.join(dataDir, INIT_RECORD))).toBe(false);
    expect((await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init })).ran).toBe(true);
  });

  test('GIVEN the data directory deleted (an environment started over) WHEN asked THEN init runs', async () => {
    const { workdir, dataDir, fake } = setup();
    await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init });
    rmSync(dataDir, { recursive: true });
    expect((await ensureInitialized({ workdir, dataDir, config: stackConfig(), init: fake.init })).ran).toBe(true);
  });
});

describe('initKey', () => {
  test('depends on the backend, providers, modules, Terraform and CLI config, not on the resources', () => {
    const base = initKey(stackConfig(), {});
    const withResource = stackConfig();
    withResource.resource = { aws_s3_bucket: { B: { bucket: 'changed' } } };
    expect(initKey(withResource, {})).toBe(base);
    expect(initKey(stackConfig(), { terraformBinary: 'x' })).not.toBe(base);
    expect(initKey(stackConfig(), { cliConfig: 'x' })).not.toBe(base);
  });
});

describe('providersInstalled', () => {
  test('GIVEN a provider of the lock linked into a cache THEN installed; GIVEN the link dangling or the version missing THEN not', () => {
    const { dataDir, cache } = setup();
    installProvider(dataDir, cache);
    expect(providersInstalled(dataDir, LOCK)).toBe(true);
    expect(providersInstalled(dataDir, LOCK.replace('5.100.0"\n', '5.101.0"\n'))).toBe(false);
    rmSync(cache, { recursive: true });
    expect(providersInstalled(dataDir, LOCK)).toBe(false);
  });

  test('GIVEN a lock with no providers THEN installed (nothing to install)', () => {
    expect(providersInstalled(tempDir('data-'), '')).toBe(true);
  });
});

// -- helpers -------------------------------------------------------------------------

type Config = { terraform: { backend: Record<string, unknown>; required_providers: { aws: { source: string; version: string } } }; module?: unknown; resource?: unknown };

const LOCK = 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  constraints = "5.100.0"\n  hashes = ["h1:x"]\n}\n';

function stackConfig(): Config {
  return { terraform: { backend: { local: { path: '../../state/sandbox-fleet.tfstate' } }, required_providers: { aws: { source: 'aws', version: '5.100.0' } } } };
}

/** A provider installed the way init installs it through a plugin cache: a link per platform. */
function installProvider(dataDir: string, cache: string): void {
  const platformDir = path.join(cache, 'linux_amd64');
  mkdirSync(platformDir, { recursive: true });
  writeFileSync(path.join(platformDir, 'terraform-provider-aws'), '');
  const versionDir = path.join(dataDir, 'providers', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0');
  mkdirSync(versionDir, { recursive: true });
  if (!existsSync(path.join(versionDir, 'linux_amd64'))) symlinkSync(platformDir, path.join(versionDir, 'linux_amd64'), 'dir');
}

function setup() {
  const root = tempDir('init-cache-');
  const workdir = path.join(root, 'cdktf.out', 'stacks', 'sandbox-fleet');
  const dataDir = path.join(root, 'state', 'terraform', 'sandbox-fleet');
  const cache = path.join(root, 'plugin-cache');
  mkdirSync(workdir, { recursive: true });
  const fake = {
    calls: 0,
    // What init leaves: the lock in the configuration's directory, the providers in the data directory.
    init: async () => {
      fake.calls++;
      writeFileSync(path.join(workdir, LOCK_FILE), LOCK);
      installProvider(dataDir, cache);
    },
  };
  return { workdir, dataDir, cache, fake };
}
