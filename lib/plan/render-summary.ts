/**
 * The plan comment's other forms: the notice that replaces it when the plan run
 * failed, and the JSON summary (`--format json`) scripts and guards read.
 */
import type { StackCost } from '../cost/estimate';
import { addCounts, compare, emptyCounts, isDestructive, type PlanCounts, type StackPlan } from './plan-model';
import { fleetEffects, type FleetEffect } from './operational-effects';
import { formatPath } from './render-attributes';
import { COMMENT_MARKER, type RenderOptions } from './render-context';

/**
 * The comment when the plan itself failed: it replaces the last plan, so nobody
 * reviews a plan of an older commit as if it were this one.
 */
export function renderFailure(options: { commit?: string; runUrl?: string }): string {
  const commit = options.commit ? ` of commit \`${options.commit.slice(0, 12)}\`` : '';
  const run = options.runUrl ? `[the workflow run](${options.runUrl})` : 'the workflow run';
  return [
    COMMENT_MARKER,
    '## Terraform plan',
    '',
    '> [!CAUTION]',
    `> ❌ **The plan${commit} failed**, so this PR has no current plan. See ${run} for the error.`,
    '> The plan shown here before was of an older commit and has been removed.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// JSON summary (--format json)
// ---------------------------------------------------------------------------

export interface DestructiveChange {
  readonly stack: string;
  readonly environment: string;
  readonly address: string;
  readonly action: 'delete' | 'replace';
  readonly actions: readonly string[];
  readonly stateful: boolean;
  readonly reason?: string;
  readonly replacePaths: readonly string[];
  /** Its prevent_destroy blocks the apply (speculative plans lift it to show the change). */
  readonly preventDestroy: boolean;
}

export interface PlanSummary {
  readonly format: 'fleetflags.plan-summary/1';
  readonly speculative: boolean;
  readonly totals: PlanCounts;
  readonly stacks: readonly { readonly stack: string; readonly environment: string; readonly errored: boolean; readonly partial: boolean; readonly counts: PlanCounts }[];
  /** Every delete and replacement, stateful first, then by stack and address. */
  readonly destructive: readonly DestructiveChange[];
  readonly flagsChanged: number;
  /** What happens to the fleet: rolling replacements, capacity, spot ratio, fleets added and removed. */
  readonly fleetEffects: readonly FleetEffect[];
  /** Each section's JSON by its id (e.g. `changeSize`), when sections were rendered. */
  readonly sections?: Readonly<Record<string, unknown>>;
  /** Estimated monthly cost per fleet stack (lib/cost/estimate.ts), when estimated. */
  readonly costs?: readonly StackCost[];
}

export function summarize(stacks: readonly StackPlan[], options: RenderOptions = {}): PlanSummary {
  const ordered = sortStacks(stacks);
  const destructive: DestructiveChange[] = ordered.flatMap((s) =>
    s.changes
      .filter((r) => isDestructive(r.kind))
      .map((r) => ({
        stack: s.stack,
        environment: s.environment,
        address: r.deposed ? `${r.address} (deposed ${r.deposed})` : r.address,
        action: r.kind as 'delete' | 'replace',
        actions: r.actions,
        stateful: r.stateful,
        ...(r.actionReason ? { reason: r.actionReason } : {}),
        replacePaths: r.replacePaths.map(formatPath),
        preventDestroy: r.preventDestroy,
      })),
  );
  destructive.sort((a, b) => Number(b.stateful) - Number(a.stateful));
  return {
    format: 'fleetflags.plan-summary/1',
    speculative: options.speculative === true || ordered.some((s) => s.speculative),
    totals: ordered.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts()),
    stacks: ordered.map((s) => ({ stack: s.stack, environment: s.environment, errored: s.errored, partial: s.partial, counts: s.counts })),
    destructive,
    flagsChanged: (options.flagChanges ?? []).length,
    fleetEffects: fleetEffects(ordered),
    ...(options.sections?.length ? { sections: Object.fromEntries(options.sections.map((s) => [s.id, s.json()])) } : {}),
    ...(options.costs ? { costs: options.costs } : {}),
  };
}

export function renderJson(stacks: readonly StackPlan[], options: RenderOptions = {}): string {
  return `${JSON.stringify(summarize(stacks, options), null, 2)}\n`;
}

export function sortStacks(stacks: readonly StackPlan[]): StackPlan[] {
  return [...stacks].sort((a, b) => compare(a.environment, b.environment) || compare(a.stack, b.stack));
}
