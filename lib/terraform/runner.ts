/**
 * Running the real Terraform on what we synthesize, offline and fast:
 * - `terraform init` runs once per machine, in a template directory, through the
 *   plugin cache (which symlinks the mirror); every stack directory then links
 *   that template's providers and copies its lock file instead of running init.
 * - An offline working copy of a stack drops the state backend (plans run against
 *   a local state file we choose) and, for AWS environments, layers an override
 *   file with dummy credentials and skipped account checks. The resources are
 *   untouched, so the real provider plans exactly what would be deployed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors } from '../errors';
import { AWS_PROVIDER_VERSION, pluginCacheDir, terraformEnv } from './cli-config';
import { OFFLINE_ACCESS_KEY } from './provider-access-keys';
import { endpointOverrideVariables } from './emulator-profile';
import { isEmulatedConfiguration, poolDecision, providerPoolEnabled, RETRIED_COMMANDS } from './provider-eligibility';
import { providerPool, type ProviderPoolStats } from './provider-pool';
import { missingSchemaError } from './provider-schema-filter';
import { schemaTypes } from './schema-types';

export interface TerraformResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Exit codes that are not failures (e.g. 2 for `plan -detailed-exitcode`). @default [0] */
  readonly okExitCodes?: readonly number[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Set to "1" by `npm run test:quick`: Terraform is not started, and the error says
 * to tag the suite `@terraform` (test/quick-filter.js).
 */
export const NO_TERRAFORM_ENV = 'FLEETFLAGS_NO_TERRAFORM';

let envCache: Record<string, string> | undefined;
const processCounts = new Map<string, number>();

/** The environment every terraform command of ours runs with (our CLI config, written once per process). */
export function terraformRunEnv(): Readonly<Record<string, string>> {
  envCache ??= terraformEnv();
  return envCache;
}

/** How many Terraform processes this process has started, by subcommand (`plan`, `show`, ...). */
export function terraformProcessCounts(): Record<string, number> {
  return Object.fromEntries(processCounts);
}

/**
 * Runs terraform with our CLI config; throws a FleetflagsError on failure.
 *
 * An offline or emulated run with one aws provider configuration attaches to a pooled
 * provider server instead of launching the provider itself (provider-pool.ts; which
 * runs: provider-eligibility.ts; off with FLEETFLAGS_PROVIDER_POOL=0). A read-only run
 * whose server died under it runs once more, launching its own provider.
 */
export async function terraform(args: readonly string[], options: RunOptions): Promise<TerraformResult> {
  if (process.env[NO_TERRAFORM_ENV] === '1') throw errors.terraformDisabled(args[0], NO_TERRAFORM_ENV);
  envCache ??= terraformEnv();
  const env: NodeJS.ProcessEnv = { ...process.env, ...envCache, ...options.env };
  // An emulated configuration (the sandbox) says where its calls go: the emulator profile's
  // endpoint_url, a loopback origin the flags rules checked. AWS_ENDPOINT_URL(_<SERVICE>) in the
  // caller's environment would win over it, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would drop it,
  // sending calls (credentials, the alarm subscriptions' secret endpoints) off this machine. They are
  // removed rather than refused: a developer's shell often exports them for another project (or for
  // LocalStack), they can never be meant for a configuration that names its endpoint, and the run
  // then does exactly what the reviewed configuration says, pooled or plain (the server gets this env).
  if (isEmulatedConfiguration(options.cwd)) for (const name of endpointOverrideVariables(env)) delete env[name];
  const decision = poolDecision(args[0], options.cwd, env);
  const lease = decision.pooled ? await providerPool().lease(decision.key, decision.binary, env, decision.files) : undefined;
  if (!lease) return runTerraform(args, options, env);
  const attached = { ...env, TF_REATTACH_PROVIDERS: lease.server.reattach };
  // The schema cut to the run's types (provider-schema-filter.ts), where the server has its proxy.
  const proxy = lease.server.proxy;
  if (proxy) proxy.types = schemaTypes(options.cwd, args);
  let result: TerraformResult | undefined;
  try {
    // A type the cut left out: Terraform said so and stopped before doing anything (only read-only
    // commands are cut); the same run again with the whole schema. A failure (or, for `validate -json`,
    // an accepted exit code 1) that says so.
    const lacksType = (output: string) => proxy?.types !== undefined && lease.server.alive && missingSchemaError(output);
    try {
      result = await runTerraform(args, options, attached);
    } catch (e) {
      if (!lacksType((e as Error).message)) throw e;
      result = undefined;
    }
    if (!result || (result.exitCode !== 0 && lacksType(`${result.stderr}\n${result.stdout}`))) {
      proxy!.types = undefined;
      schemaRetries += 1;
      result = await runTerraform(args, options, attached);
    }
  } catch (e) {
    if (lease.server.alive) throw e;
    if (!RETRIED_COMMANDS.has(args[0])) throw errors.pooledProviderDied(args[0], options.cwd, (e as Error).message, lease.server.stderr);
    pooledRetries += 1;
    return runTerraform(args, options, env);
  } finally {
    if (proxy) proxy.types = undefined;
    lease.release();
  }
  // An exit code the caller accepts but reads as a failure (`validate -json`: 1), and the server died: the same again, plain.
  if (result!.exitCode === 0 || lease.server.alive || !RETRIED_COMMANDS.has(args[0])) return result!;
  pooledRetries += 1;
  return runTerraform(args, options, env);
}

let pooledRetries = 0;
let schemaRetries = 0;

/**
 * What the provider pool of this process did: servers started and reused, runs retried plain after
 * their server died, runs retried with the whole schema after the cut one lacked a type.
 */
export function providerPoolCounts(): ProviderPoolStats & { retried: number; schemaRetried: number } {
  return { ...providerPool().stats, retried: pooledRetries, schemaRetried: schemaRetries };
}

function runTerraform(args: readonly string[], options: RunOptions, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  processCounts.set(args[0], (processCounts.get(args[0]) ?? 0) + 1);
  const ok = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile('terraform', [...args], { cwd: options.cwd, env, maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(errors.terraformNotFound());
      if (code === null || !ok.includes(code)) {
        return reject(errors.terraformFailed(args[0], options.cwd, code, `${stderr}\n${stdout}`.trim()));
      }
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

const templates = new Map<string, Promise<string>>();

/** A directory where `terraform init` ran once for the AWS provider (once per process and plugin cache, however many ask at once). */
export function providerTemplate(): Promise<string> {
  const cache = pluginCacheDir();
  let pending = templates.get(cache);
  if (!pending || !existsSync(cache)) {
    pending = initProviderTemplate();
    templates.set(cache, pending);
    pending.catch(() => templates.delete(cache));
  }
  return pending;
}

async function initProviderTemplate(): Promise<string> {
  const base = path.dirname(pluginCacheDir());
  const dir = path.join(base, `init-template-aws-${AWS_PROVIDER_VERSION}`);
  if (existsSync(path.join(dir, '.terraform.lock.hcl'))) return dir;
  mkdirSync(base, { recursive: true });
  const tmp = mkdtempSync(path.join(base, 'init-'));
  writeFileSync(
    path.join(tmp, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } } }),
  );
  try {
    await terraform(['init', '-input=false', '-no-color', '-backend=false'], { cwd: tmp });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true }); // a failed init leaves no half-made template behind
    throw e;
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
  return dir;
}

