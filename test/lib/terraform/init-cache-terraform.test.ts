/**
 * @terraform
 * `terraform init` once per stack (lib/terraform/init-cache.ts) with the real
 * Terraform: a data directory kept outside the configuration's directory survives a
 * fresh synthesis without init, and a changed backend inits again (without that,
 * Terraform refuses to run). Cheap: `terraform_data` needs no provider process, and
 * the AWS provider comes from the plugin cache (init starts no provider).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { initStack } from '../../../lib/deploy/terraform-stacks';
import { ensureInitialized, providersInstalled, LOCK_FILE } from '../../../lib/terraform/init-cache';
import { terraform } from '../../../lib/terraform/runner';
import { AWS_PROVIDER_VERSION } from '../../../lib/terraform/cli-config';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

describe('a persistent TF_DATA_DIR with the real Terraform', () => {
  test('GIVEN a stack initialized once WHEN synthesized again THEN it applies without init; WHEN its backend changes THEN init runs and the new backend holds the state', async () => {
    const root = tempDir('init-cache-tf-');
    const workdir = path.join(root, 'stacks', 'demo');
    const dataDir = path.join(root, 'state', 'terraform', 'demo');
    const synth = (statePath: string) => {
      rmSync(workdir, { recursive: true, force: true });
      mkdirSync(workdir, { recursive: true });
      const config = { terraform: { backend: { local: { path: statePath } } }, resource: { terraform_data: { marker: { input: 'v1' } } } };
      writeFileSync(path.join(workdir, 'cdk.tf.json'), JSON.stringify(config));
      return config;
    };
    const ensure = (config: object) => ensureInitialized({ workdir, dataDir, config, init: () => initStack(workdir, { dataDir }) });
    const apply = () => terraform(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: workdir, env: { TF_DATA_DIR: dataDir } });

    // GIVEN a first init
    expect((await ensure(synth(path.join(root, 'a.tfstate')))).ran).toBe(true);

    // WHEN the stack is synthesized again (a fresh directory, no .terraform in it)
    const again = await ensure(synth(path.join(root, 'a.tfstate')));
    await apply();

    // THEN no init ran, and Terraform used the kept data directory's backend
    expect(again).toEqual({ ran: false, reason: 'already initialized for this backend and these providers' });
    expect(existsSync(path.join(workdir, '.terraform'))).toBe(false);
    expect(existsSync(path.join(root, 'a.tfstate'))).toBe(true);

    // WHEN the backend changes: Terraform itself refuses to run on the old init...
    const moved = synth(path.join(root, 'b.tfstate'));
    await expect(apply()).rejects.toThrow(/Backend configuration changed|terraform init/);
    // ...so init runs again
    const changed = await ensure(moved);
    await apply();

    // THEN the new backend holds the state
    expect(changed.ran).toBe(true);
    expect(existsSync(path.join(root, 'b.tfstate'))).toBe(true);
  });

  test('GIVEN a stack that requires the AWS provider WHEN initialized THEN its lock is kept and the provider counts as installed; a fresh synthesis gets the lock back', async () => {
    const root = tempDir('init-cache-aws-');
    const workdir = path.join(root, 'stacks', 'demo');
    const dataDir = path.join(root, 'state', 'terraform', 'demo');
    mkdirSync(workdir, { recursive: true });
    const config = { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } }, backend: { local: { path: path.join(root, 'x.tfstate') } } } };
    writeFileSync(path.join(workdir, 'cdk.tf.json'), JSON.stringify(config));

    await ensureInitialized({ workdir, dataDir, config, init: () => initStack(workdir, { dataDir }) });
    const lock = readFileSync(path.join(workdir, LOCK_FILE), 'utf8');
    rmSync(path.join(workdir, LOCK_FILE));

    expect(lock).toContain(`provider "registry.terraform.io/hashicorp/aws"`);
    expect(providersInstalled(dataDir, lock)).toBe(true);
    expect((await ensureInitialized({ workdir, dataDir, config, init: () => Promise.reject(new Error('init must not run')) })).ran).toBe(false);
    expect(readFileSync(path.join(workdir, LOCK_FILE), 'utf8')).toBe(lock);
  });
});
