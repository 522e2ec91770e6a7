/**
 * The policies of the GitHub Actions roles (the <environment>-access stack), as pure
 * functions so tests read them without synthesizing.
 *
 * - **Trust**: the GitHub OIDC provider, audience sts.amazonaws.com, and the exact
 *   subjects with `StringEquals` (never StringLike, never a wildcard): the plan role
 *   for pull requests and main of one repository; the deploy role only for that
 *   repository's GitHub environment, and, where the customized subject claim is
 *   set, only the deploy workflow on main (`job_workflow_ref`).
 * - **Plan role**: describe/read what the stacks manage (no object reads from the
 *   data buckets, no secrets), read the environment's state, take and release its lock,
 *   and write (only write) the environment's saved plans of deploy runs.
 * - **Deploy role**: manage what the stacks manage, scoped by name to the
 *   environment's resources; read and write the state of its data and fleet stacks;
 *   read and delete the environment's saved plans;
 *   explicitly denied the access stack's own roles, provider and state.
 */
import type { Flags } from '../flags/schema';
import { accessStackName, arnContext, arns, dataStackName, deployRoleName, fleetStackName, planRoleName, resourceNames, savedPlanKeyPattern } from '../naming';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string>;
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

type AccessFlags = Pick<Flags, 'environment' | 'aws' | 'state' | 'naming' | 'accessLogs' | 'artifacts' | 'lockTable'> & { readonly access: NonNullable<Flags['access']> };

/** The OIDC subjects the plan role trusts: pull requests and main of the repository. */
export function planSubjects(repository: string): string[] {
  return [`repo:${repository}:pull_request`, `repo:${repository}:ref:refs/heads/main`];
}

/** The only OIDC subject the deploy role trusts: the repository's GitHub environment. */
export function deploySubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/** `<owner>/<repo>/.github/workflows/deploy.yml@refs/heads/main` */
export function deployWorkflowRef(repository: string): string {
  return `${repository}/.github/workflows/deploy.yml@refs/heads/main`;
}

function trust(flags: AccessFlags, conditions: Record<string, string | readonly string[]>): PolicyDocument {
  const provider = arns.oidcProvider(arnContext(flags), GITHUB_OIDC_HOST);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: { Federated: provider },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, ...conditions } },
      },
    ],
  };
}

export function planRoleTrust(flags: AccessFlags): PolicyDocument {
  return trust(flags, { [`${GITHUB_OIDC_HOST}:sub`]: planSubjects(flags.access.githubRepository) });
}

export function deployRoleTrust(flags: AccessFlags): PolicyDocument {
  const repo = flags.access.githubRepository;
  return trust(flags, {
    [`${GITHUB_OIDC_HOST}:sub`]: deploySubject(repo, flags.environment),
    ...(flags.access.jobWorkflowRef ? { [`${GITHUB_OIDC_HOST}:job_workflow_ref`]: deployWorkflowRef(repo) } : {}),
  });
}

/** The state objects of the environment's stacks: `<keyPrefix>/<stack>.tfstate` (and its lock file). */
function stateArns(flags: AccessFlags, stacks: readonly string[], suffix = ''): string[] {
  if (flags.state.backend !== 's3') return [];
  const { bucket, keyPrefix } = flags.state;
  const c = arnContext(flags);
  return stacks.map((s) => arns.s3Objects(c, bucket, `${keyPrefix}/${s}.tfstate${suffix}`));
}

/**
 * The environment's saved plans (lib/deploy/saved-plan-store.ts): the plan role writes
 * them, the deploy role reads and deletes them; nothing else under that prefix.
 */
function savedPlanStatements(flags: AccessFlags, role: 'plan' | 'deploy'): PolicyStatement[] {
  const pattern = savedPlanKeyPattern(flags);
  if (flags.state.backend !== 's3' || !pattern) return [];
  const resource = arns.s3Objects(arnContext(flags), flags.state.bucket, pattern);
  return role === 'plan'
    ? [{ Sid: 'WriteSavedPlans', Effect: 'Allow', Action: 's3:PutObject', Resource: resource }]
    : [{ Sid: 'ReadSavedPlans', Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: resource }];
}

function stateStatements(flags: AccessFlags, stacks: readonly string[], write: boolean): PolicyStatement[] {
  if (flags.state.backend !== 's3') return [];
  const c = arnContext(flags);
  return [
    { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: arns.s3Bucket(c, flags.state.bucket), Condition: { StringLike: { 's3:prefix': [`${flags.state.keyPrefix}/*`] } } },
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: stateArns(flags, stacks) },
    // S3-native locking (use_lockfile): the lock is "<key>.tflock", created with a conditional write and deleted.
    { Sid: 'LockState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: stateArns(flags, stacks, '.tflock') },
    ...(write ? [{ Sid: 'WriteState', Effect: 'Allow' as const, Action: 's3:PutObject', Resource: stateArns(flags, stacks) }] : []),
  ];
}

const DESCRIBE_ACTIONS = [
  'ec2:Describe*',
  'autoscaling:Describe*',
  'elasticloadbalancing:Describe*',
  'acm:DescribeCertificate',
  'ssm:GetParameters',
];

/** The fleet stack's alarms, dashboard and alarm topic (lib/constructs/fleet-monitoring.ts), all named "<prefix>-…". */
function monitoringArns(flags: AccessFlags): string[] {
  const c = arnContext(flags);
  const prefix = flags.naming.prefix;
  return [arns.cloudwatchAlarm(c, `${prefix}-*`), arns.cloudwatchDashboard(c, `${prefix}-*`), arns.snsTopic(c, `${prefix}-*`)];
}

