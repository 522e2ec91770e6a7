/**
 * The flags schema: the single source of truth for `flags/<environment>.json`.
 * It gives the TypeScript types (`Flags`), the runtime validation (`FlagsSchema`),
 * and the committed JSON Schema `flags/schema.json` (`npm run gen-schema`).
 *
 * Every field says what it does, its unit, its range and its default. The larger parts
 * (the fleets, the network, change limits, monitoring, access, and the values several
 * fields share) are in `fields/`, one file each; this file puts them together with the
 * environment's own settings. Rules that need more than one field (an expiry in the past,
 * overlapping quarantine paths, duplicate bucket names across environments) live in
 * `rules/`, one file each.
 */
// A namespace import, as zod recommends: esbuild then tree-shakes what we do not use
// (the synth bundle drops from 856 KB to 297 KB; see README, Benchmark).
import * as z from 'zod';
import { DEFAULT_BACKFILL_MINUTES, LOCK_TABLE_TTL_DAYS } from '../contract/lock-table';
import { access } from './fields/access';
import { changeLimits, DEFAULT_CHANGE_LIMITS } from './fields/change-limits';
import { CATCH_UP_SPOT_DEFAULTS, catchUp, ingest, quarantine } from './fields/fleets';
import { ALARM_DEFAULTS, alarms, notifications, slos } from './fields/monitoring';
import { network } from './fields/network';
import { arch, backfillMinutes, bucketNameOverride, buildId, sha256Hex, TAG_VALUE, tagValueMessage } from './fields/values';

export { ARCHITECTURES, type Arch } from './fields/values';
export { CATCH_UP_SPOT_DEFAULTS, INGEST_SPOT_DEFAULTS } from './fields/fleets';
export { DEFAULT_CHANGE_LIMITS } from './fields/change-limits';
export { ALARM_DEFAULTS } from './fields/monitoring';
export { GITHUB_REPOSITORY_PATTERN } from './fields/access';

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
