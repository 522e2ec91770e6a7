/**
 * The render figure of `npm run bench`: how long the PR comment of a real plan of
 * 5,000 changes (test/fixtures/plans/terraform-data/many.json.gz: 2,000 updates,
 * 2,000 creates, 1,000 replacements) takes to render, and its size. Reading and
 * parsing the plan is timed apart from building the view and rendering it.
 */
import path from 'node:path';
import { stackPlan } from './plan-model';
import { readPlanFile } from './plan-json';
import { renderMarkdown } from './render';

export const RENDER_BENCH_PLAN = path.join('test', 'fixtures', 'plans', 'terraform-data', 'many.json.gz');

export interface BenchRenderResult {
  readonly changes: number;
  /** Median of `runs`: read, gunzip, JSON.parse and validate. */
  readonly readMs: number;
  /** Median of `runs`: the view (stackPlan) and renderMarkdown. */
  readonly renderMs: number;
  readonly maxRenderMs: number;
  readonly chars: number;
  readonly runs: number;
}

export function benchRender(options: { file?: string; runs?: number } = {}): BenchRenderResult {
  const file = options.file ?? RENDER_BENCH_PLAN;
  const runs = Math.max(1, options.runs ?? 5);
  const reads: number[] = [];
  const renders: number[] = [];
  let chars = 0;
  let changes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const plan = readPlanFile(file);
    const t1 = performance.now();
    const view = stackPlan(plan, 'bench-fleet');
    const md = renderMarkdown([view]);
    const t2 = performance.now();
    reads.push(t1 - t0);
    renders.push(t2 - t1);
    chars = md.length;
    changes = view.changes.filter((c) => c.kind !== 'no-op').length;
  }
  return { changes, readMs: median(reads), renderMs: median(renders), maxRenderMs: Math.round(Math.max(...renders)), chars, runs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
}
