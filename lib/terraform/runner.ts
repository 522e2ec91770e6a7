/**
 * Running the real Terraform on what we synthesize, offline and fast:
 * - `terraform init` runs once per machine, in a template directory, through the
 *   plugin cache (which symlinks the mirror); every stack directory then links
 *   that template's providers and copies its lock file instead of running init.
 * - Every run goes through terraform(): counted, refused under FLEETFLAGS_NO_TERRAFORM,
 *   attached to a pooled provider server where eligible (provider-pool.ts).
 * - Offline working copies of a stack are offline-workdir.ts; several configurations
 *   in one Terraform process, modules-workdir.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors } from '../errors';
import { AWS_PROVIDER_VERSION, pluginCacheDir, terraformEnv } from './cli-config';
import { endpointOverrideVariables } from './emulator-profile';
import { isEmulatedConfiguration, poolDecision, RETRIED_COMMANDS } from './provider-eligibility';
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
