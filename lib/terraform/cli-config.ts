/**
 * Terraform CLI configuration: install the AWS provider from the machine's
 * filesystem mirror when there is one, and share one plugin cache between stacks.
 *
 * - FLEETFLAGS_PROVIDER_MIRROR overrides where the mirror is (the directory that
 *   holds registry.terraform.io/); "none" turns the mirror off.
 * - Otherwise the mirror is searched where machine images put it (up to three
 *   levels below /, like `find / -maxdepth 3 -name registry.terraform.io`).
 * - With no mirror (a laptop, GitHub Actions) Terraform uses the public registry.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../errors';

export const PROVIDER_MIRROR_ENV = 'FLEETFLAGS_PROVIDER_MIRROR';
export const PLUGIN_CACHE_ENV = 'FLEETFLAGS_PLUGIN_CACHE';
const REGISTRY_DIR = 'registry.terraform.io';
const SKIP_TOP = new Set(['proc', 'sys', 'dev', 'run', 'tmp', 'var', 'work', 'home', 'root', 'boot', 'lost+found', 'mnt', 'media', 'srv']);

let cachedMirror: string | null | undefined;

/** The mirror root (the directory containing registry.terraform.io/), or null. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env[PROVIDER_MIRROR_ENV];
  if (override !== undefined && override !== '') {
    if (override === 'none') return null;
    const root = path.basename(override) === REGISTRY_DIR ? path.dirname(override) : override;
    if (!existsSync(path.join(root, REGISTRY_DIR))) throw errors.providerMirrorMissing(override, PROVIDER_MIRROR_ENV);
    return path.resolve(root);
  }
  if (cachedMirror === undefined) cachedMirror = searchMirror();
  return cachedMirror;
}

function searchMirror(): string | null {
  const candidates = [
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    path.join(os.homedir(), '.terraform.d', 'plugins'),
  ];
  for (const c of candidates) if (existsSync(path.join(c, REGISTRY_DIR))) return c;
  // Breadth-first, at most three levels below /, skipping volatile and home trees.
  let level = ['/'];
  for (let depth = 0; depth < 3; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || (depth === 0 && SKIP_TOP.has(e.name)) || e.name === 'node_modules') continue;
        if (e.name === REGISTRY_DIR) return dir;
        next.push(path.join(dir, e.name));
      }
    }
    level = next;
  }
  return null;
}

export function pluginCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[PLUGIN_CACHE_ENV] || path.join(os.homedir(), '.cache', 'fleetflags', 'terraform-plugins');
}

/**
 * Where provider schemas are cached, next to the plugin cache: the plan summary's JSON schemas
 * (lib/plan/provider-schema.ts) directly in it, the schema proxy's answers in `grpc/`
 * (lib/terraform/provider-proxy.ts). Safe to delete: each is built again when missing.
 */
export function providerSchemasDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(pluginCacheDir(env)), 'provider-schemas');
}

/** The text of a Terraform CLI config file for this machine. */
export function cliConfigText(mirror: string | null, cacheDir: string): string {
  const lines = [
    '# Written by fleetflags (lib/terraform/cli-config.ts). Do not edit: it is rewritten on every run.',
    `plugin_cache_dir   = ${JSON.stringify(cacheDir)}`,
    'disable_checkpoint = true',
  ];
  if (mirror) {
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The Go garbage collector's target for Terraform and the providers it starts (they
 * inherit its environment), unless GOGC is set already. Most of a plan's CPU is in
 * the AWS provider's processes, and much of that is garbage collection of short-lived
 * processes with large heaps: an emulated sandbox-data plan on the 2-core machine,
 * 2026-11-27, two runs each, CPU (user + system) and the largest process's RSS:
 * GOGC=100 (Go's default) 10.7 s, 330 MB; 200 9.0 s, 360 MB; 400 8.1 s, 460 MB;
 * 800 8.0 s, 700 MB. 400 is the knee: a quarter less CPU for ~130 MB more per process.
 */
export const TERRAFORM_GOGC = '400';

/**
 * Writes the CLI config and returns the environment variables every terraform
 * command of ours runs with.
 */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const cacheDir = pluginCacheDir(env);
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(path.dirname(cacheDir), 'terraform.tfrc');
  // Other processes read this file at any time (Terraform, the init cache's key): replace it whole, and only when it changes.
  const text = cliConfigText(findProviderMirror(env), cacheDir);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return {
    TF_CLI_CONFIG_FILE: file,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    // Yours wins: GOGC=100 gives Go's default back.
    ...(env.GOGC === undefined || env.GOGC === '' ? { GOGC: TERRAFORM_GOGC } : {}),
  };
}

/** The AWS provider version @cdktf/provider-aws 20.1.0 is generated for. */
export const AWS_PROVIDER_VERSION = '5.100.0';

/**
 * Dependency lock of the AWS provider for linux_amd64: the h1 hash of the unpacked
 * provider, the same from the registry as from a mirror of it. cdktf runs
 * `terraform providers lock`, which needs the registry, whenever a stack has no lock
 * file; this one lets it skip that offline.
 */
export const AWS_PROVIDER_LOCK = `# Written by fleetflags (lib/terraform/cli-config.ts) for the provider mirror.
provider "registry.terraform.io/hashicorp/aws" {
  version     = "${AWS_PROVIDER_VERSION}"
  constraints = "${AWS_PROVIDER_VERSION}"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
  ]
}
`;

/** Whether the mirror holds our provider for this machine's platform. */
export function mirrorHasAwsProvider(mirror: string): boolean {
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  return existsSync(path.join(mirror, REGISTRY_DIR, 'hashicorp', 'aws', AWS_PROVIDER_VERSION, platform));
}

/**
 * For a bare `cdktf diff`/`cdktf deploy`, whose terraform runs with the user's own
 * CLI config: link the mirror as `terraform.d/plugins` in each synthesized stack
 * (one of Terraform's implied local mirror directories) and give it the provider's
 * lock. No-op without a mirror, so elsewhere the registry is used as usual.
 */
export function linkProviderMirror(outdir: string, env: NodeJS.ProcessEnv = process.env): void {
  const mirror = findProviderMirror(env);
  const stacksDir = path.join(outdir, 'stacks');
  if (!mirror || !existsSync(stacksDir) || !mirrorHasAwsProvider(mirror)) return;
  for (const stack of readdirSync(stacksDir)) {
    const stackDir = path.join(stacksDir, stack);
    const dir = path.join(stackDir, 'terraform.d');
    const link = path.join(dir, 'plugins');
    mkdirSync(dir, { recursive: true });
    if (!existsSync(link) && !isSymlink(link)) symlinkSync(mirror, link, 'dir');
    const lock = path.join(stackDir, '.terraform.lock.hcl');
    if (!existsSync(lock)) writeFileSync(lock, AWS_PROVIDER_LOCK);
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
