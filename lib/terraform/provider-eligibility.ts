/**
 * Which Terraform runs may attach to a pooled AWS provider server (provider-pool.ts),
 * decided from the run's command and the configuration in its working directory.
 *
 * With TF_REATTACH_PROVIDERS, every configuration of the reattached provider in a run
 * goes to the ONE server, and each ConfigureProvider overwrites the last: with two
 * (an alias, or a module with its own provider block) Terraform still runs, and the
 * AWS provider fails the second configure (measured with 5.100.0) or, worse, serves
 * one configuration's resources with the other's settings. So a run is pooled only when:
 * - its command is one that starts providers and is not `init` (POOLED_COMMANDS);
 * - its directory holds JSON configuration only (`*.tf.json`; HCL is not read here),
 *   local modules only, and exactly ONE `aws` provider configuration, without alias; or several,
 *   for `show`, `validate` and `providers`, which never configure the provider (SCHEMA_ONLY_COMMANDS);
 * - that configuration is **offline** (the offline access key, credential validation and
 *   the account lookup skipped: the provider makes no request) or **emulated** (the
 *   emulator's access key, and either the emulator profile (emulator-profile.ts: its file,
 *   named relative to the run's directory, sends every service to a loopback endpoint; the
 *   server gets a copy of the file in its own working directory) or an `endpoints` block
 *   with every endpoint on loopback). Real AWS environments (dogfood,
 *   production) always launch their own provider: a long-lived server keeps the
 *   environment it started with (credentials from CI's role session, which expire, a
 *   CA bundle, proxies), and a plain launch is what the apply of a real account was
 *   reviewed with;
 * - no resource makes the provider read a file by a relative path (the server's working
 *   directory is not the run's);
 * - the provider binary is found where Terraform would take it: the version in the lock
 *   file, under the data directory's `providers/` (TF_DATA_DIR or `.terraform`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_CONFIG_FILE, emulatorConfigEndpoint, EMULATOR_PROFILE, endpointOverrideVariables } from './emulator-profile';
import { EMULATOR_ACCESS_KEY, OFFLINE_ACCESS_KEY } from './provider-access-keys';
import { AWS_PROVIDER_ADDRESS } from './provider-server';

/** Set to "0" to turn the provider pool off: every Terraform launches its own providers. */
export const PROVIDER_POOL_ENV = 'FLEETFLAGS_PROVIDER_POOL';

/** Whether Terraform runs may use the provider pool at all (FLEETFLAGS_PROVIDER_POOL is not "0"). */
export function providerPoolEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[PROVIDER_POOL_ENV] !== '0';
}

/** Commands that start the AWS provider and may attach to a server (never `init`: it installs providers). */
export const POOLED_COMMANDS: ReadonlySet<string> = new Set(['plan', 'apply', 'validate', 'show', 'refresh', 'providers']);

/**
 * Commands that never configure the provider (ConfigureProvider): they load its schema and validate
 * configurations. One server may serve a run of these with several offline or emulated provider
 * configurations (a root of modules with their own providers): nothing per configuration is kept.
 */
export const SCHEMA_ONLY_COMMANDS: ReadonlySet<string> = new Set(['show', 'validate', 'providers']);

/** Commands that change nothing, so a run whose server vanished is simply run again (provider-pool.ts). */
export const RETRIED_COMMANDS: ReadonlySet<string> = new Set(['plan', 'validate', 'show', 'providers']);

export type PoolDecision =
  | {
      readonly pooled: true;
      /** The provider binary, symlinks resolved (servers are shared between workdirs). */
      readonly binary: string;
      /** schema-only: several configurations, a command that never configures the provider (SCHEMA_ONLY_COMMANDS). */
      readonly kind: 'offline' | 'emulated' | 'schema-only';
      /** Servers are reused only between runs with the same key (binary, kind, connection settings, environment). */
      readonly key: string;
      /**
       * Files the server needs in its working directory (name -> text): the emulator profile's
       * shared config file, which the configuration names relative to the run's directory.
       */
      readonly files?: Readonly<Record<string, string>>;
    }
  | { readonly pooled: false; readonly reason: string };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const plain = (reason: string): PoolDecision => ({ pooled: false, reason });

/** Resources whose provider reads a local file named by an argument. */
const FILE_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_s3_object: ['source'],
  aws_s3_bucket_object: ['source'],
  aws_lambda_function: ['filename'],
  aws_lambda_layer_version: ['filename'],
};

/**
 * Whether (and how) `terraform <command>` in `cwd` with `env` may use a pooled provider server.
 * Never throws: what cannot be read (a readdir or realpath race, EACCES) runs plain, with the reason.
 */
