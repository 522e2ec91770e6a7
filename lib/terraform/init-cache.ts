/**
 * `terraform init` once per stack, not once per deploy. A deploy synthesizes into a
 * fresh directory (synthesis deletes `cdktf.out/stacks`), so a `.terraform` there
 * never survives; each stack instead gets a persistent TF_DATA_DIR of its own outside
 * the synthesized tree, and init runs again only when what init depends on changed:
 *
 * - the backend block (another bucket, key or region; another local state path),
 * - the required providers and module sources of the configuration,
 * - a dependency lock file the configuration came with that differs from the one
 *   init wrote,
 * - the Terraform binary and our CLI config (provider mirror, plugin cache),
 * - or the providers it installed are gone (a plugin cache deleted).
 *
 * These are hashed into a key stored with the data directory, next to the lock file
 * init wrote (it lives in the configuration's directory, which the next synthesis
 * deletes, so it is put back before a plan). Whoever resets an environment (an
 * emulator that restarted: lib/emulator/emulated-environment.ts) deletes the data
 * directories, and the next deploy inits again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackJson } from './runner';

/** The file in a data directory that records what it was initialized for. */
export const INIT_RECORD = 'fleetflags-init.json';
export const LOCK_FILE = '.terraform.lock.hcl';

/** INIT_RECORD: the key init ran for, and the lock file it wrote. */
export interface InitRecord {
  readonly format: 'fleetflags.init/1';
  readonly key: string;
  readonly lock: string;
}

/** What `terraform init` of `config` depends on, hashed (the lock file is compared on its own: ensureInitialized). */
export function initKey(config: StackJson, context: { readonly terraformBinary?: string; readonly cliConfig?: string }): string {
  const terraformBlock = (config.terraform ?? {}) as StackJson;
  const modules = Object.fromEntries(Object.entries((config.module ?? {}) as Record<string, StackJson>).map(([name, m]) => [name, { source: m.source, version: m.version }]));
  const parts = {
    format: 1,
    backend: terraformBlock.backend ?? null,
    requiredProviders: terraformBlock.required_providers ?? null,
    requiredVersion: terraformBlock.required_version ?? null,
    modules,
    terraformBinary: context.terraformBinary ?? null,
    cliConfig: context.cliConfig ?? null,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export interface EnsureInitializedOptions {
  /** The configuration's directory (cdk.tf.json): where Terraform runs. */
  readonly workdir: string;
  /** The persistent TF_DATA_DIR of this stack. */
  readonly dataDir: string;
  readonly config: StackJson;
  /** Runs `terraform init` in workdir with TF_DATA_DIR=dataDir. */
  readonly init: () => Promise<void>;
  /** The Terraform binary's identity and our CLI config (initKey's context). */
  readonly terraformBinary?: string;
  readonly cliConfig?: string;
}

export interface InitOutcome {
  /** False when the data directory was already initialized for this configuration. */
  readonly ran: boolean;
  /** Why init ran, or why it did not. */
  readonly reason: string;
}

/** Runs init in `dataDir` unless it is already initialized for the same backend, providers and lock; puts the lock file in place either way. */
export async function ensureInitialized(options: EnsureInitializedOptions): Promise<InitOutcome> {
  const lockPath = path.join(options.workdir, LOCK_FILE);
  const lock = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : undefined;
  const key = initKey(options.config, {
    terraformBinary: options.terraformBinary,
    cliConfig: options.cliConfig,
  });
  const recordPath = path.join(options.dataDir, INIT_RECORD);
  const record = readRecord(recordPath);
  let reason: string;
  if (!record) reason = 'not initialized yet';
  else if (record.key !== key) reason = 'the backend, the providers or Terraform changed since the last init';
  else if (lock !== undefined && lock !== record.lock) reason = 'the configuration comes with another dependency lock file';
  else if (!providersInstalled(options.dataDir, record.lock)) reason = 'a provider it installed is gone (plugin cache removed?)';
  else {
    writeFileSync(lockPath, record.lock);
    return { ran: false, reason: 'already initialized for this backend and these providers' };
  }
  // Forget the old record first: an init that fails half-way must not look initialized.
  rmSync(recordPath, { force: true });
  mkdirSync(options.dataDir, { recursive: true });
  await options.init();
  const written: InitRecord = { format: 'fleetflags.init/1', key, lock: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : '' };
  writeFileSync(recordPath, `${JSON.stringify(written, null, 2)}\n`);
  return { ran: true, reason };
}

function readRecord(file: string): InitRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as InitRecord;
    return parsed.format === 'fleetflags.init/1' && typeof parsed.key === 'string' && typeof parsed.lock === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether every provider of the lock file is installed in the data directory
 * (`providers/<host>/<namespace>/<type>/<version>/<platform>`, following the plugin
 * cache's symlinks).
 */
export function providersInstalled(dataDir: string, lock: string): boolean {
  const providers = [...lock.matchAll(/provider\s+"([^"]+)"\s*\{[^}]*?version\s*=\s*"([^"]+)"/g)].map((m) => ({ address: m[1], version: m[2] }));
  for (const p of providers) {
    const versionDir = path.join(dataDir, 'providers', ...p.address.split('/'), p.version);
    if (!existsSync(versionDir)) return false;
    const platforms = readdirSync(versionDir);
    // existsSync follows the link into the plugin cache: a dangling link is not installed.
    if (platforms.length === 0 || !platforms.every((platform) => existsSync(path.join(versionDir, platform)))) return false;
  }
  return true;
}

/** The identity of the `terraform` on PATH (path, size, modification time): a new binary inits again. */
export function terraformBinaryIdentity(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'terraform');
    try {
      const s = statSync(candidate);
      if (s.isFile()) return `${candidate}:${s.size}:${s.mtimeMs}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
