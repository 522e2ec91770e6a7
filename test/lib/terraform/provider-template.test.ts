/**
 * The shared `terraform init` (lib/terraform/runner.ts providerTemplate): an init that
 * fails leaves no half-made template directory next to the plugin cache. Terraform is
 * refused here (FLEETFLAGS_NO_TERRAFORM=1), which makes the init fail without starting it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PLUGIN_CACHE_ENV } from '../../../lib/terraform/cli-config';
import { providerTemplate } from '../../../lib/terraform/runner';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

describe('providerTemplate', () => {
  test('GIVEN an init that fails WHEN the template is made THEN the error comes through and no init-* directory is left', async () => {
    const saved = { cache: process.env[PLUGIN_CACHE_ENV], refuse: process.env.FLEETFLAGS_NO_TERRAFORM };
    const base = tempDir('provider-template-');
    process.env[PLUGIN_CACHE_ENV] = path.join(base, 'terraform-plugins');
    process.env.FLEETFLAGS_NO_TERRAFORM = '1';
    try {
      await expect(providerTemplate()).rejects.toThrow(/terraform init refused: FLEETFLAGS_NO_TERRAFORM=1/);
      expect(readdirSync(base).filter((name) => name.startsWith('init-'))).toEqual([]);
    } finally {
      for (const [name, value] of [[PLUGIN_CACHE_ENV, saved.cache], ['FLEETFLAGS_NO_TERRAFORM', saved.refuse]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