export function poolDecision(command: string, cwd: string, env: NodeJS.ProcessEnv): PoolDecision {
  try {
    return decide(command, cwd, env);
  } catch (e) {
    return plain(`the configuration or its providers could not be read (${(e as Error).message})`);
  }
}

function decide(command: string, cwd: string, env: NodeJS.ProcessEnv): PoolDecision {
  if (!providerPoolEnabled(env)) return plain(`${PROVIDER_POOL_ENV}=0`);
  if (env.TF_REATTACH_PROVIDERS) return plain('TF_REATTACH_PROVIDERS is set already');
  if (!POOLED_COMMANDS.has(command)) return plain(`terraform ${command} is not pooled`);
  let configs: Json[];
  try {
    configs = awsProviderConfigs(cwd, 0);
  } catch (e) {
    return plain((e as Error).message);
  }
  if (configs.length > 1 || configs[0]?.alias !== undefined) {
    // Several configurations: only a command that never configures the provider may attach them all to one server.
    if (!SCHEMA_ONLY_COMMANDS.has(command) || configs.some((c) => providerKind(c, cwd) === undefined)) {
      return configs.length > 1
        ? plain(`${configs.length} aws provider configurations (a server serves exactly one)`)
        : plain('the aws provider configuration has an alias');
    }
    const binary = providerBinary(cwd, env);
    if (!binary) return plain('no installed aws provider binary for the lock file');
    return { pooled: true, binary, kind: 'schema-only', key: poolKey([binary, 'schema-only', providerEnv(env)]) };
  }
  if (configs.length === 0) return plain('0 aws provider configurations (a server serves exactly one)');
  const config = configs[0];
  const provider = providerKind(config, cwd);
  if (!provider) return plain('the aws provider configuration is neither offline nor emulated on loopback (real AWS launches its own)');
  const kind = provider.kind;
  // The runner removes these from an emulated run's environment (runner.ts terraform()); a caller
  // that did not gets a plain run, never a server that the variables would send off loopback.
  const overrides = kind === 'emulated' ? endpointOverrideVariables(env) : [];
  if (overrides.length > 0) return plain(`${overrides.join(', ')} set: it would send the emulated provider's calls elsewhere`);
  const binary = providerBinary(cwd, env);
  if (!binary) return plain('no installed aws provider binary for the lock file');
  // Offline, the provider makes no request: its connection settings do not matter. Emulated, they
  // include the profile file's text (the one providerKind read and validated: never read again),
  // so servers of different emulator endpoints stay apart.
  const files = provider.kind === 'emulated' && provider.profileText !== undefined ? { [EMULATOR_CONFIG_FILE]: provider.profileText } : undefined;
  const connection = kind === 'emulated' ? { endpoints: config.endpoints, insecure: config.insecure, http_proxy: config.http_proxy, files } : {};
  return { pooled: true, binary, kind, key: poolKey([binary, kind, connection, providerEnv(env)]), ...(files ? { files } : {}) };
}

const poolKey = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);

/** The variables a provider process reads (credentials, proxies, Go runtime, home, temporary folder), sorted. */
export function providerEnv(env: NodeJS.ProcessEnv): Array<[string, string]> {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined && /^(AWS_|GO|SSL_CERT|HTTPS?_PROXY$|NO_PROXY$|https?_proxy$|no_proxy$|HOME$|TMPDIR$)/.test(e[0]))
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * What a provider configuration is: offline, or emulated (with the emulator profile file's text,
 * read once here and validated: the text the server gets is the text that was checked), or
 * undefined (real AWS, or not recognized: it runs plain).
 */
type ProviderKind = { readonly kind: 'offline' } | { readonly kind: 'emulated'; readonly profileText?: string };

