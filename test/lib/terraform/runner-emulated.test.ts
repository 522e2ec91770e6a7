/**
 * How `terraform()` (lib/terraform/runner.ts) runs an emulated configuration (the sandbox: its
 * provider names the emulator profile): the caller's endpoint overrides never reach Terraform or
 * the pooled provider server, and the pool's server gets the profile file. With a stand-in
 * `terraform` that prints its environment and a stubbed server start: no Terraform, no provider.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_CONFIG_FILE, emulatorConfigText, EMULATOR_PROFILE } from '../../../lib/terraform/emulator-profile';
import { PROVIDER_POOL_ENV } from '../../../lib/terraform/provider-eligibility';
import { ProviderPool, useProviderPool } from '../../../lib/terraform/provider-pool';
import type { ProviderServer } from '../../../lib/terraform/provider-server';
import { NO_TERRAFORM_ENV, terraform } from '../../../lib/terraform/runner';
import { EMULATOR_ACCESS_KEY } from '../../../lib/terraform/provider-access-keys';
import { offlineProvider, offlineQueueStack } from '../../helpers/provider-pool';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

/** What the caller's shell might export: each would send the emulated provider's calls elsewhere. */
const OVERRIDES = {
  AWS_ENDPOINT_URL: 'https://attacker.example',
  AWS_ENDPOINT_URL_STS: 'https://sts.attacker.example',
  AWS_ENDPOINT_URL_SNS: 'https://sns.attacker.example',
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
};

let bin: string;
const savedNoTerraform = process.env[NO_TERRAFORM_ENV];

beforeAll(() => {
  // A stand-in terraform: prints its environment, one variable a line.
  bin = tmp('env-terraform-');
  writeFileSync(path.join(bin, 'terraform'), '#!/bin/sh\nenv\n');
  chmodSync(path.join(bin, 'terraform'), 0o755);
  delete process.env[NO_TERRAFORM_ENV]; // only the stand-in can start
});

afterAll(() => {
  if (savedNoTerraform !== undefined) process.env[NO_TERRAFORM_ENV] = savedNoTerraform;
});

describe('terraform() of an emulated configuration', () => {
  it('GIVEN AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE> and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS in the environment WHEN an emulated stack runs plain THEN Terraform runs without them', async () => {
    // GIVEN
    const dir = emulatedWorkdir({ providerBinary: false });
    // WHEN
    const { stdout } = await terraform(['plan'], { cwd: dir, env: runEnv({ ...OVERRIDES, [PROVIDER_POOL_ENV]: '0' }) });
    // THEN
    const env = parseEnv(stdout);
    for (const name of Object.keys(OVERRIDES)) expect(env).not.toHaveProperty(name);
    expect(env).toMatchObject({ KEPT_VARIABLE: 'kept' });
  });

  it('GIVEN the same variables WHEN an offline stack runs THEN they are left alone (it calls nothing; only emulated runs are cleaned)', async () => {
    // GIVEN
    const dir = tmp('fleetflags-offline-');
    writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(offlineQueueStack([offlineProvider()])));
    // WHEN
    const { stdout } = await terraform(['plan'], { cwd: dir, env: runEnv({ ...OVERRIDES, [PROVIDER_POOL_ENV]: '0' }) });
    // THEN
    expect(parseEnv(stdout)).toMatchObject(OVERRIDES);
  });

  describe('pooled', () => {
    let previous: ProviderPool | undefined;
    let pool: ProviderPool;
    let starts: Array<{ env: NodeJS.ProcessEnv; files?: Readonly<Record<string, string>> }>;

    beforeEach(() => {
      starts = [];
      pool = new ProviderPool({
        start: async (_binary, env, files) => {
          starts.push({ env, files });
          return { pid: 999, alive: true, reattach: '{"stub":true}', stderr: '', stop: jest.fn(async () => undefined) } as unknown as ProviderServer;
        },
      });
      previous = useProviderPool(pool);
    });

    afterEach(async () => {
      await pool.stop();
      if (previous) useProviderPool(previous);
    });

    it('GIVEN an emulated stack directory with its profile file WHEN terraform plan runs THEN the pool starts a server with the file, and Terraform attaches to it', async () => {
      // GIVEN
      const dir = emulatedWorkdir({ providerBinary: true });
      // WHEN
      const { stdout } = await terraform(['plan'], { cwd: dir, env: runEnv({}) });
      // THEN
      expect(starts).toHaveLength(1);
      expect(starts[0].files).toEqual({ [EMULATOR_CONFIG_FILE]: emulatorConfigText('https://127.0.0.1:4566') });
      expect(parseEnv(stdout)).toMatchObject({ TF_REATTACH_PROVIDERS: '{"stub":true}' });
    });

    it('GIVEN endpoint overrides in the environment WHEN the emulated stack runs THEN it is still pooled, and neither the server nor Terraform gets them', async () => {
      // GIVEN
      const dir = emulatedWorkdir({ providerBinary: true });
      // WHEN
      const { stdout } = await terraform(['plan'], { cwd: dir, env: runEnv(OVERRIDES) });
      // THEN
      expect(starts).toHaveLength(1);
      for (const name of Object.keys(OVERRIDES)) {
        expect(starts[0].env).not.toHaveProperty(name);
        expect(parseEnv(stdout)).not.toHaveProperty(name);
      }
      expect(parseEnv(stdout)).toMatchObject({ TF_REATTACH_PROVIDERS: '{"stub":true}' });
    });
  });
});

/** The run's env: the stand-in first on the PATH, the pool on, one variable that must survive, and `extra`. */
function runEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH}`, [PROVIDER_POOL_ENV]: '1', KEPT_VARIABLE: 'kept', ...extra };
}

function parseEnv(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A sandbox-like stack directory: the provider names the emulator profile, whose file is next to it; a lock file and a placeholder provider binary when asked. */
function emulatedWorkdir(options: { providerBinary: boolean }): string {
  const dir = tmp('fleetflags-emulated-');
  const provider = { region: 'us-east-1', access_key: EMULATOR_ACCESS_KEY, secret_key: EMULATOR_ACCESS_KEY, insecure: true, profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] };
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(offlineQueueStack([provider])));
  writeFileSync(path.join(dir, EMULATOR_CONFIG_FILE), emulatorConfigText('https://127.0.0.1:4566'));
  if (options.providerBinary) {
    writeFileSync(path.join(dir, '.terraform.lock.hcl'), 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  hashes = []\n}\n');
    const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
    const binary = path.join(dir, '.terraform', 'providers/registry.terraform.io/hashicorp/aws/5.100.0', platform, 'terraform-provider-aws_v5.100.0_x5');
    mkdirSync(path.dirname(binary), { recursive: true });
    writeFileSync(binary, '');
  }
  return dir;
}
