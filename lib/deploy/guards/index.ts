/**
 * The guard pack: every guard a deploy runs before it applies anything. One file
 * per guard; this table is the whole list.
 */
import { artifactsPublished, type ArtifactsPublishedOptions } from './artifacts-published';
import { catchUpNotExpired } from './catch-up-not-expired';
import { changeSizeWithinLimits, type ChangeSizeWithinLimitsOptions } from './change-size';
import { deployNotFrozen, type DeployNotFrozenOptions } from './deploy-not-frozen';
import { errorBudget, type ErrorBudgetOptions } from './error-budget';
import { deploysForwardOnly, type DeploysForwardOnlyOptions } from './deploys-forward-only';
import type { Guard, GuardContext, GuardResult } from './guard';
import { statefulChangesAllowed, type StatefulChangesAllowedOptions } from './stateful-changes-allowed';

export * from './guard';
export { artifactsPublished, pinnedBuilds, parseChecksum, type ArtifactsPublishedOptions, type PinnedBuild } from './artifacts-published';
export { catchUpNotExpired } from './catch-up-not-expired';
export { changeSizeWithinLimits, formatChangeSizeVerdicts, type ChangeSizeWithinLimitsOptions } from './change-size';
export { ERROR_BUDGET_OVERRIDE_TRAILER, budgetUnreachablePolicy, errorBudget, type ErrorBudgetOptions } from './error-budget';
export { deploysForwardOnly, isAncestor, type DeploysForwardOnlyOptions } from './deploys-forward-only';
export { DEPLOY_FREEZE_FLAG, deployNotFrozen, unreachablePolicy, type DeployNotFrozenOptions, type UnreachablePolicy } from './deploy-not-frozen';
export {
  STATEFUL_OVERRIDE_TRAILER,
  destructiveStatefulChanges,
  gitTrailerOverrides,
  parseTrailerLog,
  statefulChangesAllowed,
  type StatefulChangesAllowedOptions,
  type StatefulOverride,
} from './stateful-changes-allowed';

/** The services the guards use; each defaults to the real one. */
export interface GuardOptions {
  readonly freeze?: DeployNotFrozenOptions;
  readonly artifacts?: ArtifactsPublishedOptions;
  readonly stateful?: StatefulChangesAllowedOptions;
  readonly errorBudget?: ErrorBudgetOptions;
  readonly changeSize?: ChangeSizeWithinLimitsOptions;
  readonly forward?: DeploysForwardOnlyOptions;
}

/** Every guard, in the order they run (cheapest and most urgent first). */
export function allGuards(options: GuardOptions = {}): Guard[] {
  return [
    deploysForwardOnly(options.forward),
    deployNotFrozen(options.freeze),
    statefulChangesAllowed(options.stateful),
    catchUpNotExpired(),
    artifactsPublished(options.artifacts),
    errorBudget(options.errorBudget),
    changeSizeWithinLimits(options.changeSize),
  ];
}

export interface GuardsReport {
  readonly results: readonly GuardResult[];
  /** True when any guard blocked: nothing may be applied. */
  readonly blocked: boolean;
}

/**
 * Runs every guard, all of them even after a block, so one run shows every reason.
 * A guard that throws blocks, with the error as its message (a guard that cannot
 * check must not let the deploy through).
 */
export async function runGuards(guards: readonly Guard[], context: GuardContext): Promise<GuardsReport> {
  const results = await Promise.all(
    guards.map((g) =>
      g.run(context).catch((e: unknown): GuardResult => ({
        guard: g.id,
        outcome: 'block',
        message: `the guard failed, so it cannot vouch for the deploy: ${e instanceof Error ? e.message : String(e)}`,
      })),
    ),
  );
  return { results, blocked: results.some((r) => r.outcome === 'block') };
}

/** One line per guard, for logs and the PR/deploy summary: "block DeployNotFrozen: ...". */
export function formatGuardResults(results: readonly GuardResult[]): string {
  return results.map((r) => `${r.outcome.padEnd(5)} ${r.guard}: ${r.message.replace(/\n/g, '\n      ')}`).join('\n');
}

/** The overrides guards let through (`details.overrides`): trailer, value, commit. For the record and the marker. */
export function guardOverrides(results: readonly GuardResult[]): { readonly guard: string; readonly trailer: string; readonly value: string; readonly commit: string }[] {
  return results.flatMap((r) => {
    const list = r.details?.overrides;
    if (!Array.isArray(list)) return [];
    return list
      .filter((o): o is { trailer: string; value: string; commit: string } => typeof o?.trailer === 'string' && typeof o?.value === 'string')
      .map((o) => ({ guard: r.guard, trailer: o.trailer, value: o.value, commit: String(o.commit ?? '') }));
  });
}
