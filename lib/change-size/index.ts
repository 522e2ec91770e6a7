/**
 * The change-size pack: every change-size rule, run on one environment's flags diff
 * and plans. One file per rule; this table is the whole list.
 */
import { FlagsSchema, type Flags } from '../flags/schema';
import { CapacityMoveWithinLimit } from './capacity-move-within-limit';
import { FleetsReplacedOrCreatedWithinLimit } from './fleets-replaced-or-created-within-limit';
import { InstanceRefreshBatchWithinLimit } from './instance-refresh-batch-within-limit';
import { OnDemandShareMoveWithinLimit } from './on-demand-share-move-within-limit';
import type { ChangeSizeInput, ChangeSizeRule, ChangeSizeVerdict } from './rule';

export * from './rule';
export { capacityMoves, moveAllowed, type CapacityMove } from './capacity-move-within-limit';
export { refreshMinHealthyPercentage, startsInstanceRefresh } from './instance-refresh-batch-within-limit';

export const CHANGE_SIZE_RULES: readonly ChangeSizeRule[] = [
  CapacityMoveWithinLimit,
  OnDemandShareMoveWithinLimit,
  FleetsReplacedOrCreatedWithinLimit,
  InstanceRefreshBatchWithinLimit,
];

/** One environment's verdicts. */
export interface ChangeSizeReport {
  readonly environment: string;
  readonly flagsFile: string;
  readonly verdicts: readonly ChangeSizeVerdict[];
  /** The rules that need an `Allow-Change-Size` trailer. */
  readonly needsOverride: readonly string[];
}

export function evaluateChangeSize(input: ChangeSizeInput, rules: readonly ChangeSizeRule[] = CHANGE_SIZE_RULES): ChangeSizeReport {
  const verdicts = rules.map((r) => r.check(input));
  return {
    environment: input.environment,
    flagsFile: input.flagsFile,
    verdicts,
    needsOverride: verdicts.filter((v) => v.status === 'non-compliant').map((v) => v.rule),
  };
}

/**
 * The deployed (base) flags file, validated with today's schema so defaults apply;
 * undefined when absent or when it no longer parses (the rules comparing with it
 * then say "not applicable" rather than guess).
 */
export function parseBaseFlags(raw: unknown): Flags | undefined {
  if (raw === undefined || typeof raw !== 'object' || raw === null) return undefined;
  const parsed = FlagsSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