/** Makes `dir` ready for validate/plan without running init in it. */
export async function linkProviders(dir: string): Promise<void> {
  const template = await providerTemplate();
  mkdirSync(path.join(dir, '.terraform'), { recursive: true });
  const link = path.join(dir, '.terraform', 'providers');
  if (!existsSync(link)) symlinkSync(path.join(template, '.terraform', 'providers'), link, 'dir');
  writeFileSync(path.join(dir, '.terraform.lock.hcl'), readFileSync(path.join(template, '.terraform.lock.hcl')));
}

/** Synthesized Terraform JSON of one stack. */
export type StackJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const OFFLINE_OVERRIDE_FILE = 'fleetflags_offline_override.tf.json';

/**
 * Writes an offline working copy of a stack into `dir`: the configuration without
 * its backend, an override with offline provider settings when the stack's own
 * provider would call AWS, and the shared providers.
 */
export async function writeOfflineWorkdir(dir: string, stack: StackJson): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  if (copy.terraform) delete copy.terraform.backend;
  withoutEndpoints(copy);
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(copy, null, 2));
  writeOfflineOverride(dir, copy);
  await linkProviders(dir);
}

/**
 * Drops the `endpoints` block of every aws provider configuration of an offline copy.
 * Offline, the provider calls nothing, so where it would call makes no difference to a
 * plan, and the block is costly: aws provider 5.100.0 spends about 2.4 s of CPU (2 s of
 * wall time) validating a configuration that has one, in every Terraform process that
 * validates or configures the provider, whatever the block holds (one attribute, or none,
 * costs the same; measured 2026-11-28 on the 2-core machine: a pooled sandbox-fleet
 * plan, provider CPU 2.86 s with the block, 0.48 s without). An override file cannot
 * remove a block, so the copy itself goes without.
 *
 * Still needed although our synthesis writes no `endpoints` block any more (emulated
 * environments use the emulator profile, emulator-profile.ts): synthesizeRef
 * (lib/plan/plan-run.ts) builds base refs and rollback branches with that ref's own,
 * older code, which still produces an `endpoints` block for the sandbox.
 */
