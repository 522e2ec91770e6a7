/**
 * The flags schema: the single source of truth for `flags/<environment>.json`.
 * It gives the TypeScript types (`Flags`), the runtime validation (`FlagsSchema`),
 * and the committed JSON Schema `flags/schema.json` (`npm run gen-schema`).
 *
 * Every field says what it does, its unit, its range and its default. Rules that
 * need more than one field (an expiry in the past, overlapping quarantine paths,
 * duplicate bucket names across environments) live in `rules/`, one file each.
 */
// A namespace import, as zod recommends: esbuild then tree-shakes what we do not use
// (the synth bundle drops from 856 KB to 297 KB; see README, Benchmark).
import * as z from 'zod';
import {
  DEFAULT_BACKFILL_MINUTES,
  LOCK_TABLE_TTL_DAYS,
  MAX_BACKFILL_MINUTES,
} from '../contract/lock-table';

export const ARCHITECTURES = ['arm64', 'amd64'] as const;
export type Arch = (typeof ARCHITECTURES)[number];

const arch = z.enum(ARCHITECTURES, { error: '"arm64" (Graviton) or "amd64" (x86-64)' });

const buildId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    error: 'a build ID of 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit',
  });

const instanceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: 'an EC2 instance type such as "c7g.xlarge"' });

const backfillMinutes = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_BACKFILL_MINUTES)
    .default(DEFAULT_BACKFILL_MINUTES)
    .describe(
      `How far back ${what} look for S3 log objects, in minutes. Range 1-${MAX_BACKFILL_MINUTES} ` +
        `(${LOCK_TABLE_TTL_DAYS} days, the lock table's TTL: a longer look-back could re-process ` +
        `objects whose claims have expired). Default ${DEFAULT_BACKFILL_MINUTES} (1 hour).`,
    );

/** The characters AWS allows in a tag value: letters, digits and spaces of any script, and _ . : / = + - @. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+@-]*$/u;
const TAG_VALUE_CHARACTER = /^[\p{L}\p{Z}\p{N}_.:/=+@-]$/u;

/** What is allowed, and the first character that is not (invisible ones too: by code point). */
function tagValueMessage(value: string): string {
  const bad = [...value].find((c) => !TAG_VALUE_CHARACTER.test(c)) ?? '';
  const code = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `letters, digits and spaces (any script) and _ . : / = + - @ only; ${JSON.stringify(bad)} (${code}) is not one`;
}

const bucketNameOverride = (what: string) =>
  z
    .string()
    .optional()
    .describe(
      `Name of the ${what} bucket, overriding "<naming.prefix>-${what}". Must follow S3's bucket ` +
        'naming rules (3-63 characters: lowercase letters, digits, "-" and "."; globally unique). ' +
        'Default: derived from naming.prefix. Changing it replaces the bucket, which is refused.',
    );

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

const ingest = z
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

const catchUp = z
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

const quarantine = z.strictObject({
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

const network = z
  .strictObject({
    vpcId: z
      .string()
      .regex(/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'a VPC ID: "vpc-" and 8 or 17 hex digits' })
      .describe('VPC of the load balancer and the fleets.'),
    subnetIds: z
      .array(z.string().regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'a subnet ID: "subnet-" and 8 or 17 hex digits' }))
      .min(2)
      .max(16)
      .describe('Subnets of the load balancer and the fleets, in at least two Availability Zones: 2-16 IDs, each once.'),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, {
        error: 'an ACM certificate ARN, "arn:aws:acm:<region>:<account>:certificate/<uuid>"',
      })
      .optional()
      .describe('ACM certificate for an HTTPS listener, in the environment\'s own region and account. Default: none, and the listener is plain HTTP.'),
    ingressCidrs: z
      .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, { error: 'an IPv4 CIDR such as "10.0.0.0/8"' }))
      .min(1)
      .max(50)
      .default(['0.0.0.0/0'])
      .describe('IPv4 ranges allowed to reach the load balancer: network addresses (no bits set after the prefix, prefix 0-32), each once. Default ["0.0.0.0/0"].'),
    agentPort: z.number().int().min(1024).max(65535).default(8080).describe('Port the agent listens on, 1024-65535. Default 8080.'),
    healthCheckPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\/-]{0,1023}$/, { error: 'a URL path starting with "/"' })
      .default('/healthz')
      .describe('Path the target groups probe; the agent answers 200 when it is ready. Default "/healthz".'),
  })
  .describe('Where the fleet runs. The sandbox names the emulator\'s default VPC and subnets (the same IDs on every start).');

