import { existsSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import {
  AWS_PROVIDER_LOCK,
  cliConfigText,
  findProviderMirror,
  linkProviderMirror,
  PROVIDER_MIRROR_ENV,
  terraformEnv,
  TERRAFORM_GOGC,
} from '../../../lib/terraform/cli-config';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

describe('Terraform CLI config', () => {
  it('installs the AWS provider from the mirror and everything else from the registry', () => {
    const text = cliConfigText('/opt/mirror', '/cache');
    expect(text).toContain('plugin_cache_dir   = "/cache"');
    expect(text).toMatch(/filesystem_mirror \{\n\s+path\s+= "\/opt\/mirror"\n\s+include = \["registry.terraform.io\/hashicorp\/aws"\]/);
    expect(text).toMatch(/direct \{\n\s+exclude = \["registry.terraform.io\/hashicorp\/aws"\]/);
  });

  it('falls back to the public registry when there is no mirror', () => {
    const text = cliConfigText(null, '/cache');
    expect(text).not.toContain('provider_installation');
    expect(text).toContain('plugin_cache_dir');
  });

  it('lets an environment variable point at the mirror, or turn it off', () => {
    const dir = tempDir('mirror-');
    mkdirSync(path.join(dir, 'registry.terraform.io'));
    expect(findProviderMirror({ [PROVIDER_MIRROR_ENV]: dir })).toBe(dir);
    expect(findProviderMirror({ [PROVIDER_MIRROR_ENV]: path.join(dir, 'registry.terraform.io') })).toBe(dir);
    expect(findProviderMirror({ [PROVIDER_MIRROR_ENV]: 'none' })).toBeNull();
  });

  it('says what is wrong when the override points nowhere', () => {
    expect(() => findProviderMirror({ [PROVIDER_MIRROR_ENV]: '/no/such/mirror' })).toThrow(
      /FLEETFLAGS_PROVIDER_MIRROR is set to "\/no\/such\/mirror", which has no registry.terraform.io directory/,
    );
  });

  it('writes its own CLI config file and points TF_CLI_CONFIG_FILE at it', () => {
    const cache = path.join(tempDir('cache-'), 'plugins');
    const env = terraformEnv({ FLEETFLAGS_PLUGIN_CACHE: cache, [PROVIDER_MIRROR_ENV]: 'none' });
    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(path.dirname(cache), 'terraform.tfrc'));
    expect(readFileSync(env.TF_CLI_CONFIG_FILE, 'utf8')).toBe(cliConfigText(null, cache));
    expect(existsSync(cache)).toBe(true);
  });

  it('GIVEN no GOGC WHEN Terraform runs THEN its garbage collector runs less often (GOGC 400); GIVEN one of yours THEN yours stays', () => {
    const cache = path.join(tempDir('cache-'), 'plugins');
    expect(terraformEnv({ FLEETFLAGS_PLUGIN_CACHE: cache, [PROVIDER_MIRROR_ENV]: 'none' }).GOGC).toBe(TERRAFORM_GOGC);
    expect(TERRAFORM_GOGC).toBe('400');
    // The runner lays this over the process environment: leaving GOGC out keeps the user's.
    expect(terraformEnv({ FLEETFLAGS_PLUGIN_CACHE: cache, [PROVIDER_MIRROR_ENV]: 'none', GOGC: '100' })).not.toHaveProperty('GOGC');
  });

  it('links the mirror and the provider lock into synthesized stacks, for a bare cdktf diff', () => {
    // GIVEN a mirror holding the provider and a synthesized stack
    const mirror = tempDir('mirror-');
    mkdirSync(path.join(mirror, 'registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64'), { recursive: true });
    const out = tempDir('out-');
    mkdirSync(path.join(out, 'stacks', 'sandbox-data'), { recursive: true });
    // WHEN
    linkProviderMirror(out, { [PROVIDER_MIRROR_ENV]: mirror });
    // THEN Terraform's implied local mirror directory points at it, with the lock
    const stack = path.join(out, 'stacks', 'sandbox-data');
    expect(readlinkSync(path.join(stack, 'terraform.d', 'plugins'))).toBe(mirror);
    expect(readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe(AWS_PROVIDER_LOCK);
  });

  it('leaves stacks alone when there is no mirror', () => {
    const out = tempDir('out-');
    mkdirSync(path.join(out, 'stacks', 'sandbox-data'), { recursive: true });
    linkProviderMirror(out, { [PROVIDER_MIRROR_ENV]: 'none' });
    expect(existsSync(path.join(out, 'stacks', 'sandbox-data', 'terraform.d'))).toBe(false);
  });
});