export function withoutEndpoints(stack: StackJson): StackJson {
  for (const config of ([] as StackJson[]).concat(stack.provider?.aws ?? [])) delete config.endpoints;
  return stack;
}

/** Where an offline plan gets a required variable's value from: no secret store there. */
export const OFFLINE_VARIABLE_PLACEHOLDER = 'fleetflags-offline-placeholder';

/**
 * Defaults for the variables an offline plan has no value for (a required variable,
 * such as an alarm subscription's secret endpoint, set from CI's secret store as
 * TF_VAR_<name> in a real plan): a placeholder, after the prefix a `startswith`
 * validation of the variable asks for. Speculative plans (forks, rollback PRs) have no
 * secrets; the value is sensitive, so a plan shows it as (sensitive value) either way.
 */
export function offlineVariableDefaults(stack: StackJson): Record<string, { default: string }> {
  const defaults: Record<string, { default: string }> = {};
  for (const [name, variable] of Object.entries((stack.variable ?? {}) as Record<string, StackJson>)) {
    if (variable.default !== undefined) continue;
    const conditions = ([] as StackJson[]).concat(variable.validation ?? []).map((v) => String(v.condition ?? ''));
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const prefix = conditions.map((c) => new RegExp(`startswith\\(var\\.${escaped},\\s*"([^"]*)"\\)`).exec(c)?.[1]).find((p) => p !== undefined) ?? '';
    defaults[name] = { default: `${prefix}${OFFLINE_VARIABLE_PLACEHOLDER}` };
  }
  return defaults;
}