/** Defaults of `changeLimits`: routine changes pass, a fat-fingered 2 → 200 does not. */
export const DEFAULT_CHANGE_LIMITS = {
  capacityMovePercent: 100,
  capacityMoveAbsolute: 10,
  onDemandPercentagePoints: 50,
  fleetsReplacedOrCreated: 2,
  refreshBatchPercent: 50,
} as const;

const changeLimits = z
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

const slo = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: '1-40 characters: lowercase letters, digits and "-", starting with a letter or digit' })
      .describe('Name of the SLO in messages, e.g. "ingest-availability".'),
    dataset: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/, { error: 'a Honeycomb dataset slug: letters, digits, ".", "_" and "-"' })
      .describe('Honeycomb dataset slug the SLO is defined in.'),
    sloId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'a Honeycomb SLO ID: 1-64 letters, digits, "_" and "-"' })
      .describe('Honeycomb SLO ID (GET /1/slos/{dataset}/{sloId}).'),
    minBudgetRemainingPercent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Threshold of this SLO, overriding slos.minBudgetRemainingPercent. 0-100.'),
  })
  .describe('One Honeycomb SLO the error-budget guard reads.');

const slos = z
  .strictObject({
    minBudgetRemainingPercent: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe(
        'Feature changes are refused while any SLO has less than this per cent of its error budget left (budget_remaining). ' +
          'Rollbacks, reverts and risk-reducing changes pass. 0-100. Default 10.',
      ),
    whenApiUnreachable: z
      .enum(['refuse', 'proceed'], { error: '"refuse" (fail closed) or "proceed"' })
      .default('refuse')
      .describe(
        'What the error-budget guard does when Honeycomb cannot be asked (no HONEYCOMB_API_KEY, network error, non-2xx): ' +
          '"refuse" (fail closed) or "proceed". Default "refuse"; production always refuses.',
      ),
    objectives: z.array(slo).min(1).max(10).describe('The SLOs of this environment, 1-10.'),
  })
  .optional()
  .describe('Error-budget gate (deploy guard ErrorBudgetNotExhausted). Default: none, the guard passes with "no SLOs configured".');
/** Default alarm thresholds: also the documented defaults (docs/flags.md, docs/operating.md). */
export const ALARM_DEFAULTS = {
  loadBalancer5xxPercent: 1,
  target5xxPercent: 5,
  unhealthyHosts: 1,
  targetResponseTimeP99Seconds: 2,
  lockTableThrottledRequests: 10,
  lockTableSystemErrors: 1,
  catchUpOverrunMinutes: 30,
  periodSeconds: 60,
  evaluationPeriods: 5,
  runbookUrl: 'docs/operating.md',
} as const;

