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

const bucketNameOverride = (what: string) =>
  z
    .string()
    .optional()
    .describe(
      `Name of the ${what} bucket, overriding "<naming.prefix>-${what}". Must follow S3's bucket ` +
        'naming rules (3-63 characters: lowercase letters, digits, "-" and "."; globally unique). ' +
        'Default: derived from naming.prefix. Changing it replaces the bucket, which is refused.',
    );

const spot = z
  .strictObject({
    onDemandBaseCapacity: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Instances that are always on-demand, before any spot. Range 0 to the fleet\'s maxSize. Default 0.',
      ),
    onDemandPercentageAboveBaseCapacity: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(100)
      .describe(
        'Percentage of the capacity above the base that is on-demand; the rest is spot. ' +
          'Range 0-100 (0 = all spot, 100 = all on-demand). Default 100.',
      ),
  })
  .describe(
    'Spot-to-on-demand ratio flag: a mixed instances policy with the price-capacity-optimized spot strategy. ' +
      'Changing it updates the Auto Scaling group in place.',
  );

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
    spot: spot.default({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 }),
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
    spot: spot.default({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 }).describe(
      'Spot-to-on-demand ratio of the catch-up fleet. Default: all spot (0% on-demand).',
    ),
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
        'wildcard. No two quarantines may match the same path.',
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
      .describe('Subnets of the load balancer and the fleets, in at least two Availability Zones: 2-16 IDs.'),
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
        endpoint: z
          .url({ protocol: /^https?$/, error: 'an http(s) URL such as "http://127.0.0.1:4566"' })
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
      .record(z.string().regex(/^[A-Za-z0-9 _.:/=+@-]{1,128}$/, { error: 'a tag key of 1-128 characters' }), z.string().max(256))
      .default({})
      .describe('Extra tags on every resource (the provider\'s default_tags). Default none.'),
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
    arch: arch
      .default('arm64')
      .describe('ARM64 vs AMD64 flag: the environment-wide default architecture. AMI, instance types and artifact follow from it. Default "arm64".'),
    network,
    ingest,
    catchUp: catchUp.default({
      enabled: false,
      size: 4,
      backfillMinutes: DEFAULT_BACKFILL_MINUTES,
      spot: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 },
    }),
    quarantines: z
      .array(quarantine)
      .max(20)
      .default([])
      .describe('Quarantine fleets flag: each routes one customer\'s paths to its own small fleet. 0-20 entries. Default none.'),
  })
  .describe('Feature flags and settings of one fleetflags environment.');

/** A flags file after validation, with every default applied. */
export type Flags = z.output<typeof FlagsSchema>;
/** What a flags file may contain (defaults not yet applied). */
export type FlagsInput = z.input<typeof FlagsSchema>;
export type Quarantine = Flags['quarantines'][number];
export type SpotRatio = Flags['ingest']['spot'];

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
