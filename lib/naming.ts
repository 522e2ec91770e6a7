/**
 * Resource names of an environment. The data stack and the fleet stack both call
 * these functions, so the fleet finds the buckets and the table without cross-stack
 * references or data sources, and each stack plans on its own.
 */
import type { Flags } from './flags/schema';

export interface ResourceNames {
  readonly accessLogsBucket: string;
  readonly artifactsBucket: string;
  readonly lockTable: string;
  /** Prefix of the load balancer, target groups, roles and Auto Scaling groups. */
  readonly prefix: string;
}

export function resourceNames(flags: Pick<Flags, 'naming' | 'accessLogs' | 'artifacts' | 'lockTable'>): ResourceNames {
  const prefix = flags.naming.prefix;
  return {
    accessLogsBucket: flags.accessLogs.bucketName ?? `${prefix}-access-logs`,
    artifactsBucket: flags.artifacts.bucketName ?? `${prefix}-artifacts`,
    lockTable: flags.lockTable.tableName ?? `${prefix}-locks`,
    prefix,
  };
}

/** Key prefix, in the access-log bucket, under which the load balancer writes. */
export const ACCESS_LOG_PREFIX = 'alb';

/** Stack names: `<env>-data` and `<env>-fleet`. */
export const dataStackName = (environment: string) => `${environment}-data`;
export const fleetStackName = (environment: string) => `${environment}-fleet`;
/** Who can deploy: applied by an administrator, never by the deploy role (docs/security.md). */
export const accessStackName = (environment: string) => `${environment}-access`;
/** The key segment under `state.keyPrefix` that holds the saved plans of deploy runs (lib/deploy/saved-plan-store.ts). */
export const SAVED_PLANS_SEGMENT = 'saved-plans';

/** The key pattern of the environment's saved plans of any run: "<keyPrefix>/saved-plans/<any run>/<env>/<any file>". */
export function savedPlanKeyPattern(flags: Pick<Flags, 'environment' | 'state'>): string | undefined {
  if (flags.state.backend !== 's3') return undefined;
  return `${flags.state.keyPrefix}/${SAVED_PLANS_SEGMENT}/*/${flags.environment}/*`;
}

/** The GitHub Actions roles of an environment (outside "<naming.prefix>-*", which the deploy role manages). */
export const planRoleName = (environment: string) => `fleetflags-${environment}-github-plan`;
export const deployRoleName = (environment: string) => `fleetflags-${environment}-github-deploy`;

/** Load balancer and target groups: names of at most 32 characters, unique per account and region. */
export const loadBalancerName = (environment: string) => `ff-${environment}`;
export const mainTargetGroupName = (environment: string) => `ff-${environment}-ingest`;
export const quarantineTargetGroupName = (environment: string, quarantine: string) => `ff-${environment}-q-${quarantine}`;

/**
 * Listener-rule priority of a quarantine: its own `priority`, or a stable number
 * derived from its name (FNV-1a into 1000-49999), so adding or removing one
 * quarantine never renumbers another. Collisions are caught by validation.
 */
export function quarantinePriority(q: { readonly name: string; readonly priority?: number }): number {
  if (q.priority !== undefined) return q.priority;
  let hash = 0x811c9dc5;
  for (const ch of q.name) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1000 + (hash % 49000);
}

/** The fleets of an environment, as they appear in names and tags. */
export const MAIN_FLEET = 'ingest';
export const CATCH_UP_FLEET = 'catch-up';
export const quarantineFleetName = (quarantine: string) => `q-${quarantine}`;

/**
 * Name of a fleet's own resources (launch template, Auto Scaling group, IAM role and
 * instance profile, security groups): "<naming.prefix>-<fleet>". At most 40 + 3 + 20 = 63
 * characters, under IAM's 64 for role names.
 */
export const fleetResourceName = (prefix: string, fleet: string) => `${prefix}-${fleet}`;

/**
 * The ARN partition of a region, derived offline (no data source): "aws-cn" for
 * China, "aws-us-gov" for GovCloud, "aws" elsewhere.
 */
export function arnPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Where a fleet's ARNs point: partition, region and account. */
export interface ArnContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function arnContext(flags: Pick<Flags, 'aws'>): ArnContext {
  return { partition: arnPartition(flags.aws.region), region: flags.aws.region, accountId: flags.aws.accountId };
}

/** ARNs built from names, so the fleet stack needs no data source or cross-stack reference. */
export const arns = {
  s3Bucket: (c: ArnContext, bucket: string) => `arn:${c.partition}:s3:::${bucket}`,
  s3Objects: (c: ArnContext, bucket: string, keyPattern: string) => `arn:${c.partition}:s3:::${bucket}/${keyPattern}`,
  dynamodbTable: (c: ArnContext, table: string) => `arn:${c.partition}:dynamodb:${c.region}:${c.accountId}:table/${table}`,
  iamRole: (c: ArnContext, name: string) => `arn:${c.partition}:iam::${c.accountId}:role/${name}`,
  iamInstanceProfile: (c: ArnContext, name: string) => `arn:${c.partition}:iam::${c.accountId}:instance-profile/${name}`,
  cloudwatchAlarm: (c: ArnContext, name: string) => `arn:${c.partition}:cloudwatch:${c.region}:${c.accountId}:alarm:${name}`,
  cloudwatchDashboard: (c: ArnContext, name: string) => `arn:${c.partition}:cloudwatch::${c.accountId}:dashboard/${name}`,
  snsTopic: (c: ArnContext, name: string) => `arn:${c.partition}:sns:${c.region}:${c.accountId}:${name}`,
  oidcProvider: (c: ArnContext, host: string) => `arn:${c.partition}:iam::${c.accountId}:oidc-provider/${host}`,
  /** Public (AWS-owned) SSM parameters have no account in their ARN; `name` starts with "/". */
  publicSsmParameter: (c: ArnContext, name: string) => `arn:${c.partition}:ssm:${c.region}::parameter${name}`,
};

/** The Terraform variable an HTTPS alarm subscription reads its endpoint from (set as TF_VAR_<name>). */
export const endpointVariableName = (subscription: string) => `notify_${subscription}`;