/** The offline override (dummy credentials, skipped account checks) next to a configuration whose AWS provider would call AWS. */
function writeOfflineOverride(dir: string, stack: StackJson): void {
  const providers = ([] as StackJson[]).concat(stack.provider?.aws ?? []);
  const overridePath = path.join(dir, OFFLINE_OVERRIDE_FILE);
  // An AWS provider validates credentials and looks the account up; an emulated one
  // (its profile) looks the account up at the emulator. Offline, neither may happen, and no
  // profile file is read (an emulated stack's is not in the working copy).
  const variables = offlineVariableDefaults(stack);
  const hasVariables = Object.keys(variables).length > 0;
  // A provider that names a profile or shared config file takes this branch too, however offline it
  // looks: the file would be read at configure (and is not in the working copy).
  const callsAws = (p: StackJson) => p.skip_credentials_validation !== true || p.skip_requesting_account_id !== true;
  const readsProfile = (p: StackJson) => (p.profile ?? undefined) !== undefined || (p.shared_config_files ?? undefined) !== undefined;
  if (providers.some((p) => callsAws(p) || readsProfile(p))) {
    writeFileSync(
      overridePath,
      JSON.stringify(
        {
          ...(hasVariables ? { variable: variables } : {}),
          provider: {
            aws: {
              access_key: OFFLINE_ACCESS_KEY,
              secret_key: OFFLINE_ACCESS_KEY,
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: 'true',
              skip_region_validation: true,
              // Without a real account ID the allowed-account check cannot pass.
              allowed_account_ids: null,
              profile: null,
              shared_config_files: null,
            },
          },
        },
        null,
        2,
      ),
    );
  } else if (hasVariables) {
    writeFileSync(overridePath, JSON.stringify({ variable: variables }, null, 2));
  } else {
    rmSync(overridePath, { force: true });
  }
}

export interface PlanOptions {
  /** State to plan against. @default "terraform.tfstate" in the directory (none: everything is created) */
  readonly stateFile?: string;
  /** @default "plan.tfplan" */
  readonly planFile?: string;
  /** Refresh against the cloud before planning; always false offline. @default false */
  readonly refresh?: boolean;
  readonly extraArgs?: readonly string[];
}

/** `terraform validate -json`; throws with Terraform's diagnostics when invalid. */
export async function validate(dir: string): Promise<{ valid: boolean; diagnostics: unknown[] }> {
  const result = await terraform(['validate', '-json', '-no-color'], { cwd: dir, okExitCodes: [0, 1] });
  const parsed = JSON.parse(result.stdout) as { valid: boolean; diagnostics: unknown[] };
  if (!parsed.valid) throw errors.terraformFailed('validate', dir, result.exitCode, JSON.stringify(parsed.diagnostics, null, 2));
  return parsed;
}

/** `terraform plan -out` then `terraform show -json`: the JSON plan. */
export async function planJson(dir: string, options: PlanOptions = {}): Promise<StackJson> {
  const planFile = options.planFile ?? 'plan.tfplan';
  const args = ['plan', '-input=false', '-no-color', '-lock=false', `-out=${planFile}`];
  if (options.refresh === false || options.refresh === undefined) args.push('-refresh=false');
  if (options.stateFile) args.push(`-state=${options.stateFile}`);
  await terraform([...args, ...(options.extraArgs ?? [])], { cwd: dir });
  const shown = await terraform(['show', '-json', '-no-color', planFile], { cwd: dir });
  return JSON.parse(shown.stdout) as StackJson;
}

/** The human-readable text of a saved plan. */
export async function planText(dir: string, planFile = 'plan.tfplan'): Promise<string> {
  return (await terraform(['show', '-no-color', planFile], { cwd: dir })).stdout;
}

// -- several configurations in one Terraform process --------------------------------

/** Where writeModulesWorkdir puts each configuration, relative to the root. */
export const MODULES_DIR = 'modules';

export interface ModulesWorkdirOptions {
  /**
   * Re-export every module's outputs as root outputs (`moduleOutputName`), so a plan
   * shows them (a root plan has no module outputs) and modulePlan puts them back in
   * the module's `output_changes`. A sensitive output stays sensitive. @default false
   */
  readonly outputs?: boolean;
}

export interface ModulesWorkdir {
  /**
   * True when every configuration has the same provider configuration: it is at the
   * root and the modules inherit it (state: `provider["..."]`); false when each module
   * keeps its own (state: `module.<name>.provider["..."]`).
   */
  readonly sharedProvider: boolean;
}

/** The root output that re-exports output `output` of module `moduleName` (ModulesWorkdirOptions.outputs). */
export function moduleOutputName(moduleName: string, output: string): string {
  return `${moduleName}__${output}`;
}

