/**
 * Terraform against real state, for deploys and drift detection: each synthesized
 * stack directory is initialized with its real backend (S3 state with locking),
 * planned into a saved plan file, and — for a deploy — that exact file is applied.
 * No re-plan happens between the check and the apply: `terraform apply <planfile>`
 * refuses a plan whose state has moved on ("Saved plan is stale").
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { StackJson } from '../terraform/runner';
import { terraform } from '../terraform/runner';
import type { DeployApplier, DeployPlanner, PlannedStack } from './deploy';

export const DEPLOY_PLAN_FILE = 'deploy.tfplan';
/** How often a running apply reports that it is still going. */
export const PROGRESS_SECONDS = 15;

export interface StackDir {
  readonly stack: string;
  /** The synthesized stack directory (cdk.tf.json with its backend). */
  readonly dir: string;
  readonly config: StackJson;
}

/** `terraform init` with the real backend; the providers come through the shared plugin cache. */
export async function initStack(dir: string): Promise<void> {
  await terraform(['init', '-input=false', '-no-color', '-reconfigure'], { cwd: dir });
}

export interface RealPlanOptions {
  /** Hold no state lock while planning (a read-only role cannot write the lock file). @default false */
  readonly noLock?: boolean;
  readonly planFile?: string;
}

/** `terraform plan -detailed-exitcode -out`, then `show -json`: 0 no changes, 2 changes (or drift). */
export async function planStack(dir: string, options: RealPlanOptions = {}): Promise<{ exitCode: number; plan: Record<string, unknown>; planFile: string }> {
  const planFile = options.planFile ?? DEPLOY_PLAN_FILE;
  rmSync(path.join(dir, planFile), { force: true });
  const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${planFile}`];
  if (options.noLock) args.push('-lock=false');
  const { exitCode } = await terraform(args, { cwd: dir, okExitCodes: [0, 2] });
  const shown = await terraform(['show', '-json', '-no-color', planFile], { cwd: dir });
  return { exitCode, plan: JSON.parse(shown.stdout) as Record<string, unknown>, planFile: path.join(dir, planFile) };
}

/** Plans each stack against its real state (data before fleet: the order given). */
export function terraformPlanner(stacks: readonly StackDir[], log: (line: string) => void = () => undefined): DeployPlanner {
  return {
    mode: 'terraform',
    plan: async () => {
      const planned: PlannedStack[] = [];
      for (const s of stacks) {
        log(`plan ${s.stack}: terraform init (real backend) and plan against real state`);
        await initStack(s.dir);
        const { plan, planFile } = await planStack(s.dir);
        planned.push({ stack: s.stack, plan, planFile, workdir: s.dir, config: s.config });
      }
      return planned;
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
      const result = await terraform(['apply', '-input=false', '-no-color', path.basename(stack.planFile)], { cwd: stack.workdir }).finally(() =>
        clearInterval(ticker),
      );
      for (const line of result.stdout.trim().split('\n').slice(-3)) log(`  ${line}`);
    },
  };
}