function providerKind(config: Json, cwd: string): ProviderKind | undefined {
  if (config.custom_ca_bundle !== undefined) return undefined;
  const profile = config.profile ?? undefined;
  const configFiles = config.shared_config_files ?? undefined;
  if (config.access_key === OFFLINE_ACCESS_KEY && config.secret_key === OFFLINE_ACCESS_KEY && config.skip_credentials_validation === true && config.skip_requesting_account_id === true) {
    // Offline, the provider reads no profile (writeOfflineOverride clears them; one left would be read at configure).
    return profile === undefined && configFiles === undefined ? { kind: 'offline' } : undefined;
  }
  if (config.access_key === EMULATOR_ACCESS_KEY && config.secret_key === EMULATOR_ACCESS_KEY) {
    const urls = ([] as Json[]).concat(config.endpoints ?? []).flatMap((e) => Object.values(e ?? {}));
    if (profile === undefined && configFiles === undefined) {
      // An `endpoints` block: our synthesis no longer writes one (the emulator profile replaced it), but
      // synthesizeRef (lib/plan/ref-synthesis.ts) builds base refs and rollback branches with that ref's own, older code,
      // which still writes an `endpoints` block for the sandbox; those runs are still emulated.
      return urls.length > 0 && urls.every((u) => typeof u === 'string' && onLoopback(u)) ? { kind: 'emulated' } : undefined;
    }
    // The emulator profile, in exactly the file we write (emulator-profile.ts), every service on loopback.
    if (profile !== EMULATOR_PROFILE || JSON.stringify(configFiles) !== JSON.stringify([EMULATOR_CONFIG_FILE])) return undefined;
    if (urls.some((u) => typeof u !== 'string' || !onLoopback(u))) return undefined;
    const file = path.join(cwd, EMULATOR_CONFIG_FILE);
    const profileText = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const endpoint = profileText === undefined ? undefined : emulatorConfigEndpoint(profileText);
    return endpoint !== undefined && onLoopback(endpoint) ? { kind: 'emulated', profileText } : undefined;
  }
  return undefined;
}

function onLoopback(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Every `aws` provider configuration of the configuration in `dir` and its local modules,
 * each merged with its override files. Throws (with the reason to run plain) on what it cannot read.
 */
export function awsProviderConfigs(dir: string, depth: number): Json[] {
  if (depth > 8) throw new Error('modules nested more than 8 deep');
  const main: Json[] = [];
  const overrides: Json[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.tf')) throw new Error(`HCL configuration (${name}) is not read here`);
    if (!name.endsWith('.tf.json')) continue;
    let parsed: Json;
    try {
      parsed = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Json;
    } catch {
      throw new Error(`${name} is not JSON`);
    }
    (name === 'override.tf.json' || name.endsWith('_override.tf.json') ? overrides : main).push(parsed);
  }
  const configs = main.flatMap((file) => ([] as Json[]).concat(file.provider?.aws ?? []).map((c) => ({ ...c })));
  for (const file of overrides) {
    for (const override of ([] as Json[]).concat(file.provider?.aws ?? [])) {
      const target = configs.find((c) => c.alias === override.alias);
      if (!target) throw new Error('an override file configures an aws provider the configuration does not have');
      Object.assign(target, override);
    }
  }
  for (const file of main) {
    for (const [type, files] of Object.entries(FILE_ARGUMENTS)) {
      for (const resource of Object.values((file.resource?.[type] ?? {}) as Record<string, Json>)) {
        const relative = files.find((arg) => typeof resource[arg] === 'string' && !path.isAbsolute(resource[arg]));
        if (relative) throw new Error(`${type}.${relative} names a file by a relative path`);
      }
    }
    for (const [name, call] of Object.entries((file.module ?? {}) as Record<string, Json>)) {
      const source = String(call.source ?? '');
      if (!source.startsWith('./') && !source.startsWith('../')) throw new Error(`module ${name} is not local (${source})`);
      if (call.providers !== undefined) throw new Error(`module ${name} passes providers`);
      configs.push(...awsProviderConfigs(path.resolve(dir, source), depth + 1));
    }
  }
  return configs;
}

/**
 * True when the configuration in `dir` (its local modules and override files too) has an aws
 * provider configured for the emulator (its access key), whatever else decides pooling; false
 * when none, or when it cannot be read here (HCL, a non-local module: nothing of ours).
 */
export function isEmulatedConfiguration(dir: string): boolean {
  try {
    return awsProviderConfigs(dir, 0).some((c) => c.access_key === EMULATOR_ACCESS_KEY);
  } catch {
    return false;
  }
}

/** The aws provider binary Terraform would launch in `cwd`: the lock file's version, in the data directory's providers. */
export function providerBinary(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const lockFile = path.join(cwd, '.terraform.lock.hcl');
  if (!existsSync(lockFile)) return undefined;
  const escaped = AWS_PROVIDER_ADDRESS.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const version = new RegExp(`provider "${escaped}" \\{\\s*version\\s*=\\s*"([^"]+)"`).exec(readFileSync(lockFile, 'utf8'))?.[1];
  if (!version) return undefined;
  const dataDir = env.TF_DATA_DIR ? path.resolve(cwd, env.TF_DATA_DIR) : path.join(cwd, '.terraform');
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const dir = path.join(dataDir, 'providers', AWS_PROVIDER_ADDRESS, version, platform);
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => f.startsWith('terraform-provider-aws'));
  return name ? realpathSync(path.join(dir, name)) : undefined;
}
