/** The fleets' flags: the main ingest fleet, the catch-up fleet and quarantine fleets, each with its own defaults. */
import * as z from 'zod';
import { arch, backfillMinutes, buildId, instanceType } from './values';

/**
 * The spot-to-on-demand ratio of one fleet. Each fleet has its own defaults, applied
 * field by field: a partial object ({"onDemandBaseCapacity": 1}) keeps the fleet's
 * own default for the other field, never another fleet's.
 */
const spotRatio = (defaults: { readonly onDemandBaseCapacity: number; readonly onDemandPercentageAboveBaseCapacity: number }) =>
  z.strictObject({
    onDemandBaseCapacity: z
      .number()
      .int()
      .min(0)
      .default(defaults.onDemandBaseCapacity)
      .describe(
        `Instances that are always on-demand, before any spot. Range 0 to the fleet's maxSize. Default ${defaults.onDemandBaseCapacity}.`,
      ),
    onDemandPercentageAboveBaseCapacity: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(defaults.onDemandPercentageAboveBaseCapacity)
      .describe(
        'Percentage of the capacity above the base that is on-demand; the rest is spot. ' +
          `Range 0-100 (0 = all spot, 100 = all on-demand). Default ${defaults.onDemandPercentageAboveBaseCapacity}.`,
      ),
  });

/** The main fleet: all on-demand unless the flag says otherwise. */
export const INGEST_SPOT_DEFAULTS = { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 } as const;
/** The catch-up fleet: all spot (it is ephemeral and can lose instances). */
export const CATCH_UP_SPOT_DEFAULTS = { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 } as const;

const autoscaling = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Autoscaling flag. true: a target-tracking policy scales the group between minSize and maxSize. ' +
          'false: the group holds a fixed size of desiredCapacity. Never replaces the group. Default false.',
      ),
    metric: z
      .enum(['cpu', 'requestsPerTarget'], { error: '"cpu" (average CPU %) or "requestsPerTarget" (ALB requests per target)' })
      .default('cpu')
      .describe('What the policy tracks: "cpu" (average CPU utilization, %) or "requestsPerTarget" (ALB requests per target per minute). Default "cpu".'),
    targetValue: z
      .number()
      .positive()
      .max(1_000_000)
      .default(60)
      .describe(
        'The value the policy holds the metric at: a CPU percentage (at most 100) or requests per target per minute. Default 60.',
      ),
  })
  .describe(
    'Autoscaling flag of the main fleet. On: a target-tracking policy between minSize and maxSize, and the policy owns ' +
      'the desired capacity. Off: a fixed size of desiredCapacity. Turning it on or off never replaces the group.',
  );

const capacity = {
  minSize: z.number().int().min(0).max(1000).describe('Fewest instances, 0-1000; at most desiredCapacity.'),
  maxSize: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .describe('Most instances, 0-1000; at least desiredCapacity and the on-demand base capacity.'),
  desiredCapacity: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .describe('Instances to run when autoscaling is off (and the starting size when on). Between minSize and maxSize.'),
};

export const ingest = z
  .strictObject({
    buildId: buildId.describe('Build of the ingest agent the main fleet runs. Pinning an older build is a one-line change.'),
    arch: arch.optional().describe('Architecture of the main fleet: "arm64" or "amd64". Default: the top-level "arch".'),
    instanceTypes: z
      .array(instanceType)
      .min(1)
      .max(20)
      .optional()
      .describe(
        'EC2 instance types for the main fleet, 1-20, all of the fleet\'s architecture. Several types keep spot ' +
          'capacity diverse. Default: a list derived from the architecture.',
      ),
    ...capacity,
    spot: spotRatio(INGEST_SPOT_DEFAULTS)
      .default({ ...INGEST_SPOT_DEFAULTS })
      .describe(
        'Spot-to-on-demand ratio flag: a mixed instances policy with the price-capacity-optimized spot strategy. ' +
          'Changing it updates the Auto Scaling group in place. Default: all on-demand (100%).',
      ),
    autoscaling: autoscaling.default({ enabled: false, metric: 'cpu', targetValue: 60 }),
  })
  .describe('The main ingest fleet: an Auto Scaling group behind the load balancer.');

export const catchUp = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Catch-up fleet flag: an extra, ephemeral Auto Scaling group that works off a backlog. Default false.'),
    expiresAt: z
      .iso.datetime({ offset: true, error: 'an ISO 8601 time with a zone, such as "2026-12-01T18:00:00Z"' })
      .optional()
      .describe(
        'When the catch-up fleet scales to zero (a scheduled action), as an ISO 8601 time with a zone. ' +
          'Required when enabled; must be in the future when deployed.',
      ),
    buildId: buildId.optional().describe('Build the catch-up fleet runs. Default: the main fleet\'s buildId.'),
    arch: arch.optional().describe('Architecture of the catch-up fleet. Default: the top-level "arch".'),
    instanceTypes: z
      .array(instanceType)
      .min(1)
      .max(20)
      .optional()
      .describe('Instance types, all of the catch-up fleet\'s architecture. Default: derived from the architecture.'),
    size: z.number().int().min(1).max(1000).default(4).describe('Instances in the catch-up fleet, 1-1000. Default 4.'),
    backfillMinutes: backfillMinutes('the catch-up fleet\'s agents'),
    spot: spotRatio(CATCH_UP_SPOT_DEFAULTS)
      .default({ ...CATCH_UP_SPOT_DEFAULTS })
      .describe('Spot-to-on-demand ratio of the catch-up fleet (price-capacity-optimized spot). Default: all spot (0% on-demand).'),
  })
  .describe(
    'Catch-up fleet flag: an ephemeral, spot-first Auto Scaling group that works off a backlog of log objects. It shares ' +
      'the lock table with the main fleet (no object is processed twice) and has its own size, backfill window, build and ' +
      'arch. A scheduled action scales it to zero at expiresAt; remove it with "enabled": false afterwards.',
  );

export const quarantine = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$/, {
      error: '1-20 characters: lowercase letters, digits and "-", not starting or ending with "-"',
    })
    .describe('Name of the quarantine, usually the customer. 1-20 characters; names its resources.'),
  pathPatterns: z
    .array(z.string())
    .min(1)
    .max(5)
    .describe(
      'URL path patterns routed to this fleet (load-balancer path-pattern conditions): 1-5 values. Each has up to 128 ' +
        'characters from A-Z a-z 0-9 and _ - . $ / ~ " \' @ : + &, the wildcards * and ?, and starts with "/" or a ' +
        'wildcard; each once. No two quarantines may match the same path, and none may match every path ("/*").',
    ),
  instanceCount: z.number().int().min(0).max(20).default(1).describe('Instances in the quarantine fleet, 0-20. Default 1.'),
  buildId: buildId.optional().describe('Build the quarantine fleet runs, e.g. a debug build. Default: the main fleet\'s buildId.'),
  arch: arch.optional().describe('Architecture of the quarantine fleet. Default: the top-level "arch".'),
  instanceType: instanceType
    .optional()
    .describe('One instance type for the quarantine fleet, of its architecture. Default: the first type derived from the architecture.'),
  priority: z
    .number()
    .int()
    .min(1)
    .max(50000)
    .optional()
    .describe(
      'Listener-rule priority, 1-50000, unique per environment. Default: derived from the name, so adding or ' +
        'removing another quarantine never renumbers this one.',
    ),
}).describe(
  'One quarantine fleet: its own Auto Scaling group, target group and listener rule, named "ff-<environment>-q-<name>" ' +
    '(at most 32 characters). Its resources are keyed by name, so removing an entry destroys only its own.',
);
