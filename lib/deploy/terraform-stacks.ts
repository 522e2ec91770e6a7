/**
 * Terraform against real state, for deploys and drift detection: each synthesized
 * stack directory is initialized with its real backend (S3 state with locking),
 * planned into a saved plan file, and — for a deploy — that exact file is applied.
 * No re-plan happens between the check and the apply: `terraform apply <planfile>`
 * refuses a plan whose state has moved on ("Saved plan is stale").
 *
 * A deploy keeps each stack's Terraform data directory (TF_DATA_DIR) between deploys,
 * outside the synthesized tree, and runs `terraform init` only when the backend or the
 * providers changed (lib/terraform/init-cache.ts). The stacks are planned
 * concurrently (each plan refreshes its own state); inits run one at a time, because
 * Terraform's plugin cache is not safe for concurrent installs. The plans come back in
 * the order given, which is the apply order (data before fleet).
 *
 * `npm run drift` plans the same way, read-only (planStacksReadOnly): no state lock,
 * a data directory of its own per stack, a few stacks at a time.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { StackJson } from '../terraform/runner';
import { terraform, terraformRunEnv } from '../terraform/runner';
import { ensureInitialized, terraformBinaryIdentity, type InitOutcome } from '../terraform/init-cache';
import type { DeployApplier, DeployPlanner, PlannedStack } from './deploy';
import type { PhaseTimer } from './phases';
import { mapLimit } from '../concurrency';
import { errors } from '../errors';

export const DEPLOY_PLAN_FILE = 'deploy.tfplan';
/** How often a running apply reports that it is still going. */
export const PROGRESS_SECONDS = 15;

export interface StackDir {
  readonly stack: string;
  /** The synthesized stack directory (cdk.tf.json with its backend). */
  readonly dir: string;
  readonly config: StackJson;
  /**
   * A persistent TF_DATA_DIR for this stack: init runs only when the backend or the
   * providers changed. @default `.terraform` in `dir` (initialized on every run)
   */
  readonly dataDir?: string;
}

const dataDirEnv = (dataDir: string | undefined) => (dataDir ? { TF_DATA_DIR: dataDir } : undefined);

/** `terraform init` with the real backend; the providers come through the shared plugin cache. */
export async function initStack(dir: string, options: { readonly dataDir?: string } = {}): Promise<void> {
  await terraform(['init', '-input=false', '-no-color', '-reconfigure'], { cwd: dir, env: dataDirEnv(options.dataDir) });
}

let initQueue: Promise<unknown> = Promise.resolve();

/** Runs `work` after every init already queued: one init at a time in this process (one plugin cache). */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = initQueue.then(work, work);
  initQueue = run.catch(() => undefined);
  return run;
}

/**
 * Makes a stack directory ready to plan: with a persistent data directory, init only
 * when it is not initialized for this backend and these providers; without one, init.
 */
export function prepareStack(s: StackDir, timer?: PhaseTimer): Promise<InitOutcome> {
  return oneAtATime(async () => {
    checkSharedConfigFiles(s.dir, s.config);
    const started = performance.now();
    const outcome = await initIfNeeded(s);
    timer?.add(`init ${s.stack}`, performance.now() - started, outcome.ran ? undefined : `no init: ${outcome.reason}`);
    return outcome;
  });
}

/**
 * Throws stackSharedConfigFileMissing when an aws provider of `config` names a shared config file
 * (relative to `dir`, where Terraform runs) that is not there: an emulated stack's
 * aws-emulator.config left behind when cdk.tf.json was copied elsewhere. Without this check the
 * only error is the provider's "failed to get shared config profile, fleetflags-emulator", at plan.
 */
export function checkSharedConfigFiles(dir: string, config: StackJson): void {
  for (const provider of ([] as StackJson[]).concat(config.provider?.aws ?? [])) {
    for (const file of ([] as unknown[]).concat(provider.shared_config_files ?? [])) {
      // (a home-relative or interpolated name is the provider's to resolve: not checked here)
      if (typeof file !== 'string' || file.startsWith('~') || file.includes('${')) continue;
      if (!existsSync(path.resolve(dir, file))) throw errors.stackSharedConfigFileMissing(dir, file);
    }
  }
}