const alarms = z
  .strictObject({
    loadBalancer5xxPercent: z
      .number()
      .positive()
      .max(100)
      .default(ALARM_DEFAULTS.loadBalancer5xxPercent)
      .describe(
        'Alarm when the load balancer itself answers 5xx (HTTPCode_ELB_5XX_Count) for more than this percentage of requests, ' +
          `every period of the evaluation window. 0-100 (exclusive of 0). Default ${ALARM_DEFAULTS.loadBalancer5xxPercent}.`,
      ),
    target5xxPercent: z
      .number()
      .positive()
      .max(100)
      .default(ALARM_DEFAULTS.target5xxPercent)
      .describe(`Alarm when the agents answer 5xx (HTTPCode_Target_5XX_Count) for more than this percentage of requests. Default ${ALARM_DEFAULTS.target5xxPercent}.`),
    unhealthyHosts: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(ALARM_DEFAULTS.unhealthyHosts)
      .describe(`Alarm, per target group, when at least this many targets fail the health check (UnHealthyHostCount). 1-1000. Default ${ALARM_DEFAULTS.unhealthyHosts}.`),
    targetResponseTimeP99Seconds: z
      .number()
      .positive()
      .max(600)
      .default(ALARM_DEFAULTS.targetResponseTimeP99Seconds)
      .describe(`Alarm when the p99 of TargetResponseTime exceeds this many seconds. Default ${ALARM_DEFAULTS.targetResponseTimeP99Seconds}.`),
    lockTableThrottledRequests: z
      .number()
      .int()
      .min(1)
      .default(ALARM_DEFAULTS.lockTableThrottledRequests)
      .describe(`Alarm when the lock table throttles at least this many read and write events per period. Default ${ALARM_DEFAULTS.lockTableThrottledRequests}.`),
    lockTableSystemErrors: z
      .number()
      .int()
      .min(1)
      .default(ALARM_DEFAULTS.lockTableSystemErrors)
      .describe(`Alarm when DynamoDB answers at least this many claims (PutItem, UpdateItem) with a system error (HTTP 500) per period. Default ${ALARM_DEFAULTS.lockTableSystemErrors}.`),
    catchUpOverrunMinutes: z
      .number()
      .int()
      .min(0)
      .max(1440)
      .default(ALARM_DEFAULTS.catchUpOverrunMinutes)
      .describe(
        'Alarm when a catch-up fleet still has instances in service this many minutes after its expiresAt (the scale-to-zero ' +
          `schedule should have run). 0-1440. Default ${ALARM_DEFAULTS.catchUpOverrunMinutes}.`,
      ),
    periodSeconds: z
      .union([z.literal(60), z.literal(300), z.literal(900), z.literal(3600)], { error: '60, 300, 900 or 3600 seconds' })
      .default(ALARM_DEFAULTS.periodSeconds)
      .describe(`Length of one alarm period, in seconds: 60, 300, 900 or 3600. Default ${ALARM_DEFAULTS.periodSeconds}.`),
    evaluationPeriods: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(ALARM_DEFAULTS.evaluationPeriods)
      .describe(`Consecutive breaching periods before an alarm fires, 1-60 (period x this = the window). Default ${ALARM_DEFAULTS.evaluationPeriods}.`),
    runbookUrl: z
      .string()
      .regex(/^(?:https:\/\/[^\s#]+|[A-Za-z0-9._\/-]+\.md)$/, { error: 'an https URL of docs/operating.md (no "#"), or the repository path "docs/operating.md"' })
      .default(ALARM_DEFAULTS.runbookUrl)
      .describe(
        'Where docs/operating.md is read, for the runbook link of every alarm description: an https URL such as ' +
          '"https://github.com/<org>/<repo>/blob/main/docs/operating.md", or the repository path. Default "docs/operating.md".',
      ),
  })
  .describe(
    'CloudWatch alarm thresholds of this environment\'s fleet stack. Each alarm\'s description says what it means, what to check ' +
      'first, and links to the dashboard and to its section of docs/operating.md. Every field has a default.',
  );

const subscription = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('email').describe('"email": an address that receives every alarm (SNS asks it to confirm once).'),
        name: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, { error: '1-32 characters: lowercase letters, digits and "-"' }).describe('Name of the subscription; keys its resources.'),
        address: z.email({ error: 'an email address such as "ingest-oncall@example.com"' }).describe('The email address. Not a secret.'),
      }),
      z.strictObject({
        kind: z
          .enum(['pagerduty', 'slack'])
          .describe(
            '"pagerduty" (an Events API v2 integration URL, https://events.pagerduty.com/...) or "slack" (an HTTPS endpoint ' +
              'that confirms SNS subscriptions, such as an AWS Chatbot or relay URL on https://). The URL carries a token, ' +
              'so it is never in this file: Terraform reads it from the sensitive variable "notify_<name>" (TF_VAR_notify_<name>).',
          ),
        name: z
          .string()
          .regex(/^[a-z0-9](?:[a-z0-9_]{0,30}[a-z0-9])?$/, { error: '1-32 characters: lowercase letters, digits and "_" (it names a Terraform variable)' })
          .describe('Name of the subscription; the endpoint comes from the Terraform variable "notify_<name>" (environment variable TF_VAR_notify_<name>).'),
      }),
    ],
    { error: '"email" with an address, or "pagerduty" / "slack" (endpoint from TF_VAR_notify_<name>)' },
  )
  .describe('One subscription of the environment\'s alarm topic.');