/**
 * Writes an offline working copy that holds each configuration as a module of one
 * root (`module "<name>" { source = "./modules/<name>" }`), so ONE `terraform
 * validate` and ONE `plan` (+ `show -json`) check them all: one Terraform process
 * instead of one per configuration, and the provider schema (seconds of CPU for AWS,
 * in every Terraform process) loaded once.
 *
 * When every configuration has the same provider configuration (variants of one
 * stack: the flag matrix), it moves to the root and the modules inherit it: one
 * provider process. Otherwise each module keeps its own provider block (and its own
 * offline override): one provider process per module, still one Terraform process, but
 * no pooled server may serve its plan (provider-eligibility.ts): to plan such
 * configurations, split them with providerGroups first.
 * Names must be Terraform identifiers. Read each module's plan back with modulePlan.
 */
export async function writeModulesWorkdir(
  dir: string,
  configurations: ReadonlyMap<string, StackJson>,
  options: ModulesWorkdirOptions = {},
): Promise<ModulesWorkdir> {
  const entries = [...configurations];
  if (entries.length === 0) throw new Error('writeModulesWorkdir: no configurations');
  const first = entries[0][1];
  const shared = entries.every(([, stack]) => providerConfigurationKey(stack) === providerConfigurationKey(first));
  rmSync(path.join(dir, MODULES_DIR), { recursive: true, force: true });
  mkdirSync(path.join(dir, '.terraform', 'modules'), { recursive: true });
  const modules: Record<string, { source: string }> = {};
  const outputs: Record<string, { value: string; sensitive?: boolean }> = {};
  const exportedBy = new Map<string, string>();
  for (const [name, stack] of entries) {
    const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
    if (shared) delete copy.provider;
    if (copy.terraform) delete copy.terraform.backend;
    withoutEndpoints(copy);
    const moduleDir = path.join(dir, MODULES_DIR, name);
    mkdirSync(moduleDir, { recursive: true });
    writeFileSync(path.join(moduleDir, 'cdk.tf.json'), JSON.stringify(copy));
    // Shared: the provider settings are the root's; the module still needs its required variables' placeholders.
    writeOfflineOverride(moduleDir, copy);
    modules[name] = { source: `./${MODULES_DIR}/${name}` };
    if (options.outputs) {
      for (const [output, definition] of Object.entries((copy.output ?? {}) as Record<string, { sensitive?: boolean }>)) {
        const rootName = moduleOutputName(name, output);
        if (exportedBy.has(rootName)) throw errors.moduleOutputClash(rootName, [exportedBy.get(rootName)!, name]);
        exportedBy.set(rootName, name);
        outputs[rootName] = { value: `\${module.${name}.${output}}`, ...(definition?.sensitive === true ? { sensitive: true } : {}) };
      }
    }
  }
  const root: StackJson = {
    terraform: { required_providers: first.terraform?.required_providers ?? {} },
    ...(shared && first.provider ? { provider: first.provider } : {}),
    module: modules,
    ...(Object.keys(outputs).length > 0 ? { output: outputs } : {}),
  };
  await writeOfflineWorkdir(dir, root);
  // What `terraform init` would record for local modules: their directories. Writing it
  // ourselves keeps init (and its provider installation) out of the run.
  const manifest = {
    Modules: [{ Key: '', Source: '', Dir: '.' }, ...entries.map(([name]) => ({ Key: name, Source: modules[name].source, Dir: path.join(MODULES_DIR, name) }))],
  };
  writeFileSync(path.join(dir, '.terraform', 'modules', 'modules.json'), JSON.stringify(manifest));
  return { sharedProvider: shared };
}

/** Configurations with equal keys have the same provider configuration: writeModulesWorkdir lets their modules share the root's. */
export function providerConfigurationKey(stack: StackJson): string {
  return JSON.stringify(stack.provider ?? null);
}