async function initIfNeeded(s: StackDir): Promise<InitOutcome> {
  if (!s.dataDir) {
    await initStack(s.dir);
    return { ran: true, reason: 'no persistent data directory' };
  }
  const cliConfigFile = terraformRunEnv().TF_CLI_CONFIG_FILE;
  return ensureInitialized({
    workdir: s.dir,
    dataDir: s.dataDir,
    config: s.config,
    init: () => initStack(s.dir, { dataDir: s.dataDir }),
    terraformBinary: terraformBinaryIdentity(),
    cliConfig: cliConfigFile ? readFileSync(cliConfigFile, 'utf8') : undefined,
  });
}

export interface RealPlanOptions {
  /** Hold no state lock while planning (a read-only role cannot write the lock file). @default false */
  readonly noLock?: boolean;
  readonly planFile?: string;
  /** The TF_DATA_DIR the directory was initialized with. @default `.terraform` in the directory */
  readonly dataDir?: string;
  /** Times `plan <stack>` and `show <stack>`. @default not timed */
  readonly timer?: PhaseTimer;
  /** The stack's name, for the timer. @default the directory's name */
  readonly stack?: string;
}

/** `terraform plan -detailed-exitcode -out`, then `show -json`: 0 no changes, 2 changes (or drift). */
export async function planStack(dir: string, options: RealPlanOptions = {}): Promise<{ exitCode: number; plan: Record<string, unknown>; planFile: string }> {
  const planFile = options.planFile ?? DEPLOY_PLAN_FILE;
  const stack = options.stack ?? path.basename(dir);
  const timed = <T>(phase: string, work: () => Promise<T>) => (options.timer ? options.timer.time(phase, work) : work());
  const env = dataDirEnv(options.dataDir);
  rmSync(path.join(dir, planFile), { force: true });
  const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${planFile}`];
  if (options.noLock) args.push('-lock=false');
  const { exitCode } = await timed(`plan ${stack}`, () => terraform(args, { cwd: dir, okExitCodes: [0, 2], env }));
  const shown = await timed(`show ${stack}`, () => terraform(['show', '-json', '-no-color', planFile], { cwd: dir, env }));
  return { exitCode, plan: JSON.parse(shown.stdout) as Record<string, unknown>, planFile: path.join(dir, planFile) };
}

export interface TerraformPlannerOptions {
  readonly log?: (line: string) => void;
  /** Times each stack's init, plan and show. @default not timed */
  readonly timer?: PhaseTimer;
}

/** Plans every stack against its real state, concurrently; the plans in the order given (the apply order: data before fleet). */
export function terraformPlanner(stacks: readonly StackDir[], options: TerraformPlannerOptions = {}): DeployPlanner {
  const log = options.log ?? (() => undefined);
  const timer = options.timer;
  const planOne = async (s: StackDir): Promise<PlannedStack> => {
    const init = await prepareStack(s, timer);
    log(`plan ${s.stack}: ${init.ran ? `terraform init (real backend; ${init.reason})` : `no init (${init.reason})`}, plan against real state`);
    const { plan, planFile } = await planStack(s.dir, { dataDir: s.dataDir, timer, stack: s.stack });
    return { stack: s.stack, plan, planFile, workdir: s.dir, config: s.config, ...(s.dataDir ? { dataDir: s.dataDir } : {}) };
  };
  return {
    mode: 'terraform',
    plan: async () => {
      // Every plan runs to its end before a failure is reported: no Terraform is left running behind an error.
      const settled = await Promise.allSettled(stacks.map(planOne));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((r) => (r as PromiseFulfilledResult<PlannedStack>).value);
    },
  };
}

/** A planner whose plans are already running (startedPlanner). */
export interface StartedPlanner extends DeployPlanner {
  /**
   * Runs `work` while the plans run. When `work` throws, the plans are waited for
   * first (no Terraform left running behind an error), then its error is thrown.
   */
  meanwhile<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Starts `planner`'s plans now; `plan()` then returns those plans (the same promise,
 * however often it is asked). A deploy starts its plans as soon as the stacks are
 * synthesized and reads its history and git meanwhile: the plans are the long part,
 * and the guards need both.
 */
export function startedPlanner(planner: DeployPlanner): StartedPlanner {
  const planning = planner.plan();
  // Reported when plan() is awaited; until then a failure is no unhandled rejection.
  planning.catch(() => undefined);
  return {
    mode: planner.mode,
    plan: () => planning,
    meanwhile: async (work) => {
      try {
        return await work();
      } catch (e) {
        await planning.catch(() => undefined);
        throw e;
      }
    },
  };
}

/** Applies exactly the saved plan that the guards checked. */
export function terraformApplier(log: (line: string) => void = () => undefined): DeployApplier {
  return {
    apply: async (stack) => {
      if (!stack.planFile || !stack.workdir) throw new Error(`no saved plan for ${stack.stack}`);
      log(`apply ${stack.stack}: terraform apply ${path.basename(stack.planFile)} (the checked plan, no re-plan)`);
      const started = Date.now();
      // Some creates are slow by design (a new load balancer, an S3 lifecycle configuration): say it is still going.
      const ticker = setInterval(() => log(`  still applying ${stack.stack} (${Math.round((Date.now() - started) / 1000)} s)`), PROGRESS_SECONDS * 1000);
      const result = await terraform(['apply', '-input=false', '-no-color', path.basename(stack.planFile)], {
        cwd: stack.workdir,
        env: dataDirEnv(stack.dataDir),
      }).finally(() => clearInterval(ticker));
      for (const line of result.stdout.trim().split('\n').slice(-3)) log(`  ${line}`);
    },
  };
}

/** How many stacks `npm run drift` plans at once: each plan's provider processes are CPU-bound, and two fill a 2-core runner. */
export const DRIFT_PLAN_CONCURRENCY = 2;
export const DRIFT_PLAN_FILE = 'drift.tfplan';

export interface ReadOnlyPlan {
  readonly stack: string;
  /** `terraform plan -detailed-exitcode`: 0 nothing, 2 changes (or drift). */
  readonly exitCode: number;
  readonly plan: Record<string, unknown>;
  readonly planFile: string;
}

export interface ReadOnlyPlanOptions {
  /** Stacks planned at once. @default DRIFT_PLAN_CONCURRENCY */
  readonly concurrency?: number;
  /** Times each stack's init, plan and show. @default not timed */
  readonly timer?: PhaseTimer;
  readonly log?: (line: string) => void;
}

/**
 * Plans stacks against their real state without taking the state lock (a read-only
 * role cannot write it): each in its persistent data directory (init only when the
 * backend or the providers changed, one init at a time), `concurrency` stacks at
 * once, the results in the order given. Every plan runs to its end before a failure
 * is reported: no Terraform is left running behind an error.
 */
export async function planStacksReadOnly(stacks: readonly StackDir[], options: ReadOnlyPlanOptions = {}): Promise<ReadOnlyPlan[]> {
  const log = options.log ?? (() => undefined);
  const settled = await mapLimit(stacks, options.concurrency ?? DRIFT_PLAN_CONCURRENCY, async (s): Promise<PromiseSettledResult<ReadOnlyPlan>> => {
    try {
      const init = await prepareStack(s, options.timer);
      log(`drift ${s.stack}: ${init.ran ? `terraform init (real backend; ${init.reason})` : `no init (${init.reason})`}, plan -detailed-exitcode -lock=false`);
      const { exitCode, plan, planFile } = await planStack(s.dir, { noLock: true, planFile: DRIFT_PLAN_FILE, dataDir: s.dataDir, timer: options.timer, stack: s.stack });
      return { status: 'fulfilled', value: { stack: s.stack, exitCode, plan, planFile } };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  });
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<ReadOnlyPlan>).value);
}
