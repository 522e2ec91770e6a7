/**
 * The speculative plan of a rollback's revert (lib/deploy/rollback.ts, step 4): base = the
 * configuration before the revert, head = after it, each synthesized by its own commit's code.
 * A stack whose configuration did not change gets the plan of no changes without running
 * Terraform; the baselines of the changed stacks are folded together (lib/plan/baselines.ts).
 * Each plan is written to `<outDir>/<stack>.plan.json`, for the PR body and the record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Baseline, buildBaselines, canonical } from '../plan/baselines';
import { stackPlan, type StackPlan } from '../plan/plan-model';
import { parseTerraformPlan } from '../plan/plan-json';
import { speculativePlan, type StackJson } from '../plan/speculative';
import { unchangedPlan } from './deployed-store';
import { formatCounts, planCounts, type SimplePlanCounts } from './plan-counts';

export interface RollbackStackPlan {
  readonly stack: string;
  readonly counts: SimplePlanCounts;
  /** The configuration did not change: no plan was run. */
  readonly unchanged: boolean;
  readonly planJson: string;
}

export interface RevertPlanInput {
  /** The environment's stacks before the revert. */
  readonly baseStacks: ReadonlyMap<string, StackJson>;
  /** The environment's stacks after it. */
  readonly headStacks: ReadonlyMap<string, StackJson>;
  /** Where the plans are written. */
  readonly outDir: string;
  /** Terraform's work directories (one per stack, and `_baselines`). */
  readonly workdir: string;
  /** Baseline cache for the speculative plans. @default none */
  readonly cacheDir?: string;
  readonly log?: (line: string) => void;
}

/** Plans every stack of either side; returns the counts per stack and the plan views the PR body renders. */
export async function planRevert(input: RevertPlanInput): Promise<{ plans: RollbackStackPlan[]; views: StackPlan[] }> {
  const { baseStacks, headStacks, outDir, workdir, cacheDir } = input;
  const log = input.log ?? (() => undefined);
  mkdirSync(outDir, { recursive: true });
  const plans: RollbackStackPlan[] = [];
  const views: StackPlan[] = [];
  const stacks = [...new Set([...baseStacks.keys(), ...headStacks.keys()])].sort();
  // The baselines of every changed stack, folded together (baselines.ts buildBaselines).
  const changed = stacks.filter((s) => baseStacks.has(s) && headStacks.has(s) && canonical(baseStacks.get(s)) !== canonical(headStacks.get(s)));
  const baselines =
    changed.length > 0
      ? await buildBaselines(new Map(changed.map((s) => [s, baseStacks.get(s)!])), { workdir: path.join(workdir, '_baselines'), cacheDir })
      : new Map<string, Baseline>();
  for (const stack of stacks) {
    const base = baseStacks.get(stack);
    const head = headStacks.get(stack);
    const unchanged = base !== undefined && head !== undefined && canonical(base) === canonical(head);
    let plan: Record<string, unknown>;
    if (unchanged) plan = unchangedPlan(stack);
    else if (!head) plan = { format_version: '1.2', resource_changes: [], fleetflags: { speculative: true, removedStack: true } };
    else plan = await speculativePlan({ base, head, workdir: path.join(workdir, stack), stackName: stack, cacheDir, baseline: baselines.get(stack) });
    const planJson = path.join(outDir, `${stack}.plan.json`);
    writeFileSync(planJson, JSON.stringify(plan));
    const counts = planCounts(plan as Parameters<typeof planCounts>[0]);
    plans.push({ stack, counts, unchanged, planJson });
    views.push(stackPlan(parseTerraformPlan(plan, planJson), stack, { source: planJson }));
    log(`plan of the revert, ${stack}: ${unchanged ? 'unchanged' : formatCounts(counts)}`);
  }
  return { plans, views };
}
