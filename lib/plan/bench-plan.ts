/**
 * The plan figure of `npm run bench`: the wall time of `npm run plan` (in-process,
 * speculative, every stack of every environment, no baseline cache) next to the sum
 * of bare `terraform plan` times of the same stacks (offline, against no state, one
 * after another), and their ratio. What the ratio pays for: synthesis of head and
 * base, the baseline fixpoint (2-4 plans per stack) and `show -json`, minus what
 * the bounded parallelism wins back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { terraform, writeOfflineWorkdir } from '../terraform/runner';
import { runPlans, synthesizeHead } from './plan-run';

export interface BenchPlanOptions {
  /** The project. @default process.cwd() */
  readonly repoDir?: string;
  /** @default 2 */
  readonly concurrency?: number;
  /** Reuse cached baselines (a warm run). @default false */
  readonly cache?: boolean;
}

export interface BenchPlanResult {
  readonly planWallMs: number;
  readonly bareTerraformPlanMs: number;
  /** planWallMs / bareTerraformPlanMs */
  readonly ratio: number;
  readonly stacks: number;
}

export async function benchPlan(options: BenchPlanOptions = {}): Promise<BenchPlanResult> {
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-bench-plan-'));
  try {
    const started = performance.now();
    const manifest = await runPlans({
      repoDir,
      outDir: path.join(tmp, 'plan'),
      mode: 'speculative',
      concurrency: options.concurrency ?? 2,
      baselineCache: options.cache ? undefined : false,
    });
    const planWallMs = performance.now() - started;

    const { stacks } = synthesizeHead(repoDir);
    let bareTerraformPlanMs = 0;
    for (const s of manifest.stacks) {
      const json = stacks.get(s.stack);
      if (!json) continue;
      const dir = path.join(tmp, 'bare', s.stack);
      await writeOfflineWorkdir(dir, json);
      const t = performance.now();
      await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', `-state=${path.join(dir, 'none.tfstate')}`], {
        cwd: dir,
      });
      bareTerraformPlanMs += performance.now() - t;
    }
    return {
      planWallMs: Math.round(planWallMs),
      bareTerraformPlanMs: Math.round(bareTerraformPlanMs),
      ratio: Math.round((planWallMs / Math.max(1, bareTerraformPlanMs)) * 100) / 100,
      stacks: manifest.stacks.length,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