const notifications = z
  .strictObject({
    subscriptions: z
      .array(subscription)
      .max(10)
      .default([])
      .describe('Who the alarms notify: 0-10 subscriptions of the environment\'s SNS topic. Names are unique. Default none.'),
  })
  .describe(
    'Where the alarms go: one SNS topic per environment, "<naming.prefix>-alarms". HTTPS endpoints (PagerDuty, Slack) carry ' +
      'tokens and are supplied at plan and apply time as TF_VAR_notify_<name>, never committed.',
  );

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 digest: 64 lowercase hex digits' });

/** The GitHub repository deploys come from: "<owner>/<repo>", as GitHub spells it. */
export const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

const access = z
  .strictObject({
    githubRepository: z
      .string()
      .regex(GITHUB_REPOSITORY_PATTERN, { error: 'a GitHub repository "<owner>/<repo>", such as "acme/fleetflags"' })
      .describe(
        'The GitHub repository whose workflows may assume this environment\'s roles, "<owner>/<repo>" (no wildcard). ' +
          'The deploy role trusts only "repo:<owner>/<repo>:environment:<environment>".',
      ),
    requireApproval: z
      .boolean()
      .default(false)
      .describe(
        'true: the GitHub environment must have required reviewers, so a person approves each deploy after seeing its plan ' +
          '(npm run doctor checks it). Production must be true. Default false.',
      ),
    jobWorkflowRef: z
      .boolean()
      .default(false)
      .describe(
        'true: the repository customized its OIDC subject claim to include job_workflow_ref, and the deploy role also requires ' +
          '"<owner>/<repo>/.github/workflows/deploy.yml@refs/heads/main". Default false (the default subject claim).',
      ),
  })
  .describe(
    'Who can deploy: the <environment>-access stack (GitHub OIDC provider, a read-only plan role, a deploy role trusted only ' +
      'for this repository\'s GitHub environment). Required for an environment CI deploys. Default: none (the sandbox).',
  );

const STATE_BACKEND_DESCRIPTION =
  'Where the state lives: "local", a file on this machine (offline and emulated environments only); "s3", a bucket, ' +
  'locked with S3 conditional writes (use_lockfile). The s3 backend needs bucket and region.';

