/** How large a change may deploy without an override (lib/change-size/). */
import * as z from 'zod';

/** Defaults of `changeLimits`: routine changes pass, a fat-fingered 2 → 200 does not. */
export const DEFAULT_CHANGE_LIMITS = {
  capacityMovePercent: 100,
  capacityMoveAbsolute: 10,
  onDemandPercentagePoints: 50,
  fleetsReplacedOrCreated: 2,
  refreshBatchPercent: 50,
} as const;

export const changeLimits = z
  .strictObject({
    capacityMovePercent: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(DEFAULT_CHANGE_LIMITS.capacityMovePercent)
      .describe(
        'How far a fleet\'s desiredCapacity, minSize, maxSize (and catch-up size, quarantine instanceCount) may move in one deploy, ' +
          'in per cent of its value before. A move passes when it is within this OR within capacityMoveAbsolute. 1-10000. ' +
          `Default ${DEFAULT_CHANGE_LIMITS.capacityMovePercent} (doubling or halving passes).`,
      ),
    capacityMoveAbsolute: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(DEFAULT_CHANGE_LIMITS.capacityMoveAbsolute)
      .describe(
        'How many instances a fleet\'s capacity may move in one deploy whatever the percentage (small fleets: 2 → 6 is +200% but only 4 instances). ' +
          `0-1000. Default ${DEFAULT_CHANGE_LIMITS.capacityMoveAbsolute}. A 2 → 200 (+198, +9900%) exceeds both defaults.`,
      ),
    onDemandPercentagePoints: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(DEFAULT_CHANGE_LIMITS.onDemandPercentagePoints)
      .describe(
        'How many percentage points onDemandPercentageAboveBaseCapacity (main and catch-up fleet) may move in one deploy. 0-100. ' +
          `Default ${DEFAULT_CHANGE_LIMITS.onDemandPercentagePoints} (100 → 50 passes, 100 → 0 needs two steps or an override).`,
      ),
    fleetsReplacedOrCreated: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(DEFAULT_CHANGE_LIMITS.fleetsReplacedOrCreated)
      .describe(
        'How many Auto Scaling groups one deploy may create or replace (a catch-up fleet, a quarantine, an arch switch). 0-50. ' +
          `Default ${DEFAULT_CHANGE_LIMITS.fleetsReplacedOrCreated}.`,
      ),
    refreshBatchPercent: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(DEFAULT_CHANGE_LIMITS.refreshBatchPercent)
      .describe(
        'How much of a fleet an instance refresh may take out of service at once: 100 minus its minimum healthy percentage. ' +
          `0-100. Default ${DEFAULT_CHANGE_LIMITS.refreshBatchPercent} (a refresh must keep at least half the fleet healthy).`,
      ),
  })
  .describe(
    'Change-size limits of the change-size deploy guard and the PR comment (lib/change-size/). A deploy that exceeds one is refused ' +
      'unless a commit carries the trailer "Allow-Change-Size: <rule>". Default: every limit at its default.',
  );