/**
 * Stacks (by name) in the groups that may share one Terraform root: those with the same provider
 * configuration (providerConfigurationKey), in the order given. A root of modules with
 * different provider configurations launches a provider per module for every plan (no pooled server
 * serves two configurations: provider-eligibility.ts); one root per configuration, each plan
 * attached to a pooled server, takes about half the CPU (README, the provider pool; baselines.ts buildBaselines). With the
 * pool off (FLEETFLAGS_PROVIDER_POOL=0), every stack is in one group: one root launching its own
 * providers is cheaper than one per stack doing so.
 */
export function providerGroups(names: readonly string[], stackOf: (name: string) => StackJson, env: NodeJS.ProcessEnv = process.env): string[][] {
  if (!providerPoolEnabled(env)) return names.length > 0 ? [[...names]] : [];
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = providerConfigurationKey(stackOf(name));
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups.values()];
}

/**
 * One module's part of a plan made with writeModulesWorkdir, shaped like the plan
 * of that configuration alone: `resource_changes` and
 * `planned_values.root_module.resources` with module-relative addresses, `errored`,
 * `applyable`, `complete`, `timestamp`, and the module's `configuration` (its provider's, whether
 * its own or inherited from the root, under the plain key: `aws`).
 * `output_changes` are the module's outputs when the workdir re-exported them
 * (ModulesWorkdirOptions.outputs); otherwise empty (module outputs are not in a root plan).
 * Resources of modules nested in the module are left out.
 */
export function modulePlan(plan: StackJson, name: string): StackJson {
  const moduleAddress = `module.${name}`;
  const strip = <T extends { address: string }>(r: T): T => ({ ...r, address: r.address.slice(moduleAddress.length + 1) });
  const changes = ((plan.resource_changes ?? []) as Array<{ address: string; module_address?: string }>)
    .filter((rc) => rc.module_address === moduleAddress)
    .map(({ module_address: _m, ...rc }) => strip(rc));
  const child = ((plan.planned_values?.root_module?.child_modules ?? []) as Array<{ address: string; resources?: Array<{ address: string }> }>).find(
    (m) => m.address === moduleAddress,
  );
  const config = plan.configuration?.root_module?.module_calls?.[name]?.module as StackJson | undefined;
  const outputChanges: Record<string, unknown> = {};
  for (const output of Object.keys(config?.outputs ?? {})) {
    const change = plan.output_changes?.[moduleOutputName(name, output)];
    if (change) outputChanges[output] = change;
  }
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    errored: plan.errored,
    ...(plan.applyable !== undefined ? { applyable: plan.applyable } : {}),
    ...(plan.complete !== undefined ? { complete: plan.complete } : {}),
    ...(plan.timestamp !== undefined ? { timestamp: plan.timestamp } : {}),
    resource_changes: changes,
    output_changes: outputChanges,
    planned_values: { root_module: { resources: (child?.resources ?? []).map(strip) } },
    ...(config ? { configuration: moduleConfiguration(plan.configuration, moduleAddress, config) } : {}),
  };
}

/** A module's configuration as a root's: its resources' provider keys and its provider configurations without the module prefix. */
function moduleConfiguration(configuration: StackJson, moduleAddress: string, module: StackJson): StackJson {
  const unprefix = (key: string) => key.replace(/^[^:]*:/, '');
  const providers = Object.entries((configuration.provider_config ?? {}) as Record<string, { module_address?: string }>);
  const own = providers.filter(([, p]) => p.module_address === moduleAddress);
  const providerConfig = Object.fromEntries(
    (own.length > 0 ? own : providers.filter(([, p]) => p.module_address === undefined)).map(([key, { module_address: _m, ...p }]) => [unprefix(key), p]),
  );
  const resources = ((module.resources ?? []) as Array<{ provider_config_key?: string }>).map((r) =>
    r.provider_config_key ? { ...r, provider_config_key: unprefix(r.provider_config_key) } : r,
  );
  return { provider_config: providerConfig, root_module: { ...module, resources } };
}