export const FlagsSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to flags/schema.json, for editors.'),
    environment: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,19}$/, { error: '2-20 characters: lowercase letters, digits and "-", starting with a letter' })
      .describe('Name of the environment; must equal the file name (flags/<environment>.json).'),
    aws: z
      .strictObject({
        region: z
          .string()
          .regex(/^[a-z]{2}(?:-gov)?-[a-z]+-\d$/, { error: 'an AWS region such as "us-east-1"' })
          .describe('AWS region of every resource.'),
        accountId: z
          .string()
          .regex(/^\d{12}$/, { error: 'an AWS account ID: 12 digits, as a string' })
          .describe('AWS account the environment lives in. Terraform refuses any other account (allowed_account_ids).'),
        offline: z
          .boolean()
          .default(false)
          .describe(
            'true: plan with no AWS account and no network (dummy credentials, local state). Default false.',
          ),
        // zod's url check silently drops tabs and newlines (and trims) before the rules see the value, so
        // whitespace and control characters are refused here, on the raw string; the rule
        // EmulatorEndpointOnLoopback then asks for a bare origin on loopback (it is written into the
        // emulator profile file, lib/terraform/emulator-profile.ts).
        endpoint: z
          .string()
          .regex(/^[^\s\u0000-\u001f\u007f]*$/, { error: 'an http(s) origin such as "http://127.0.0.1:4566": no whitespace or control characters' })
          .pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL such as "http://127.0.0.1:4566"' }))
          .optional()
          .describe(
            'An emulated environment: every AWS API call goes to this endpoint, an AWS emulator on this machine ' +
              '(`npm run emulator`; loopback only: 127.0.0.1, localhost or [::1]). Local state in .fleetflags/state/; ' +
              'never deployed by CI\'s promotion. Default: none, the real AWS APIs.',
          ),
      })
      .describe('Where the environment lives in AWS.'),
    state: z
      .discriminatedUnion(
        'backend',
        [
          z.strictObject({
            backend: z.literal('local').describe(STATE_BACKEND_DESCRIPTION),
          }),
          z.strictObject({
            backend: z.literal('s3').describe(STATE_BACKEND_DESCRIPTION),
            bucket: z.string().describe('Bucket that holds the Terraform state.'),
            region: z.string().regex(/^[a-z]{2}(?:-gov)?-[a-z]+-\d$/, { error: 'an AWS region such as "us-east-1"' }).describe('Region of the state bucket.'),
            keyPrefix: z
              .string()
              .regex(/^[A-Za-z0-9._\/-]{1,200}$/, { error: 'an S3 key prefix of letters, digits, ".", "_", "/" and "-"' })
              .default('fleetflags')
              .describe('Prefix of the state objects: "<keyPrefix>/<stack>.tfstate". Default "fleetflags".'),
          }),
        ],
        { error: '"local" (offline and emulated environments) or "s3"' },
      )
      .describe('Where Terraform keeps this environment\'s state.'),
    deploy: z
      .strictObject({
        order: z
          .number()
          .int()
          .min(1)
          .max(100)
          .describe('Position in the promotion from main: 1 deploys first; a later one starts only when earlier ones are healthy. Unique, 1-100.'),
        freezeWhenFlagServiceUnreachable: z
          .boolean()
          .optional()
          .describe(
            'What the deploy-freeze guard does when LaunchDarkly cannot be reached: true freezes (fail closed), false proceeds. ' +
              'Default true; production must stay true.',
          ),
      })
      .optional()
      .describe('Deploys from main. Default: none, the environment is never deployed by CI (the sandbox).'),
    slos,
    changeLimits: changeLimits.default({ ...DEFAULT_CHANGE_LIMITS }),
    access: access.optional(),
    naming: z
      .strictObject({
        prefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, {
            error: '3-40 characters: lowercase letters, digits and "-", starting and ending with a letter or digit',
          })
          .describe(
            'Prefix of every resource name: buckets are "<prefix>-access-logs" and "<prefix>-artifacts", the table ' +
              '"<prefix>-locks". 3-40 characters: lowercase letters, digits and "-".',
          ),
      })
      .describe('Resource naming.'),
    tags: z
      .record(
        z.string().regex(/^[A-Za-z0-9 _.:/=+@-]{1,128}$/, { error: 'a tag key of 1-128 characters' }),
        // AWS's tag values: letters, digits and spaces in any script, and _ . : / = + - @ (anything else fails the apply).
        z
          .string()
          .max(256)
          .regex(TAG_VALUE, { error: (issue) => tagValueMessage(String(issue.input)) }),
      )
      .default({})
      .describe(
        'Extra tags on every resource (the provider\'s default_tags); no key or value may start with "aws:", which AWS reserves. ' +
          'A value holds at most 256 letters, digits and spaces (any script) and _ . : / = + - @, as AWS allows. Default none.',
      ),
    accessLogs: z
      .strictObject({
        bucketName: bucketNameOverride('access-logs'),
        expirationDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(90)
          .describe('Days the load balancer\'s access logs are kept before they expire, 1-3650. Must exceed the backfill. Default 90.'),
      })
      .default({ expirationDays: 90 })
      .describe('The load balancer\'s access-log bucket (SSE-S3; access logs do not support KMS).'),
    artifacts: z
      .strictObject({
        bucketName: bucketNameOverride('artifacts'),
        noncurrentVersionExpirationDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(90)
          .describe('Days an overwritten build artifact is kept, 1-3650. Current builds never expire. Default 90.'),
      })
      .default({ noncurrentVersionExpirationDays: 90 })
      .describe('The versioned build-artifacts bucket.'),
    lockTable: z
      .strictObject({
        tableName: z
          .string()
          .optional()
          .describe('Name of the lock table, overriding "<naming.prefix>-locks". 3-255 of A-Z a-z 0-9 _ - . Default derived.'),
        backfillMinutes: backfillMinutes('the main fleet\'s agents'),
      })
      .default({ backfillMinutes: DEFAULT_BACKFILL_MINUTES })
      .describe(`The DynamoDB table the agents claim S3 objects in (TTL ${LOCK_TABLE_TTL_DAYS} days).`),
    builds: z
      .record(
        buildId,
        z
          .strictObject({ arm64: sha256Hex.optional(), amd64: sha256Hex.optional() })
          .describe('The SHA-256 of the build for each architecture it is published for.'),
      )
      .default({})
      .describe(
        'Pinned builds: for each build ID, the SHA-256 of its binary per architecture, as `npm run publish-build` prints it. ' +
          'Instances refuse a download whose digest differs, so whoever can write the bucket cannot swap a build. ' +
          'Every build an AWS environment runs must be pinned. Default none.',
      ),
    arch: arch
      .default('arm64')
      .describe('ARM64 vs AMD64 flag: the environment-wide default architecture. AMI, instance types and artifact follow from it. Default "arm64".'),
    network,
    ingest,
    catchUp: catchUp.default({
      enabled: false,
      size: 4,
      backfillMinutes: DEFAULT_BACKFILL_MINUTES,
      spot: { ...CATCH_UP_SPOT_DEFAULTS },
    }),
    quarantines: z
      .array(quarantine)
      .max(20)
      .default([])
      .describe('Quarantine fleets flag: each routes one customer\'s paths to its own small fleet. 0-20 entries. Default none.'),
    alarms: alarms.default({ ...ALARM_DEFAULTS }),
    notifications: notifications.default({ subscriptions: [] }),
  })
  .describe('Feature flags and settings of one fleetflags environment.');