/** Read-only: what `terraform plan` refreshes, the state, and its lock. */
export function planRolePolicy(flags: AccessFlags): PolicyDocument {
  const c = arnContext(flags);
  const names = resourceNames(flags);
  const buckets = [names.accessLogsBucket, names.artifactsBucket].map((b) => arns.s3Bucket(c, b));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Describe', Effect: 'Allow', Action: DESCRIBE_ACTIONS, Resource: '*' },
      { Sid: 'ReadRoles', Effect: 'Allow', Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:GetInstanceProfile'], Resource: [arns.iamRole(c, `${flags.naming.prefix}-*`), arns.iamInstanceProfile(c, `${flags.naming.prefix}-*`)] },
      // Bucket configuration only: no s3:GetObject on the data buckets.
      { Sid: 'ReadBucketConfiguration', Effect: 'Allow', Action: ['s3:GetBucket*', 's3:GetLifecycleConfiguration', 's3:GetEncryptionConfiguration', 's3:GetAccelerateConfiguration', 's3:GetReplicationConfiguration', 's3:ListBucket'], Resource: buckets },
      { Sid: 'ReadLockTable', Effect: 'Allow', Action: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive', 'dynamodb:DescribeContinuousBackups', 'dynamodb:ListTagsOfResource'], Resource: arns.dynamodbTable(c, names.lockTable) },
      {
        Sid: 'ReadMonitoring',
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetDashboard', 'cloudwatch:ListTagsForResource', 'sns:GetTopicAttributes', 'sns:GetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource'],
        Resource: monitoringArns(flags),
      },
      ...stateStatements(flags, [dataStackName(flags.environment), fleetStackName(flags.environment), accessStackName(flags.environment)], false),
      ...savedPlanStatements(flags, 'plan'),
    ],
  };
}

/** Manage the data and fleet stacks' resources, by name; never the access stack's. */
export function deployRolePolicy(flags: AccessFlags): PolicyDocument {
  const c = arnContext(flags);
  const names = resourceNames(flags);
  const prefix = flags.naming.prefix;
  const env = flags.environment;
  const buckets = [names.accessLogsBucket, names.artifactsBucket].map((b) => arns.s3Bucket(c, b));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Describe', Effect: 'Allow', Action: DESCRIBE_ACTIONS, Resource: '*' },
      {
        Sid: 'ManageFleet',
        Effect: 'Allow',
        Action: ['ec2:*LaunchTemplate*', 'ec2:*SecurityGroup*', 'ec2:CreateTags', 'ec2:DeleteTags', 'ec2:RunInstances', 'autoscaling:*', 'elasticloadbalancing:*'],
        Resource: '*',
        // Only in the environment's region: nothing elsewhere in the account.
        Condition: { StringEquals: { 'aws:RequestedRegion': flags.aws.region } },
      },
      {
        Sid: 'ManageInstanceRoles',
        Effect: 'Allow',
        Action: ['iam:*Role', 'iam:*RolePolicy', 'iam:*RolePolicies', 'iam:TagRole', 'iam:UntagRole', 'iam:*InstanceProfile', 'iam:*InstanceProfiles', 'iam:*RoleFromInstanceProfile', 'iam:*RoleToInstanceProfile', 'iam:ListInstanceProfilesForRole'],
        Resource: [arns.iamRole(c, `${prefix}-*`), arns.iamInstanceProfile(c, `${prefix}-*`)],
      },
      { Sid: 'PassInstanceRoles', Effect: 'Allow', Action: 'iam:PassRole', Resource: arns.iamRole(c, `${prefix}-*`), Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
      { Sid: 'ManageBuckets', Effect: 'Allow', Action: ['s3:CreateBucket', 's3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucketPolicy', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:GetAccelerateConfiguration', 's3:GetReplicationConfiguration', 's3:ListBucket'], Resource: buckets },
      { Sid: 'ManageLockTable', Effect: 'Allow', Action: ['dynamodb:CreateTable', 'dynamodb:UpdateTable', 'dynamodb:Describe*', 'dynamodb:UpdateTimeToLive', 'dynamodb:UpdateContinuousBackups', 'dynamodb:TagResource', 'dynamodb:UntagResource', 'dynamodb:ListTagsOfResource'], Resource: arns.dynamodbTable(c, names.lockTable) },
      {
        Sid: 'ManageMonitoring',
        Effect: 'Allow',
        Action: [
          'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards',
          'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:ListTagsForResource',
          'sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe',
          'sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic', 'sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource',
        ],
        Resource: monitoringArns(flags),
      },
      ...stateStatements(flags, [dataStackName(env), fleetStackName(env)], true),
      ...savedPlanStatements(flags, 'deploy'),
      {
        Sid: 'DenyAccessStack',
        Effect: 'Deny',
        Action: ['iam:*'],
        Resource: [arns.iamRole(c, planRoleName(env)), arns.iamRole(c, deployRoleName(env)), arns.oidcProvider(c, GITHUB_OIDC_HOST)],
      },
      ...(flags.state.backend === 's3'
        ? [{ Sid: 'DenyAccessState', Effect: 'Deny' as const, Action: ['s3:PutObject', 's3:DeleteObject'], Resource: stateArns(flags, [accessStackName(env)]) }]
        : []),
    ],
  };
}
