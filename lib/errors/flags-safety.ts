import type { FlagsProblem } from './base';

/** Flags problems of the safety rules (lib/flags/rules/): values valid alone, unsafe together. */
export const safetyProblems = {
  environmentMismatch: (file: string, value: unknown, expected: string): FlagsProblem => ({
    file,
    path: '$.environment',
    value,
    problem: 'the environment does not match the file name',
    allowed: JSON.stringify(expected),
    fix: `set "environment": ${JSON.stringify(expected)} or rename the file to flags/${String(value)}.json`,
  }),

  invalidBucketName: (file: string, path: string, value: string, rule: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `not a valid S3 bucket name: ${rule}`,
    allowed:
      '3-63 characters of lowercase letters, digits, "." and "-", starting and ending with a letter or digit, ' +
      'not an IP address, no "..", no "xn--"/"sthree-" prefix, no "-s3alias"/"--ol-s3" suffix',
  }),

  /** A prefix whose derived bucket names break S3's rules: the value is the prefix, the names are in the problem. */
  invalidDerivedBucketName: (file: string, prefix: string, names: readonly string[], rule: string): FlagsProblem => ({
    file,
    path: '$.naming.prefix',
    value: prefix,
    problem: `${names.length === 1 ? 'the bucket name it makes' : 'the bucket names it makes'}, ${names.map((n) => JSON.stringify(n)).join(' and ')}, ${names.length === 1 ? 'is not a valid S3 bucket name' : 'are not valid S3 bucket names'}: ${rule}`,
    allowed:
      'a prefix whose bucket names ("<prefix>-access-logs", "<prefix>-artifacts") are 3-63 characters of lowercase letters, digits, "." and "-", ' +
      'starting and ending with a letter or digit, not an IP address, no "..", no "xn--"/"sthree-" prefix, no "-s3alias"/"--ol-s3" suffix',
    fix: 'choose another prefix, or name the bucket itself in accessLogs.bucketName / artifacts.bucketName',
  }),

  invalidTableName: (file: string, path: string, value: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'not a valid DynamoDB table name',
    allowed: '3-255 characters of A-Z a-z 0-9 "_" "-" "."',
  }),

  duplicateName: (file: string, path: string, value: string, kind: string, otherFile: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem:
      otherFile === file ? `${kind} name is also used at ${otherPath} in the same file` : `${kind} name is also used by ${otherFile} at ${otherPath}`,
    allowed: otherFile === file ? `a different name for each ${kind}` : `a ${kind} name unique across all environments`,
    fix: otherFile === file ? 'give each one its own name, or drop the overrides to use the derived names' : 'give each environment its own naming.prefix',
  }),

  duplicateDeployOrder: (file: string, value: number, otherFile: string): FlagsProblem => ({
    file,
    path: '$.deploy.order',
    value,
    problem: `deploy order is also used by ${otherFile}`,
    allowed: 'a deploy order unique across environments (1 deploys first)',
  }),

  offlineNeedsLocalState: (file: string, value: unknown): FlagsProblem => ({
    file,
    path: '$.state.backend',
    value,
    problem: 'an offline or emulated environment cannot use a remote state backend',
    allowed: '"local" when aws.offline is true or aws.endpoint is set',
  }),

  localStateOnline: (file: string): FlagsProblem => ({
    file,
    path: '$.state.backend',
    value: 'local',
    problem: 'an AWS environment must keep its state in S3 with locking, not on one machine',
    allowed: '"s3" when aws.offline is false and aws.endpoint is not set',
  }),

  offlineDeploy: (file: string, value: unknown): FlagsProblem => ({
    file,
    path: '$.deploy',
    value,
    problem: 'an offline or emulated environment is not part of the promotion',
    allowed: 'no "deploy" section when aws.offline is true or aws.endpoint is set',
  }),

  productionBudgetFailOpen: (file: string): FlagsProblem => ({
    file,
    path: '$.slos.whenApiUnreachable',
    value: 'proceed',
    problem: 'production must refuse deploys when Honeycomb cannot be asked for the error budget',
    allowed: '"refuse", or leave it out',
  }),

  duplicateSlo: (file: string, index: number, field: 'name' | 'sloId', value: string, otherIndex: number): FlagsProblem => ({
    file,
    path: `$.slos.objectives[${index}].${field}`,
    value,
    problem: `the same ${field === 'name' ? 'SLO name' : 'Honeycomb SLO (dataset/sloId)'} as $.slos.objectives[${otherIndex}]`,
    allowed: `each ${field === 'name' ? 'name' : 'dataset/sloId pair'} once`,
  }),

  productionFailOpen: (file: string): FlagsProblem => ({
    file,
    path: '$.deploy.freezeWhenFlagServiceUnreachable',
    value: false,
    problem: 'production must fail closed when LaunchDarkly cannot be reached',
    allowed: 'true, or leave it out',
  }),

  deployedWithoutAccess: (file: string, environment: string): FlagsProblem => ({
    file,
    path: '$.access',
    value: undefined,
    problem: `CI deploys ${environment} (deploy is set) but no access is defined, so nothing says who may assume its deploy role`,
    allowed: 'an "access" object with "githubRepository" for every environment CI deploys',
    fix: 'add "access": { "githubRepository": "<owner>/<repo>" } and apply the <environment>-access stack (docs/security.md)',
  }),

  productionWithoutApproval: (file: string, value: unknown): FlagsProblem => ({
    file,
    path: '$.access.requireApproval',
    value,
    problem: 'production deploys must be approved by a reviewer who has seen the plan',
    allowed: 'true',
    fix: 'set "requireApproval": true and give the GitHub environment "production" required reviewers (npm run doctor -- --env production)',
  }),

  plainHttpOnInternet: (file: string, environment: string, cidrs: readonly string[]): FlagsProblem => ({
    file,
    path: '$.network.certificateArn',
    value: undefined,
    problem: `the internet-facing load balancer of the AWS environment ${environment} would serve plain HTTP to ${cidrs.join(', ')}`,
    allowed: 'an ACM certificate ARN in the environment\'s region and account (only the sandbox, offline or emulated, may go without)',
    fix: 'request or import a certificate in ACM and set network.certificateArn',
  }),

  buildNotPinned: (file: string, path: string, buildId: string, arch: string): FlagsProblem => ({
    file,
    path,
    value: buildId,
    problem: `build ${buildId} (${arch}) has no pinned SHA-256, so instances would trust whatever the bucket holds`,
    allowed: `a "builds" entry "${buildId}": { "${arch}": "<sha256>" }`,
    fix: `run npm run publish-build and paste the line it prints into "builds"`,
  }),

  logExpiryShorterThanBackfill: (file: string, days: number, backfillMinutes: number, backfillPath: string): FlagsProblem => ({
    file,
    path: '$.accessLogs.expirationDays',
    value: days,
    problem: `access logs expire before the agents' look-back (${backfillPath} = ${backfillMinutes} minutes) ends`,
    allowed: `at least ${Math.ceil(backfillMinutes / 1440)} day(s)`,
  }),
} as const;