/** A flags file after validation, with every default applied. */
export type Flags = z.output<typeof FlagsSchema>;
/** What a flags file may contain (defaults not yet applied). */
export type FlagsInput = z.input<typeof FlagsSchema>;
export type Quarantine = Flags['quarantines'][number];
export type SpotRatio = Flags['ingest']['spot'];
export type ChangeLimits = Flags['changeLimits'];
export type SloFlags = NonNullable<Flags['slos']>;
export type AlarmThresholds = Flags['alarms'];
export type NotificationSubscription = Flags['notifications']['subscriptions'][number];

/** The JSON Schema committed as flags/schema.json. */
export function flagsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(FlagsSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $comment: 'Generated from lib/flags/schema.ts by `npm run gen-schema`. Do not edit by hand.',
    $id: 'https://fleetflags.dev/schema/flags.json',
    title: 'fleetflags environment flags',
    ...schema,
  };
}

/**
 * An environment in a real AWS account: neither offline (plans only, dummy credentials)
 * nor emulated (`aws.endpoint`, the local AWS API on this machine). Access roles, TLS,
 * pinned builds and the deploy-from-main rule apply to these.
 */
export function isAwsEnvironment(flags: { readonly aws: { readonly offline?: boolean; readonly endpoint?: string } }): boolean {
  return !flags.aws.offline && flags.aws.endpoint === undefined;
}
