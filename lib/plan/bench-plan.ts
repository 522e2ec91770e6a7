/**
 * The plan figure of `npm run bench`: the wall time of `npm run plan` (in-process,
 * speculative, every stack of every environment, no baseline cache) next to the wall
 * time of bare `terraform plan`s of the same stacks (offline, against no state) run
 * at the SAME concurrency, and their ratio. (It used to compare the parallel run with
 * a sequential sum of bare plans, which flattered the ratio by up to the concurrency.)
 * What the ratio pays for: synthesis of head and base, the baseline fixpoint (2
 * rounds, each one `plan` + one `show -json` per provider configuration, which is one
 * per stack: baselines.ts buildBaselines) and one `plan` + `show` per provider
 * configuration of the heads that changed (speculativePlans).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROVIDER_POOL_ENV } from '../terraform/provider-eligibility';
import { writeOfflineWorkdir } from '../terraform/offline-workdir';
import { terraform } from '../terraform/runner';
import { mapLimit, runPlans } from './plan-run';
import { synthesizeHead } from './ref-synthesis';

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
  /** Wall time of bare `terraform plan`s of the same stacks, `concurrency` at a time. */
  readonly bareTerraformPlanMs: number;
  readonly concurrency: number;
  /** planWallMs / bareTerraformPlanMs */
  readonly ratio: number;
  readonly stacks: number;
}

export async function benchPlan(options: BenchPlanOptions = {}): Promise<BenchPlanResult> {
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-bench-plan-'));
  const concurrency = options.concurrency ?? 2;
  try {
    const started = performance.now();
    const manifest = await runPlans({
      repoDir,
      outDir: path.join(tmp, 'plan'),
      mode: 'speculative',
      concurrency,
      baselineCache: options.cache ? undefined : false,
    });
    const planWallMs = performance.now() - started;

    const { stacks } = synthesizeHead(repoDir);
    const bare = manifest.stacks.filter((s) => stacks.has(s.stack));
    for (const s of bare) await writeOfflineWorkdir(path.join(tmp, 'bare', s.stack), stacks.get(s.stack)!);
    const t = performance.now();
    await mapLimit(bare, concurrency, async (s) => {
      const dir = path.join(tmp, 'bare', s.stack);
      await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', `-state=${path.join(dir, 'none.tfstate')}`], {
        cwd: dir,
        // Bare: Terraform launching its own providers, as without fleetflags (no provider pool).
        env: { [PROVIDER_POOL_ENV]: '0' },
      });
    });
    const bareTerraformPlanMs = performance.now() - t;
    return {
      planWallMs: Math.round(planWallMs),
      bareTerraformPlanMs: Math.round(bareTerraformPlanMs),
      concurrency,
      ratio: Math.round((planWallMs / Math.max(1, bareTerraformPlanMs)) * 100) / 100,
      stacks: manifest.stacks.length,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
