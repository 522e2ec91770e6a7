/**
 * Every error and every flags problem fleetflags reports is made here, by a named
 * factory. Each says what is wrong, the value it got, what is allowed, and how to
 * fix it. Commands exit with the error's `exitCode`.
 */

/** Exit codes of fleetflags commands. */
export const ExitCode = {
  /** Something unexpected. */
  Failure: 1,
  /** The command line was wrong. */
  Usage: 2,
  /** A flags file is invalid or unsafe; nothing was synthesized or deployed. */
  FlagsInvalid: 3,
  /** Terraform itself failed (init, validate, plan). */
  TerraformFailed: 4,
  /** A deploy guard refused the change; nothing was applied. */
  GuardRefused: 10,
  /** terraform apply failed. */
  ApplyFailed: 11,
  /** The apply succeeded but the environment did not become healthy. */
  UnhealthyAfterApply: 12,
  /**
   * `npm run drift -- --exit-code` found drift or undeployed changes: the report was made. Not 2
   * (Terraform's `-detailed-exitcode`), which is a wrong command line here.
   */
  DriftFound: 20,
} as const;

export class FleetflagsError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failure,
  ) {
    super(message);
    this.name = 'FleetflagsError';
  }
}

/** One problem in one flags file. */
export interface FlagsProblem {
  /** The file, as the user named it (e.g. "flags/sandbox.json"). */
  readonly file: string;
  /** JSON path of the offending value, e.g. "$.lockTable.backfillMinutes". */
  readonly path: string;
  /** The value found; `undefined` when the field is missing. */
  readonly value: unknown;
  /** What is wrong. */
  readonly problem: string;
  /** What is allowed instead. */
  readonly allowed: string;
  /** How to fix it, when that is not obvious from `allowed`. */
  readonly fix?: string;
  /** "warning": reported, but does not make the file invalid. @default an error */
  readonly severity?: 'warning';
}

export class FlagsInvalidError extends FleetflagsError {
  constructor(readonly problems: readonly FlagsProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the flags files; nothing was synthesized:\n` +
        problems.map(formatProblem).join('\n'),
      ExitCode.FlagsInvalid,
    );
    this.name = 'FlagsInvalidError';
  }
}

/** One line: file, JSON path, what is wrong, the value, what is allowed, the fix. */
export function formatProblem(p: FlagsProblem): string {
  const got = p.value === undefined ? 'nothing' : showValue(p.value);
  const fix = p.fix ? `; fix: ${p.fix}` : '';
  return `${p.file}: ${p.path}: ${p.problem}; got ${got}; allowed: ${p.allowed}${fix}`;
}

/** A warning: the same one line, marked, e.g. for an expired catch-up fleet a change does not touch. */
export function formatWarning(p: FlagsProblem): string {
  return `warning: ${formatProblem(p)}`;
}

export function showValue(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Too deep (or cyclic) to print: say what it is rather than overflow the stack.
    return Array.isArray(value) ? '[...]' : typeof value === 'object' ? '{...}' : String(value);
  }
  // An infinite number (1e400 in a file) is not JSON: JSON.stringify would print it as null.
  if (json === undefined || (typeof value === 'number' && !Number.isFinite(value))) return String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** JSON path notation for a path of keys and indexes: $.a.b[0].c */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const k = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `${acc}.${k}` : `${acc}[${JSON.stringify(k)}]`;
  }, '$');
}

// ---------------------------------------------------------------------------
// Flags problems: files and syntax
// ---------------------------------------------------------------------------

export const flagsProblems = {
  fileMissing: (file: string, existing: readonly string[]): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: 'no such flags file',
    allowed: existing.length ? `one of the existing flags files: ${existing.join(', ')}` : 'an existing flags file, flags/<environment>.json (there are none)',
    fix: 'name an existing file, or create this one (README: Adding an environment)',
  }),

  fileUnreadable: (file: string, reason: string): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: `cannot read the file (${reason})`,
    allowed: 'an existing flags file, flags/<environment>.json',
  }),

  invalidJson: (file: string, reason: string): FlagsProblem => ({
    file,
    path: '$',
    value: undefined,
    problem: `not valid JSON (${reason})`,
    allowed: 'a JSON object; check for a trailing comma or a missing quote',
  }),

  byteOrderMark: (file: string): FlagsProblem => ({
    file,
    path: '$',
    value: 'U+FEFF',
    problem: 'the file starts with a byte-order mark, which JSON does not allow',
    allowed: 'UTF-8 without a byte-order mark',
    fix: 'save the file as UTF-8 without a byte-order mark',
  }),

  notUtf8: (file: string, found: string): FlagsProblem => ({
    file,
    path: '$',
    value: found,
    problem: 'the file is not UTF-8 text',
    allowed: 'UTF-8 text',
    fix: 'save the file as UTF-8 without a byte-order mark (an editor\'s "Save with Encoding"; PowerShell 7: -Encoding utf8NoBOM)',
  }),

  duplicateField: (file: string, path: string, where: readonly string[], inEffect: unknown): FlagsProblem => ({
    file,
    path,
    value: inEffect,
    problem: `the field is given ${where.length} times in its object (${where.join('; ')}), and JSON.parse keeps only the last without a word`,
    allowed: 'each field once',
    fix: 'keep the one you mean and delete the others (a merge may have kept both sides)',
  }),

  nestedTooDeep: (file: string, path: string, kind: 'object' | 'array', max: number): FlagsProblem => ({
    file,
    path,
    value: `an ${kind} nested deeper than ${max} levels`,
    problem: `nested too deeply (more than ${max} levels of objects and arrays)`,
    allowed: `at most ${max} levels; flags/schema.json nests at most 4`,
    fix: 'remove the nested value; flags/schema.json lists every field',
  }),

  fileNameNotEnvironment: (file: string, base: string): FlagsProblem => ({
    file,
    path: '$',
    value: base,
    problem: 'the file name is not a valid environment name',
    allowed: 'flags/<environment>.json, the environment of 2-20 lowercase letters, digits and "-"',
  }),

  // -- schema --------------------------------------------------------------

  missingField: (file: string, path: string, allowed: string): FlagsProblem => ({
    file,
    path,
    value: undefined,
    problem: 'required field is missing',
    allowed,
  }),

  numberNotFinite: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'the number is beyond what a number can hold (about ±1.8e308), so it reads as infinite',
    allowed,
  }),

  wrongType: (file: string, path: string, value: unknown, expected: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `wrong type (${describeType(value)})`,
    allowed: expected,
  }),

  unknownField: (file: string, path: string, key: string, known: readonly string[]): FlagsProblem => {
    const suggestion = closest(key, known);
    return {
      file,
      path,
      value: key,
      problem: `unknown field "${key}"${suggestion ? ` (a typo of "${suggestion}"?)` : ' (a typo?)'}`,
      allowed: known.length ? `the fields ${known.map((k) => `"${k}"`).join(', ')}` : 'no fields here',
      fix: suggestion ? `rename it to "${suggestion}"` : 'remove it; flags/schema.json lists every field',
    };
  },

  endpointInFlags: (file: string, path: string, key: string): FlagsProblem => ({
    file,
    path,
    value: key,
    problem: `"${key}" puts a notification URL, and the token in it, into git (its value is not shown here)`,
    allowed: '"kind" and "name" only: the URL comes from the sensitive Terraform variable notify_<name>',
    fix: 'remove it, rotate the token if it was pushed, and set TF_VAR_notify_<name> in the CI secret store',
  }),

  renamedField: (file: string, path: string, oldName: string, newPath: string, since: string): FlagsProblem => ({
    file,
    path,
    value: oldName,
    problem: `field "${oldName}" was renamed in ${since}`,
    allowed: newPath,
    fix: `move the value to ${newPath} (see UPGRADING.md)`,
  }),

  notWholeNumber: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'not a whole number',
    allowed,
  }),

  outOfRange: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'out of range',
    allowed,
  }),

  badFormat: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'does not match the expected format',
    allowed,
  }),

  notOneOf: (file: string, path: string, value: unknown, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'not one of the allowed values',
    allowed,
  }),

  // -- safety rules ----------------------------------------------------------

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

  // -- fleet rules ---------------------------------------------------------------

  capacityContradiction: (file: string, path: string, value: number, allowed: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'contradicts the other sizes of the fleet',
    allowed,
  }),

  onDemandBaseAboveMax: (file: string, path: string, value: number, maxSize: number, maxPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `on-demand base capacity is above the fleet's largest size (${maxPath} = ${maxSize})`,
    allowed: `0 to ${maxSize}`,
    fix: `lower the base, or raise ${maxPath}`,
  }),

  cpuTargetAbove100: (file: string, path: string, value: number): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'a CPU target is a percentage; above 100 the policy would never scale out',
    allowed: '1-100 with "metric": "cpu"',
    fix: 'lower the target, or use "metric": "requestsPerTarget" for a request count',
  }),

  instanceTypeArchMismatch: (file: string, path: string, value: string, arch: string, archPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `instance type is not ${arch} (the architecture from ${archPath})`,
    allowed:
      arch === 'arm64'
        ? 'a Graviton type, whose family ends in "g" after the generation, e.g. c7g.xlarge, m6gd.large'
        : 'an x86-64 type, e.g. c7i.xlarge, m6a.large (not a Graviton "g" family)',
    fix: `pick a type of ${arch}, or change the architecture`,
  }),

  badIngressCidr: (file: string, path: string, value: string, reason: string, network?: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `not an IPv4 network in CIDR notation: ${reason}`,
    allowed: 'a network address and a prefix length, e.g. "203.0.113.0/24" or "198.51.100.7/32": octets 0-255, prefix 0-32, no address bits set after the prefix',
    ...(network ? { fix: `use ${JSON.stringify(network)} for the network, or ${JSON.stringify(`${value.split('/')[0]}/32`)} for the one address` } : {}),
  }),

  duplicateIngressCidr: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same range is also at ${otherPath}`,
    allowed: 'each range once',
    fix: 'remove the repeated entry',
  }),

  certificateOutsideEnvironment: (file: string, path: string, value: string, mismatch: string, region: string, accountId: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the certificate is ${mismatch}; a load balancer can only use ACM certificates of its own region and account`,
    allowed: `a certificate ARN of region ${region} and account ${accountId} (the environment's aws.region and aws.accountId)`,
    fix: `request or import the certificate in ${region} of account ${accountId}`,
  }),

  catchUpWithoutExpiry: (file: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value: undefined,
    problem: 'an enabled catch-up fleet must carry an expiry, so it cannot run (and cost) forever',
    allowed: 'an ISO 8601 time in the future, e.g. "2026-12-01T18:00:00Z"',
  }),

  catchUpExpired: (file: string, value: string, now: Date, baseRef?: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem: `the catch-up fleet's expiry has passed (now ${now.toISOString()})${baseRef ? `, and this change touches $.catchUp (it differs from ${baseRef})` : ''}`,
    allowed: 'a time in the future',
    fix: 'set "catchUp": { "enabled": false } to remove the fleet, or move the expiry forward',
  }),

  /** An expired catch-up fleet that the change being checked does not touch: a warning, not an error. */
  catchUpExpiredUntouched: (file: string, value: string, now: Date, baseRef: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem:
      `the catch-up fleet's expiry has passed (now ${now.toISOString()}); it is planned at size zero, as deployed. ` +
      `A warning, not an error: this change does not touch $.catchUp (same as at ${baseRef})`,
    allowed: 'a time in the future',
    fix: 'set "catchUp": { "enabled": false } (the scheduled expire-catch-ups job opens that PR), or move the expiry forward',
    severity: 'warning',
  }),

  catchUpExpiryTooFar: (file: string, value: string, maxDays: number): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem: `a catch-up fleet is ephemeral; this expiry is more than ${maxDays} days away`,
    allowed: `a time within ${maxDays} days`,
  }),

  duplicateQuarantine: (file: string, path: string, value: string | number, field: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `duplicate quarantine ${field}, also at ${otherPath}`,
    allowed: `a ${field} unique among the quarantines`,
  }),

  duplicateSubscription: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `duplicate subscription name, also at ${otherPath}`,
    allowed: 'a name unique among notifications.subscriptions (it keys the subscription and its variable notify_<name>)',
  }),

  duplicateQuarantinePriority: (file: string, path: string, value: number, otherPath: string, derived: boolean): FlagsProblem => ({
    file,
    path,
    value,
    problem: `listener-rule priority ${derived ? '(derived from the name) ' : ''}is also the priority of the quarantine at ${otherPath}`,
    allowed: 'a priority, 1-50000, unique among the quarantines',
    fix: derived ? 'set "priority" on this quarantine to an unused number' : 'pick an unused priority',
  }),

  catchAllPath: (file: string, path: string, value: string, name: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `path pattern matches every request: all traffic would go to the quarantine fleet of ${JSON.stringify(name)}`,
    allowed: `a pattern naming the customer's own paths, such as ${JSON.stringify(`/1/events/${name}-*`)}`,
    fix: 'name the customer\'s paths; to move all traffic to another build, change ingest.buildId',
  }),

  repeatedPath: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same path pattern is also at ${otherPath}: a repeat adds nothing, takes one of the load balancer rule's few path values, and is often a typo for another path`,
    allowed: 'each path pattern once in a quarantine',
    fix: 'remove the repeated entry, or correct it to the path you meant',
  }),

  duplicateSubnet: (file: string, path: string, value: string, otherPath: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the same subnet is also at ${otherPath}`,
    allowed: 'each subnet once, at least two distinct subnets (the load balancer needs two Availability Zones)',
    fix: 'remove the repeated entry, or name another subnet',
  }),

  reservedTagKey: (file: string, path: string, value: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'tag keys starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    allowed: 'a tag key not starting with "aws:" (in any case)',
    fix: 'rename the tag, such as "team" or "cost-center"',
  }),

  reservedTagValue: (file: string, path: string, value: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'tag values starting with "aws:" are reserved for AWS, which rejects them: the apply would fail',
    allowed: 'a tag value not starting with "aws:" (in any case)',
    fix: 'drop the "aws:" prefix from the value',
  }),

  overlappingPaths: (file: string, path: string, value: string, otherPath: string, otherValue: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `path pattern overlaps ${JSON.stringify(otherValue)} at ${otherPath}: one request could match both quarantines`,
    allowed: 'path patterns that no request matches in two quarantines',
  }),

  badPathPattern: (file: string, path: string, value: string, reason: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `not a valid load-balancer path pattern: ${reason}`,
    allowed: '1-128 characters of A-Z a-z 0-9 _ - . $ / ~ " \' @ : + & and the wildcards * and ?, starting with "/" or a wildcard',
  }),

  targetGroupNameTooLong: (file: string, path: string, value: string, derived: string, max: number): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the derived target-group name ${JSON.stringify(derived)} is ${derived.length} characters`,
    allowed: `a quarantine name short enough that "ff-<environment>-q-<name>" has at most ${max} characters (AWS's limit)`,
    fix: `shorten the quarantine name to at most ${Math.max(1, value.length - (derived.length - max))} characters`,
  }),
} as const;

// ---------------------------------------------------------------------------
// Command errors
// ---------------------------------------------------------------------------

export const errors = {
  usage: (message: string, usage: string) => new FleetflagsError(`${message}\n\nusage: ${usage}`, ExitCode.Usage),

  noFlagsFiles: (dir: string) =>
    new FleetflagsError(
      `No flags files found in ${dir}. Add flags/<environment>.json (copy flags/sandbox.json to start).`,
      ExitCode.Usage,
    ),

  linterCannotRun: (tool: string, packageName: string, cause: string) =>
    new FleetflagsError(
      `${tool} cannot run: ${cause}. Allowed: ${tool} from the npm package ${packageName}, at the version package.json pins. Fix: npm ci.`,
      ExitCode.Failure,
    ),

  linterTimedOut: (tool: string, helper: string, scripts: number, seconds: number) =>
    new FleetflagsError(
      `${tool} did not finish checking ${scripts} script${scripts === 1 ? '' : 's'} within ${seconds} s and was stopped. ` +
        `Allowed: ${seconds} s for ${scripts} script${scripts === 1 ? '' : 's'} (a minute plus a second per script; a script usually takes about 85 ms). ` +
        `Fix: run it again; if it hangs again, run the helper by hand (node ${helper}, with the scripts as JSON on stdin) to see which script it stops on.`,
      ExitCode.Failure,
    ),

  linterHelperMissing: (tool: string, helper: string) =>
    new FleetflagsError(
      `${tool} cannot run: its helper ${helper} is missing from the checkout. Allowed: the helper as the repository has it. Fix: restore it from git (git checkout -- ${helper}).`,
      ExitCode.Failure,
    ),

  badPullRequestNumber: (value: string, usage: string) =>
    new FleetflagsError(
      `--pr must be a pull-request number, a plain positive integer such as 42; got ${JSON.stringify(value)}\n\nusage: ${usage}`,
      ExitCode.Usage,
    ),

  unknownEnvironment: (env: string, known: readonly string[]) =>
    new FleetflagsError(
      `Unknown environment ${JSON.stringify(env)}; the environments are ${known.map((k) => JSON.stringify(k)).join(', ')} ` +
        `(one per flags/<environment>.json).`,
      ExitCode.Usage,
    ),

  terraformFailed: (command: string, cwd: string, exitCode: number | null, stderr: string) =>
    new FleetflagsError(
      `terraform ${command} failed in ${cwd} (exit ${exitCode}):\n${stderr.trim()}`,
      ExitCode.TerraformFailed,
    ),

  providerServerStart: (binary: string, reason: string, stderr: string) =>
    new FleetflagsError(
      `The AWS provider server ${binary} -debug did not start: ${reason}.${stderr.trim() ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}\n` +
        'Allowed: a provider binary that prints TF_REATTACH_PROVIDERS when started with -debug. ' +
        'Fix: none needed, the run goes on with Terraform launching its own provider; FLEETFLAGS_PROVIDER_POOL=0 turns the pool off.',
      ExitCode.TerraformFailed,
    ),

  /** A file for a provider server's working directory named by anything but a plain file name (an internal guard). */
  providerServerFileName: (name: string) =>
    new FleetflagsError(
      `A file for the AWS provider server's working directory has a name that is not a plain file name: ${JSON.stringify(name)}. ` +
        'Allowed: one non-empty path segment, not starting with "." (the emulator profile, aws-emulator.config). ' +
        'Fix: this is an internal guard: provider eligibility (lib/terraform/provider-eligibility.ts) never produces such a name, ' +
        'so report it as a bug in the caller that passed the file to ProviderServer.start.',
      ExitCode.TerraformFailed,
    ),

  /** One line on stderr, once per process: the pool's first failed start (the runs go on plain). */
  providerPoolFallback: (message: string) =>
    `warning: provider pool: ${message.split('\n')[0].trim()} Terraform runs go on launching their own providers (slower); ` +
    'this process starts no more servers for that configuration. Fix: see the reason above; FLEETFLAGS_PROVIDER_POOL=0 turns the pool off.',

  /** One line on stderr: a provider server's schema cache (its proxy) did not start; the server runs without it. */
  providerSchemaCacheFallback: (message: string) =>
    `warning: provider schema cache: it could not start (${message.split('\n')[0].trim()}); this provider server runs without it ` +
    '(each Terraform run gets the whole schema from the provider: slower, the same plans). ' +
    'Fix: see the reason above; FLEETFLAGS_PROVIDER_SCHEMA_CACHE=0 starts servers without it.',

  pooledProviderDied: (command: string, cwd: string, terraformMessage: string, providerStderr: string) =>
    new FleetflagsError(
      `terraform ${command} in ${cwd} failed, and the pooled AWS provider server it was attached to had exited (not retried: ${command} changes infrastructure).\n` +
        `${terraformMessage.trim()}${providerStderr.trim() ? `\nprovider: ${providerStderr.trim().split('\n').slice(-5).join('\n')}` : ''}\n` +
        'Fix: run it again (the state records what was applied; a deploy plans afresh); FLEETFLAGS_PROVIDER_POOL=0 runs Terraform with its own providers.',
      ExitCode.TerraformFailed,
    ),

  terraformDisabled: (command: string, variable: string) =>
    new FleetflagsError(
      `terraform ${command} refused: ${variable}=1 (npm run test:quick runs no Terraform). ` +
        'Fix: tag the suite that got here with `@terraform` in its leading doc comment (test/quick-filter.js), or run npm test.',
      ExitCode.Failure,
    ),

  /** A stack directory's provider names a shared config file (the emulator profile) that is not there. */
  stackSharedConfigFileMissing: (dir: string, file: string) =>
    new FleetflagsError(
      `The stack directory ${dir} has no ${file}, which its aws provider names (shared_config_files, relative to the stack directory: ` +
        `the emulator profile, written next to cdk.tf.json at synthesis); Terraform would fail with "failed to get shared config profile". ` +
        'Allowed: a stack directory as synthesis wrote it, with every file its provider names. ' +
        'Fix: synthesize again (npx cdktf synth or npm run synth) and run Terraform in the synthesized stack directory; ' +
        `a copy of cdk.tf.json elsewhere needs ${file} copied next to it.`,
      ExitCode.TerraformFailed,
    ),

  terraformNotFound: () =>
    new FleetflagsError(
      'terraform is not on the PATH. Install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install).',
      ExitCode.Failure,
    ),

  providerMirrorMissing: (dir: string, variable: string) =>
    new FleetflagsError(
      `${variable} is set to ${JSON.stringify(dir)}, which has no registry.terraform.io directory. ` +
        `Point it at the directory that contains registry.terraform.io/, or unset it to use the public registry.`,
      ExitCode.Usage,
    ),

  // -- plans (lib/plan/baselines.ts, speculative.ts, plan-run.ts, scripts/plan.ts) ---

  speculativeNoSchema: (type: string, provider: string, known: readonly string[]) =>
    new FleetflagsError(
      `No schema for resource type ${type} of provider ${provider}; the providers with schemas are ` +
        `${known.join(', ') || 'none'}. Fix: check the type's spelling and that the stack's provider is initialized ` +
        `(lib/terraform/runner.ts providerTemplate).`,
      ExitCode.Failure,
    ),

  speculativeNotConverged: (stack: string, rounds: number, changes: readonly string[]) =>
    new FleetflagsError(
      `The speculative baseline of ${stack} did not converge: after ${rounds} rounds the base configuration still plans ` +
        `changes to itself (${changes.slice(0, 10).join(', ')}${changes.length > 10 ? `, and ${changes.length - 10} more` : ''}). ` +
        `Allowed: a base that plans no changes against its own baseline. Fix: give these resource types realistic ` +
        `placeholders in lib/plan/state-placeholders.ts, or plan with --real.`,
      ExitCode.TerraformFailed,
    ),

  moduleOutputClash: (rootOutput: string, modules: readonly string[]) =>
    new FleetflagsError(
      `Two module outputs would re-export as the same root output ${JSON.stringify(rootOutput)} (modules ${modules.join(', ')}). ` +
        `Allowed: module and output names whose "<module>__<output>" differ. Fix: rename one of the stacks or outputs.`,
      ExitCode.Failure,
    ),

  gitRefUnknown: (ref: string, repo: string, detail: string) =>
    new FleetflagsError(
      `Unknown git ref ${JSON.stringify(ref)} in ${repo} (${detail.trim()}). Allowed: a branch, tag or commit, ` +
        `e.g. main or origin/main. Fix: in CI, fetch the base branch first (actions/checkout with fetch-depth: 0).`,
      ExitCode.Usage,
    ),

  baseSynthFailed: (ref: string, detail: string) =>
    new FleetflagsError(
      `Cannot synthesize the base configuration at ${ref}:\n${detail.trim()}\n` +
        `Fix: plan against another base with --base <ref>, or use --speculative without a base (every resource is created).`,
      ExitCode.Failure,
    ),

  driftNeedsCredentials: () =>
    new FleetflagsError(
      'npm run drift plans every deployed stack against its real state, which needs AWS credentials; none are in the ' +
        'environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE or a container role). ' +
        'Fix: run it with a read-only role (drift.yml gets one through OIDC), or report on saved plans with --plan <stack>=<plan.json>.',
      ExitCode.Usage,
    ),

  realPlanNeedsCredentials: (stack: string) =>
    new FleetflagsError(
      `--real plans ${stack} against its real state, which needs AWS credentials; none are in the environment ` +
        `(AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE or a container role). ` +
        `Fix: configure credentials (in CI through OIDC), or plan with --speculative.`,
      ExitCode.Usage,
    ),

  // -- plan comments (lib/plan/render.ts, lib/github/) -------------------------

  planFileUnreadable: (file: string, reason: string) =>
    new FleetflagsError(
      `Cannot read the plan file ${file} (${reason}). Pass the JSON of \`terraform show -json <planfile>\`, ` +
        `e.g. out/plan/<stack>.plan.json as written by \`npm run plan\`.`,
      ExitCode.Usage,
    ),

  planFileInvalid: (file: string, reason: string) =>
    new FleetflagsError(
      `${file} is not a Terraform JSON plan: ${reason}. Allowed: the output of \`terraform show -json <planfile>\` ` +
        `(format_version 1.x); the human-readable plan text cannot be read.`,
      ExitCode.Usage,
    ),

  planIsState: (file: string) =>
    new FleetflagsError(
      `${file} is a Terraform state, not a plan: it has "values" and no "planned_values" or "resource_changes" ` +
        `(\`terraform show -json\` was run without a plan file). Allowed: \`terraform show -json <planfile>\`; ` +
        `fix: run \`terraform plan -out=plan.tfplan\` and then \`terraform show -json plan.tfplan\`.`,
      ExitCode.Usage,
    ),

  planNotAPlan: (file: string, keys: readonly string[]) =>
    new FleetflagsError(
      `${file} is not a Terraform plan: it has none of "planned_values", "resource_changes", "output_changes" or ` +
        `"applyable"; got the top-level fields ${keys.length ? keys.map((k) => JSON.stringify(k)).join(', ') : '(none)'}. ` +
        `Allowed: the whole output of \`terraform show -json <planfile>\`; fix: re-create it (a cut or edited file is refused).`,
      ExitCode.Usage,
    ),

  planTooDeep: (file: string, depth: number, limit: number) =>
    new FleetflagsError(
      `${file} nests values ${depth >= limit ? `more than ${limit}` : depth} levels deep; allowed: at most ${limit} ` +
        `(Terraform values are seldom deeper than 20). Fix: check the plan file was made by \`terraform show -json\` and not edited.`,
      ExitCode.Usage,
    ),

  planFileEncoding: (file: string, encoding: string) =>
    new FleetflagsError(
      `${file} cannot be read as ${encoding}: it has invalid byte sequences. Allowed: UTF-8 (with or without a BOM) or ` +
        `UTF-16 with a BOM; fix: write it with \`terraform show -json plan.tfplan > file.json\` from a POSIX shell, ` +
        `or in PowerShell \`... | Out-File -Encoding utf8 file.json\`.`,
      ExitCode.Usage,
    ),

  planManifestInvalid: (file: string, reason: string) =>
    new FleetflagsError(
      `The plan manifest ${file} cannot be used: ${reason}. Allowed: the manifest.json \`npm run plan\` writes ` +
        `(or leave out --manifest).`,
      ExitCode.Usage,
    ),

  flagsDirUnreadable: (dir: string, reason: string) =>
    new FleetflagsError(
      `Cannot read flags files from ${dir} (${reason}). Allowed: a directory of <environment>.json files ` +
        `(e.g. flags/), or a git ref with --base-ref.`,
      ExitCode.Usage,
    ),

  /** A workflow file lacks the line a generator rewrites. */
  generatedLineMissing: (file: string, what: string, expected: string) =>
    new FleetflagsError(
      `${file}: cannot find ${what} to regenerate; allowed: one line like ${JSON.stringify(expected)}; ` +
        'fix: put that line (with its "# generated" comment) back where the input lists its options, then run `npm run gen-workflows`.',
      ExitCode.Failure,
    ),

  githubContextMissing: (what: string, fix: string) =>
    new FleetflagsError(`Cannot post the plan comment: ${what}. Fix: ${fix}.`, ExitCode.Usage),

  commentTooLong: (length: number, limit: number, file: string) =>
    new FleetflagsError(
      `The comment body in ${file} is ${length} characters; GitHub allows at most ${limit}. ` +
        `Render it with \`npm run plan-comment -- render\`, which cuts details to fit.`,
      ExitCode.Usage,
    ),

  githubValidationFailed: (action: string, target: string, bodyLength: number, message: string) =>
    new FleetflagsError(
      `GitHub refused to ${action} ${target} (422 Unprocessable Entity): ${message.trim() || 'validation failed'}. ` +
        `The body was ${bodyLength} characters (GitHub allows 65,536). ` +
        `Fix: re-render with \`npm run plan-comment -- render\` (it stays under the limit), or check the PR is open and not locked.`,
      ExitCode.Failure,
    ),

  githubRequestFailed: (action: string, target: string, status: number | undefined, message: string) =>
    new FleetflagsError(
      `GitHub request failed: ${action} ${target} returned ${status ?? 'no response'}: ${message.trim()}. ` +
        (status === 401 || status === 403
          ? 'Fix: give the job `permissions: pull-requests: write` and pass GITHUB_TOKEN.'
          : status === 404
            ? 'Fix: check GITHUB_REPOSITORY and the PR number, and that the token can see the repository.'
            : 'Fix: retry; check GITHUB_API_URL.'),
      ExitCode.Failure,
    ),
};

// ---------------------------------------------------------------------------
// Constructs: monitoring (alarms, dashboard, topic) and cost estimates
// ---------------------------------------------------------------------------

export const constructErrors = {
  alarmDescriptionTooLong: (alarm: string, length: number, max: number) =>
    new FleetflagsError(
      `alarm ${alarm}: its description is ${length} characters; CloudWatch allows at most ${max}. ` +
        'Fix: shorten the signal\'s meaning or checkFirst in lib/monitoring/signals.ts, or the flags\' alarms.runbookUrl.',
    ),
  alarmMetricsInvalid: (alarm: string, ids: readonly string[]) =>
    new FleetflagsError(
      `alarm ${alarm}: without an expression it watches exactly one metric; got ${ids.length} (${JSON.stringify(ids)}). ` +
        'Fix: pass one metric, or an expression that combines them.',
    ),
};

export const costErrors = {
  priceTableInvalid: (file: string, problem: string) =>
    new FleetflagsError(
      `the price table ${file} is invalid: ${problem}. Fix: correct the entry (every price in USD per hour, a date and a source).`,
    ),
};

// ---------------------------------------------------------------------------
// Deploys: guard messages (lib/deploy/guards/), health, history
// ---------------------------------------------------------------------------

/** Where an artifact problem is: the flags file, the fleets that run the build, the object. */
export interface ArtifactWhere {
  readonly file: string;
  readonly bucket: string;
  readonly key: string;
  readonly buildId: string;
  readonly arch: string;
  /** "ingest ($.ingest.buildId)", "quarantine acme ($.quarantines[0].buildId)", ... */
  readonly fleets: readonly string[];
}

export type ArtifactProblemKind =
  | { readonly kind: 'missing' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'checksumMissing'; readonly checksumKey: string }
  | { readonly kind: 'checksumMalformed'; readonly checksumKey: string; readonly text: string }
  | { readonly kind: 'checksumMismatch'; readonly checksumKey: string; readonly published: string; readonly actual: string };

/** Texts of deploy-guard results (a guard result is not an error: it is shown and recorded). */
export const deployMessages = {
  deployFrozen: (environment: string, region: string, flagKey: string, reason: string) =>
    `deploys to ${environment} (${region}) are frozen by the LaunchDarkly flag "${flagKey}" (${reason}); nothing was applied; ` +
    `fix: when the freeze is over, turn "${flagKey}" off for ${environment} in LaunchDarkly (no commit needed) and re-run the deploy`,

  freezeUnanswered: (
    environment: string,
    file: string,
    flagKey: string,
    state: string,
    reason: string,
    policy: { readonly freeze: boolean; readonly source: string },
  ) =>
    `LaunchDarkly ${state} (${reason}); the deploy-freeze flag "${flagKey}" could not be evaluated, so the ` +
    `unreachable-policy applies: ${policy.freeze ? 'fail closed, deploys are frozen' : 'proceed, the deploy goes ahead'} ` +
    `(${policy.source})` +
    (policy.freeze
      ? `; fix: set LAUNCHDARKLY_SDK_KEY and check that LaunchDarkly is reachable and "${flagKey}" exists` +
        (environment === 'production' ? '' : `, or set "deploy": { "freezeWhenFlagServiceUnreachable": false } in ${file} to proceed without it`)
      : ''),

  artifactProblem: (where: ArtifactWhere, problem: ArtifactProblemKind) => {
    const object = `s3://${where.bucket}/${where.key}`;
    const head = `${where.file}: fleet ${where.fleets.join(', fleet ')} runs build ${where.buildId} (${where.arch})`;
    const fix = `fix: publish the build (binary and "<sha256>  <name>" checksum) from a green CI run, or pin a published build`;
    switch (problem.kind) {
      case 'missing':
        return `${head}, but the artifact ${object} does not exist; ${fix}`;
      case 'empty':
        return `${head}, but the artifact ${object} is zero bytes (a broken build); fix: rebuild and republish ${where.buildId}, or pin the previous build`;
      case 'checksumMissing':
        return `${head}, but the artifact ${object} has no published checksum s3://${where.bucket}/${problem.checksumKey}; ${fix}`;
      case 'checksumMalformed':
        return (
          `${head}, but the checksum s3://${where.bucket}/${problem.checksumKey} holds ${showValue(problem.text)}; ` +
          `allowed: 64 hex digits, optionally followed by the file name (sha256sum output); ${fix}`
        );
      case 'checksumMismatch':
        return (
          `${head}, but the artifact ${object} does not match its published SHA-256: published ${problem.published}, ` +
          `actual ${problem.actual} (a corrupt or overwritten upload); fix: republish the build, or pin another`
        );
    }
  },

  artifactNotPinned: (where: ArtifactWhere, pinned: string, actual: string) =>
    `${where.file}: build ${where.buildId} (${where.arch}) in s3://${where.bucket}/${where.key} has SHA-256 ${actual}, but the flags pin ${pinned} ` +
    `(builds["${where.buildId}"].${where.arch}); the build was replaced or the pin is wrong. Fix: publish a new build ID (a published one cannot be overwritten) and pin it with the line npm run publish-build prints`,

  artifactUnreadable: (where: ArtifactWhere, reason: string) =>
    `${where.file}: fleet ${where.fleets.join(', fleet ')} runs build ${where.buildId} (${where.arch}), but ` +
    `s3://${where.bucket}/${where.key} could not be checked (${reason}); fix: give the deploy role s3:GetObject and ` +
    `s3:ListBucket on the artifacts bucket (without ListBucket a missing object reads as 403)`,

  statefulChangeRefused: (
    environment: string,
    refused: readonly { readonly stack: string; readonly address: string; readonly actions: readonly string[]; readonly what: string }[],
    commits?: { readonly base?: string; readonly head: string },
  ) =>
    `the plan for ${environment} would ${refused.length === 1 ? 'delete or replace a stateful resource' : `delete or replace ${refused.length} stateful resources`}; nothing was applied:\n` +
    refused.map((c) => `  ${c.actions.join('+')} ${c.address} in ${c.stack}: ${c.what}`).join('\n') +
    `\nfix: if this is intended, add one trailer per resource to the commit message (last paragraph), e.g. with ` +
    `\`git commit --amend --trailer\`:\n` +
    refused.map((c) => `  Allow-Stateful-Change: ${c.address}`).join('\n') +
    `\nThe commits checked: ${commits ? (commits.base ? `${commits.base.slice(0, 12)}..${commits.head.slice(0, 12)}` : commits.head.slice(0, 12)) : 'none given'}. See docs/operating.md.`,

  errorBudgetExhausted: (
    environment: string,
    file: string,
    below: readonly { readonly name: string; readonly budgetRemainingPercent: number; readonly threshold: number }[],
    reasons: readonly string[],
  ) =>
    `${environment} has burned its error budget: ${below.map((b) => `SLO ${b.name} has ${formatPercent(b.budgetRemainingPercent)} left, below ${formatPercent(b.threshold)}`).join('; ')} ` +
    `(${file}: $.slos.minBudgetRemainingPercent); a feature change is refused until the budget recovers; nothing was applied. The change: ` +
    `${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; … (${reasons.length} in all)` : ''}. ` +
    'allowed now: a rollback or revert, turning a catch-up fleet or a quarantine off, pinning a build deployed before; ' +
    'fix: ship reliability work first, or, if this change must go out, add the trailer "Allow-Error-Budget: <why>" to the commit (recorded in the deploy history and the Honeycomb marker)',

  errorBudgetUnanswered: (environment: string, file: string, reason: string, policy: { readonly refuse: boolean; readonly source: string }) =>
    `Honeycomb could not be asked for the error budget (${reason}), so the unreachable-policy applies: ` +
    `${policy.refuse ? 'fail closed, the deploy is refused' : 'proceed, the deploy goes ahead'} (${policy.source})` +
    (policy.refuse
      ? '; fix: set HONEYCOMB_API_KEY and check that Honeycomb is reachable' +
        (environment === 'production' ? '' : `, or set "slos": { "whenApiUnreachable": "proceed" } in ${file}`) +
        ', or add the trailer "Allow-Error-Budget: <why>" to the commit'
      : ''),

  breakGlassNotRollback: (environment: string, reason: string, saidRollback: boolean) =>
    `break glass refused for ${environment} (reason given: ${JSON.stringify(reason)}): it lets only a rollback through a freeze, ` +
    (saidRollback
      ? 'and git does not show one (the commit does not go back in history, and not every commit since the last deploy is a `git revert`)'
      : 'and this run does not say it is a rollback (--rollback, the deploy workflow\'s "rollback" input)') +
    `; allowed: a rollback (npm run rollback, or an older commit with --rollback); fix: roll back first, ship the feature when the freeze lifts`,

  breakGlassUsed: (environment: string, breakGlass: { readonly reason: string; readonly source: string; readonly actor?: string }, frozen: string) =>
    `BREAK GLASS: rollback of ${environment} allowed through the freeze (${breakGlass.source}${breakGlass.actor ? `, by ${breakGlass.actor}` : ''}): ` +
    `${breakGlass.reason}\n(without it: ${frozen})`,

  notOnMain: (environment: string, head: string, mainRef: string, unknown: boolean) =>
    `refusing to deploy ${head.slice(0, 12)} to ${environment}: ` +
    (unknown ? `git cannot tell whether it is on ${mainRef} (is ${mainRef} fetched?)` : `it is not on ${mainRef}`) +
    `; allowed: commits merged to main; fix: merge the change through a pull request (only the sandbox, offline or emulated, deploys other commits)`,

  silentRollback: (environment: string, head: string, base: string) =>
    `refusing to deploy ${head.slice(0, 12)} to ${environment}: it is older than the last deployed commit ${base.slice(0, 12)} ` +
    `(an ancestor of it), so this would roll ${environment} back silently (a re-run of an old workflow run?); ` +
    `allowed: commits at or after ${base.slice(0, 12)}; fix: to roll back, use npm run rollback (a revert), ` +
    `or deploy with --rollback (the deploy workflow's "rollback" input) to say that going back is intended`,

  forwardOnlyUnknownBase: (environment: string, base: string) =>
    `cannot tell whether the deploy to ${environment} goes back: the last deployed commit ${base.slice(0, 12)} is not in this clone; ` +
    `fix: fetch the full history (actions/checkout with fetch-depth: 0)`,

  forwardOnlyUnknownCommits: (environment: string) =>
    `cannot check the deploy to ${environment} goes forward: no commits were given to the guards`,

  catchUpExpired: (file: string, expiresAt: string, now: Date) =>
    `${file}: $.catchUp.expiresAt: the catch-up fleet expired at ${expiresAt} (now ${now.toISOString()}) but is still enabled; ` +
    `it has already been scaled to zero; fix: remove it with the one-line change in ${file}:\n  "catchUp": { "enabled": false }`,
} as const;

/** Texts of the change-size rules (lib/change-size/): one line per finding. */
export const changeSizeMessages = {
  capacityMoveTooLarge: (
    file: string,
    move: { readonly path: string; readonly before: number; readonly after: number },
    limits: { readonly capacityMovePercent: number; readonly capacityMoveAbsolute: number },
    rule: string,
  ) => {
    const delta = move.after - move.before;
    const percent = move.before === 0 ? 'from 0' : `${delta > 0 ? '+' : ''}${Math.round((delta / move.before) * 100)}%`;
    return (
      `${file}: ${move.path}: moves ${move.before} → ${move.after} (${delta > 0 ? '+' : ''}${delta} instances, ${percent}) in one deploy; got ${move.after}; ` +
      `allowed: within ±${limits.capacityMoveAbsolute} instances or ±${limits.capacityMovePercent}% of ${move.before} ` +
      `($.changeLimits.capacityMoveAbsolute, $.changeLimits.capacityMovePercent); fix: step it over several deploys, ` +
      `or add the trailer "Allow-Change-Size: ${rule}" to the commit if the size is intended`
    );
  },

  onDemandMoveTooLarge: (file: string, move: { readonly path: string; readonly before: number; readonly after: number }, points: number, rule: string) =>
    `${file}: ${move.path}: moves ${move.before}% → ${move.after}% (${Math.abs(move.after - move.before)} points) in one deploy; got ${move.after}; ` +
    `allowed: within ±${points} points of ${move.before} ($.changeLimits.onDemandPercentagePoints); fix: move it in steps of at most ${points} points, ` +
    `or add the trailer "Allow-Change-Size: ${rule}" to the commit`,

  tooManyFleets: (
    environment: string,
    fleets: readonly { readonly stack: string; readonly address: string; readonly action: string }[],
    limit: number,
    rule: string,
  ) =>
    `${environment}: the plan creates or replaces ${fleets.length} Auto Scaling groups at once (${fleets.map((f) => `${f.action} ${f.address} in ${f.stack}`).join('; ')}); ` +
    `allowed: at most ${limit} ($.changeLimits.fleetsReplacedOrCreated); fix: split the change over several deploys, ` +
    `or add the trailer "Allow-Change-Size: ${rule}" to the commit`,

  refreshBatchTooLarge: (
    refresh: { readonly stack: string; readonly address: string; readonly minHealthy: number; readonly desired?: number },
    limit: number,
    rule: string,
  ) =>
    `${refresh.stack}: ${refresh.address}: an instance refresh with min_healthy_percentage ${refresh.minHealthy} takes ${100 - refresh.minHealthy}% of the fleet ` +
    `out of service at once${refresh.desired !== undefined ? ` (up to ${Math.ceil((refresh.desired * (100 - refresh.minHealthy)) / 100)} of ${refresh.desired} instances)` : ''}; ` +
    `got ${refresh.minHealthy}; allowed: a minimum healthy percentage of at least ${100 - limit} ($.changeLimits.refreshBatchPercent = ${limit}); ` +
    `fix: raise refreshMinHealthyPercentage of the group, or add the trailer "Allow-Change-Size: ${rule}" to the commit`,
} as const;

export const deployErrors = {
  guardRefused: (environment: string, blocked: readonly { readonly guard: string; readonly message: string }[]) =>
    new FleetflagsError(
      `deploy to ${environment} refused by ${blocked.length} guard${blocked.length === 1 ? '' : 's'}; nothing was applied:\n` +
        blocked.map((b) => `  ${b.guard}: ${b.message.replace(/\n/g, '\n    ')}`).join('\n'),
      ExitCode.GuardRefused,
    ),

  unhealthyAfterApply: (environment: string, problems: readonly string[], rolledBack: boolean) =>
    new FleetflagsError(
      `${environment} is unhealthy after the apply; the promotion stops here:\n` +
        problems.map((p) => `  ${p}`).join('\n') +
        (rolledBack
          ? '\nThe AWS side rolled back (instance refresh auto rollback): the fleet runs the previous launch template again, ' +
            'while main still holds the change; fix: `npm run rollback -- --env ' + environment + '` to revert it in git.'
          : '\nfix: look at the instances\' health in the target groups and the instance refresh status, then ' +
            '`npm run rollback -- --env ' + environment + '` to revert the change.'),
      ExitCode.UnhealthyAfterApply,
    ),

  gitLogFailed: (revs: string, repoDir: string, stderr: string) =>
    new FleetflagsError(
      `git log ${revs} failed in ${repoDir}: ${stderr.trim()}; the commits being deployed must be in the clone ` +
        '(in CI, check out with fetch-depth: 0)',
      ExitCode.Failure,
    ),

  githubNotConfigured: (variable: string) =>
    new FleetflagsError(
      `${variable} is not set; deploy history lives in GitHub Deployments. Set GITHUB_TOKEN (a token with deployments: write, ` +
        'or read for `npm run history`) and GITHUB_REPOSITORY ("owner/repo"); GitHub Actions sets GITHUB_REPOSITORY and GITHUB_API_URL.',
      ExitCode.Usage,
    ),

  badRepository: (value: string) =>
    new FleetflagsError(`GITHUB_REPOSITORY is ${JSON.stringify(value)}; allowed: "owner/repo"`, ExitCode.Usage),

  githubApiFailed: (what: string, status: number | undefined, message: string) =>
    new FleetflagsError(`GitHub API: ${what} failed (${status ?? 'no response'}): ${message}`, ExitCode.Failure),

  honeycombSloFailed: (url: string, status: number | undefined, body: string, apiKey: string) =>
    new FleetflagsError(
      `Honeycomb SLO GET ${url} failed (${status ?? 'no response'}): ${redactSecret(body.trim().slice(0, 300), apiKey)}; ` +
        'fix: check HONEYCOMB_API_KEY (a configuration key with access to SLOs), HONEYCOMB_API_URL, and the dataset and sloId in $.slos.objectives',
      ExitCode.Failure,
    ),

  honeycombMarkerFailed: (url: string, status: number | undefined, body: string, apiKey: string) =>
    new FleetflagsError(
      `Honeycomb marker POST ${url} failed (${status ?? 'no response'}): ${redactSecret(body.trim().slice(0, 300), apiKey)}; ` +
        'fix: check HONEYCOMB_API_KEY (a configuration key with "Manage markers"), HONEYCOMB_DATASET and HONEYCOMB_API_URL',
      ExitCode.Failure,
    ),
};

/** Errors of the on-call handoff (lib/handoff/, scripts/handoff.ts). */
export const handoffErrors = {
  badSince: (value: string) =>
    new FleetflagsError(
      `--since: got ${JSON.stringify(value)}; allowed: a duration such as "7d", "36h" or "2w" (at least 1h), or a past ISO date such as "2026-11-20" or "2026-11-20T09:00:00Z"`,
      ExitCode.Usage,
    ),
  localRecordUnreadable: (file: string, reason: string) =>
    `the local deploy record ${file} could not be read (${reason}); its deploys are missing from this handoff`,
  githubUnreadable: (what: string, reason: string) =>
    `GitHub could not be read (${what}: ${reason}); the handoff shows the local records only`,
} as const;

/** Errors of the deploy, rollback and drift commands (lib/deploy/deploy.ts, rollback.ts, drift.ts). */
export const deployRunErrors = {
  /** recordFile: none when the record could not be written either (recordNotWritten says so). */
  localHistoryNotWritten: (environment: string, dir: string, detail: string, recordFile: string | undefined, outcome: string) =>
    new FleetflagsError(
      `The deploy of ${environment} ended (${outcome}) and ${recordFile ? `its record is in ${recordFile}` : 'its record could not be written'}, but the local deploy history in ${dir} ` +
        `could not be written: ${detail.trim()}. The next deploy compares with the last deploy recorded there, which is now older ` +
        `than this one; allowed: a state directory this user can write, with free space. fix: correct the cause (permissions, disk), ` +
        `then run \`npm run deploy -- --env ${environment}\` again: it plans against the real state and records the deploy.`,
    ),

  recordNotWritten: (environment: string, file: string, detail: string, outcome: string) =>
    new FleetflagsError(
      `The deploy of ${environment} ended (${outcome}), but its record could not be written to ${file}: ${detail.trim()}. ` +
        `Nothing else says what this deploy did (read the log above); allowed: an output directory this user can write, with free space. ` +
        `fix: correct the cause (permissions, disk), then run \`npm run deploy -- --env ${environment}\` again: it plans against the real state and records the deploy.`,
    ),

  recordNotUpdated: (environment: string, file: string, detail: string) =>
    new FleetflagsError(
      `The record of the deploy of ${environment} is in ${file}, but its final update (whether the local history was written, ` +
        `the record phase's timing) could not be written: ${detail.trim()}; the file keeps the record written before the history. ` +
        `allowed: an output directory with free space. fix: free space in it before the next deploy.`,
    ),

  /** The deploy's own error first, then what failed after it (the record, the history): one message, the deploy's exit code. */
  alsoFailed: (first: FleetflagsError, later: readonly FleetflagsError[]) =>
    new FleetflagsError([first.message, ...later.map((e) => `Also: ${e.message}`)].join('\n'), first.exitCode),

  applyFailed: (environment: string, stack: string, detail: string, appliedBefore: readonly string[]) =>
    new FleetflagsError(
      `terraform apply of ${stack} failed; the deploy of ${environment} stops here:\n${detail.trim()}\n` +
        (appliedBefore.length ? `Applied before it: ${appliedBefore.join(', ')}. ` : 'Nothing was applied before it. ') +
        `Part of ${stack} may be applied: read the log above. fix: correct the cause and merge a fix, or ` +
        `\`npm run rollback -- --env ${environment}\` to revert the change; re-running the deploy plans again from the new state.`,
      ExitCode.ApplyFailed,
    ),

  dirtyWorkTree: (repoDir: string, files: readonly string[]) =>
    new FleetflagsError(
      `The work tree ${repoDir} has uncommitted changes (${files.slice(0, 5).join(', ')}${files.length > 5 ? `, and ${files.length - 5} more` : ''}); ` +
        'a rollback commits a revert and must not pick them up. fix: commit or stash them, then run the rollback again.',
      ExitCode.Usage,
    ),

  commitUnknown: (rev: string, repoDir: string) =>
    new FleetflagsError(
      `--to ${JSON.stringify(rev)} is not a commit in ${repoDir}; allowed: a commit SHA (or ref) of this repository; ` +
        'fix: `git fetch` the history (in CI, actions/checkout with fetch-depth: 0), or pick the SHA from `npm run history`.',
      ExitCode.Usage,
    ),

  deployedChangeUnknown: (environment: string) =>
    new FleetflagsError(
      `Cannot tell which change is deployed in ${environment}: no deploy history was read (GITHUB_TOKEN and ` +
        'GITHUB_REPOSITORY read it from GitHub Deployments), and the newest commit may never have been deployed ' +
        '(a frozen or refused deploy). fix: set GITHUB_TOKEN and GITHUB_REPOSITORY, or name the commit to revert with --to <sha> ' +
        '(`npm run history -- --env ' + environment + '` lists what ran).',
      ExitCode.Usage,
    ),

  savedPlanMissing: (dir: string, what: string, why: string) =>
    new FleetflagsError(
      `No approved saved plan for ${what} in ${dir} (${why}); nothing was applied. ` +
        `fix: deploy through the deploy workflow, whose plan job saves the plan the reviewer approves`,
      ExitCode.GuardRefused,
    ),

  savedPlanMismatch: (dir: string, why: string) =>
    new FleetflagsError(
      `The saved plan in ${dir} is not the one approved: ${why}; nothing was applied. ` +
        `fix: re-run the deploy workflow so the plan is made again and approved again`,
      ExitCode.GuardRefused,
    ),

  dispatchFailed: (workflow: string, ref: string, status: number | undefined, message: string) =>
    new FleetflagsError(
      `GitHub refused to start ${workflow} on ${ref} (${status ?? 'no response'}: ${message.trim()}); the push is done but nothing deploys it. ` +
        `fix: run ${workflow} by hand (Actions → ${workflow.replace(/\.ya?ml$/, '')} → Run workflow), and give the rollback job \`actions: write\``,
    ),

  rollbackTargetNotOnMain: (rev: string, sha: string, mainRef: string) =>
    new FleetflagsError(
      `--to ${rev} (${sha.slice(0, 12)}) is not on ${mainRef}: reverting it would put a change from another branch onto main; ` +
        `allowed: a commit on ${mainRef} that changed this environment; fix: pick the commit from \`git log ${mainRef}\``,
      ExitCode.Usage,
    ),

  rollbackTargetUntouched: (rev: string, sha: string, environment: string, paths: readonly string[]) =>
    new FleetflagsError(
      `--to ${rev} (${sha.slice(0, 12)}) did not change ${environment} (none of ${paths.join(', ')}): reverting it would not roll ${environment} back; ` +
        `allowed: a commit that touched ${paths.join(', ')}; fix: \`git log -- ${paths.join(' ')}\` lists them`,
      ExitCode.Usage,
    ),

  pushNeedsReviewers: (environment: string, why: string) =>
    new FleetflagsError(
      `--push deploys ${environment} without a pull request, so it needs a GitHub environment "${environment}" with required reviewers; ${why}. ` +
        `allowed: --push from the rollback workflow, whose push job waits for the environment's reviewers; ` +
        `fix: roll back through a PR (leave out --push), or add required reviewers to the environment (npm run doctor -- --env ${environment})`,
      ExitCode.Usage,
    ),

  pushNotOnMain: (branch: string, mainBranch: string) =>
    new FleetflagsError(
      `--push commits the revert on the branch you are on and pushes it, but you are on ${JSON.stringify(branch)}, not ${JSON.stringify(mainBranch)}: ` +
        `the revert would not deploy. fix: \`git checkout ${mainBranch}\` and run the rollback again, or leave out --push to open a PR.`,
      ExitCode.Usage,
    ),

  nothingToRollBack: (environment: string, paths: readonly string[]) =>
    new FleetflagsError(
      `No commit to roll back for ${environment}: no deploy is recorded and no commit touches ${paths.join(', ')}. ` +
        'fix: name the commit with --to <sha>.',
      ExitCode.Usage,
    ),

  rollbackBranchExists: (branch: string) =>
    new FleetflagsError(
      `The branch ${branch} already exists: a rollback of this commit was started before. ` +
        `fix: open or finish its PR, or delete the branch (\`git branch -D ${branch}\`) and run the rollback again.`,
      ExitCode.Usage,
    ),

  revertFailed: (commit: string, detail: string, conflicts: readonly string[]) =>
    new FleetflagsError(
      `git revert ${commit.slice(0, 12)} does not apply cleanly (later commits changed the same lines in ${conflicts.join(', ')}); git says:\n${detail.trim()}\n` +
        'Nothing was committed; the work tree, the index and the branches are as they were. ' +
        'fix: revert by hand (`git revert <sha>`, resolve, open a PR), or roll back a later commit first with --to <sha>.',
      ExitCode.Failure,
    ),

  gitFailed: (what: string, detail: string) =>
    new FleetflagsError(`git: ${what} failed; git says:\n${detail.trim()}`, ExitCode.Failure),

  /** A git command of the rollback failed; everything it did was undone. */
  rollbackGitFailed: (what: string, detail: string) =>
    new FleetflagsError(
      `git: ${what} failed; git says:\n${detail.trim()}\n` +
        'Nothing was committed; the work tree, the index and the branches are as they were. fix: correct what git names above, then run the rollback again.',
      ExitCode.Failure,
    ),

  /** The rollback commits a revert; git has no name and e-mail to commit with. */
  gitIdentityMissing: (repoDir: string, detail: string) =>
    new FleetflagsError(
      `git has no identity to commit the revert with in ${repoDir}; git says: ${detail.trim().split('\n').filter((l) => /fatal|error/i.test(l)).join(' ') || detail.trim()}; ` +
        'allowed: user.name and user.email in git config, or GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL in the environment. ' +
        'fix: `git config user.name "Your Name"` and `git config user.email you@example.com` (add --global for every repository; ' +
        'in CI, set them in the job before the rollback). Nothing was changed.',
      ExitCode.Usage,
    ),

  synthFailed: (what: string, detail: string) =>
    new FleetflagsError(
      `Cannot synthesize ${what}:\n${detail.trim()}\nfix: \`npm run check-flags\` and \`npm run synth\` show why.`,
      ExitCode.Failure,
    ),

  noDeployableEnvironments: (dir: string) =>
    new FleetflagsError(
      `No deployable environment in ${dir}: none has a "deploy" section with aws.offline false. ` +
        'fix: give an environment "deploy": { "order": 1 } to deploy (and check for drift in) it.',
      ExitCode.Usage,
    ),
};

/** Lines of the health-after-apply report (lib/deploy/health.ts). */
export const healthMessages = {
  refreshFailed: (group: string, refresh: { readonly id: string; readonly status: string; readonly statusReason?: string }) =>
    `Auto Scaling group ${group}: instance refresh ${refresh.id} ended ${refresh.status}` +
    (refresh.statusReason ? ` (${refresh.statusReason})` : '') +
    (refresh.status.startsWith('Rollback')
      ? refresh.status === 'RollbackSuccessful'
        ? '; the AWS side rolled back to the previous launch template'
        : '; the AWS side tried to roll back and failed: the group may run a mix of launch templates'
      : '; the new instances did not become healthy'),

  refreshPending: (group: string, refresh?: { readonly id: string; readonly status: string; readonly percentageComplete?: number }) =>
    refresh
      ? `instance refresh ${refresh.id} of ${group}: ${refresh.status}${refresh.percentageComplete !== undefined ? ` ${refresh.percentageComplete}%` : ''}`
      : `Auto Scaling group ${group} (not found yet)`,

  targetsNotHealthy: (
    targetGroupArn: string,
    healthy: number,
    expected: number,
    notHealthy: readonly { readonly id: string; readonly state: string; readonly reason?: string }[],
  ) =>
    `target group ${targetGroupArn.replace(/^.*:targetgroup\//, '')}: ${healthy} healthy of at least ${expected}` +
    (notHealthy.length > 0
      ? `; not healthy: ${notHealthy
          .slice(0, 5)
          .map((t) => `${t.id} ${t.state}${t.reason ? ` (${t.reason})` : ''}`)
          .join(', ')}${notHealthy.length > 5 ? `, and ${notHealthy.length - 5} more` : ''}`
      : ''),

  timedOut: (timeoutSeconds: number) =>
    `not healthy within ${timeoutSeconds}s; still waiting for:`,
} as const;

// ---------------------------------------------------------------------------

function formatPercent(n: number): string {
  return `${Math.round(n * 10) / 10}%`;
}

/** `text` with every occurrence of `secret` masked (a server may echo the key back). */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The known name closest to `name` (a likely typo), when one is close enough. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Errors of the AWS emulator and of deploys to it (lib/emulator/). */
export const emulatorErrors = {
  motoMissing: (python: string, detail: string) =>
    new FleetflagsError(
      `The AWS emulator needs moto's server, which ${python} cannot import (${detail || 'not installed'}); allowed: Python 3 with moto 5 ` +
        `and its server; fix: pip install "moto[server]" (or set FLEETFLAGS_PYTHON to a Python that has it)`,
      ExitCode.Failure,
    ),

  portTaken: (port: number, what: string) =>
    new FleetflagsError(
      `Port ${port} on 127.0.0.1 is taken by ${what}; allowed: a free port; fix: stop that process, or choose another port ` +
        `with --port <n> (and the same port in aws.endpoint of the flags file)`,
      ExitCode.Failure,
    ),

  alreadyRunningElsewhere: (endpoint: string, port: number, pid: number) =>
    new FleetflagsError(
      `An emulator of this checkout already runs at ${endpoint} (PID ${pid}), not on port ${port}; allowed: one emulator per ` +
        'state directory; fix: `npm run emulator -- stop` first, or set FLEETFLAGS_STATE_DIR to another directory',
      ExitCode.Failure,
    ),

  didNotStart: (endpoint: string, why: string, log: string, tail = '') =>
    new FleetflagsError(
      `The AWS emulator did not start at ${endpoint}: ${why}; see ${log}${tail ? `:\n${tail}` : ''}\n` +
        'fix: read the log; `npm run emulator -- status` shows what runs',
      ExitCode.Failure,
    ),

  notRunning: (environment: string, endpoint: string) =>
    new FleetflagsError(
      `${environment} is emulated at ${endpoint} (aws.endpoint), and no emulator answers there; fix: \`npm run emulator -- start\` ` +
        `(or \`npm run sandbox\`, which starts it), or plan without it: \`npm run sandbox -- --plan-only\``,
      ExitCode.Failure,
    ),

  /**
   * An endpoint that is not exactly an origin: whitespace or control characters (the URL parser
   * drops them, so they would pass a host check and reach the emulator profile file as extra lines),
   * a path, query, fragment or user info.
   */
  endpointNotOrigin: (file: string, value: string, origin: string | undefined) => ({
    file,
    path: '$.aws.endpoint',
    value,
    problem: 'the AWS endpoint of an emulated environment must be a bare origin (scheme, host, port), written as the URL parser writes it',
    allowed: 'http(s)://<host>:<port> with an optional trailing "/": no whitespace or control characters, path, query, fragment (#) or user info',
    fix: origin ? `write ${JSON.stringify(origin)}` : 'use the emulator\'s endpoint, "https://127.0.0.1:4566"',
  }),

  /** emulatorConfigText (lib/terraform/emulator-profile.ts) was given an endpoint that is not a canonical origin. */
  emulatorProfileEndpoint: (value: string) =>
    new FleetflagsError(
      `The emulator profile (aws-emulator.config) cannot name the endpoint ${JSON.stringify(value)}: it is not a bare http(s) origin ` +
        '(whitespace, control characters, a path, query, fragment or user info could add lines to the shared config file ' +
        'and send AWS calls elsewhere). Allowed: http(s)://<host>:<port>, optionally with a trailing "/", exactly as the URL parser writes it. ' +
        'Fix: set aws.endpoint in the flags file to the emulator\'s origin, e.g. "https://127.0.0.1:4566" (npm run check-flags names the problem).',
      ExitCode.FlagsInvalid,
    ),

  endpointNotLoopback: (file: string, value: string) => ({
    file,
    path: '$.aws.endpoint',
    value,
    problem: 'the AWS endpoint of an emulated environment must be on this machine',
    allowed: 'http(s)://127.0.0.1:<port>, http(s)://localhost:<port> or http(s)://[::1]:<port>',
    fix: 'use the emulator\'s endpoint, "https://127.0.0.1:4566"',
  }),
};

/** Errors of `npm run publish-build` (lib/deploy/publish-build.ts). */
export const publishErrors = {
  emptyBuild: (file: string) =>
    new FleetflagsError(
      `${file} is empty (0 bytes); allowed: a built agent binary of at least 1 byte; nothing was uploaded. ` +
        'A zero-byte binary is the broken build of the outage this pipeline exists to stop; fix: publish the output of a green build',
      ExitCode.Usage,
    ),

  unreadable: (file: string, reason: string) =>
    new FleetflagsError(`cannot read the build ${file}: ${reason}; allowed: a readable file; fix: check the --file path`, ExitCode.Usage),

  unknownArch: (value: string, allowed: readonly string[]) =>
    new FleetflagsError(`--arch ${JSON.stringify(value)} is not an architecture; allowed: ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`, ExitCode.Usage),

  alreadyPublished: (bucket: string, key: string, buildId: string) =>
    new FleetflagsError(
      `s3://${bucket}/${key} already exists: build ${buildId} was published before, and a build ID names one binary forever ` +
        '(the bucket refuses overwrites); allowed: a build ID not published yet; fix: publish this binary under a new build ID',
      ExitCode.Usage,
    ),

  uploadFailed: (bucket: string, key: string, reason: string) =>
    new FleetflagsError(
      `uploading s3://${bucket}/${key} failed: ${reason}; fix: check that the environment's data stack is deployed (it creates the bucket) and that the credentials may write to it`,
      ExitCode.Failure,
    ),
};

/** Errors of the GitHub Actions roles and the saved-plan store (lib/access/role-arns.ts, lib/deploy/saved-plan-store.ts). */
export const accessErrors = {
  noAccess: (file: string, environment: string) =>
    new FleetflagsError(
      `${file}: ${environment} has no "access" section, so no <env>-access stack and no GitHub Actions roles; allowed: an environment with ` +
        '"access": { "githubRepository": "<owner>/<repo>" }. fix: add it (docs/security.md, "Roles"), or plan this environment speculatively (no credentials)',
      ExitCode.Usage,
    ),
  noStateBucket: (file: string, environment: string) =>
    new FleetflagsError(
      `${file}: ${environment} keeps its state locally ("state": { "backend": "local" }), so there is no state bucket for its saved plans; ` +
        'allowed: an environment with "state": { "backend": "s3", ... }. fix: saved plans are for AWS environments deployed by CI',
      ExitCode.Usage,
    ),
  badRunId: (value: string) =>
    new FleetflagsError(
      `--run-id must be the workflow run's ID, a plain positive integer such as 1234567890 (GITHUB_RUN_ID); got ${JSON.stringify(value)}`,
      ExitCode.Usage,
    ),
  savedPlanStore: (action: string, location: string, reason: string) =>
    new FleetflagsError(
      `Could not ${action} the saved plan at ${location}: ${reason}. fix: check the role's access to that prefix of the state bucket ` +
        '(lib/access/policies.ts) and that the plan job of this run uploaded it; re-run the deploy workflow to plan again',
      ExitCode.Failure,
    ),
} as const;

/** Errors of the test tooling's temporary-folder guard (test/temp-folder.ts) and per-suite setup (test/setup.ts). */
export const testToolingErrors = {
  /** A suite whose process's provider pool failed to start a server: its runs planned without the pool, unseen. */
  providerPoolFailedStarts: (failedStarts: number, variable: string) =>
    new FleetflagsError(
      `this suite's provider pool failed to start ${failedStarts} provider server${failedStarts === 1 ? '' : 's'} (its Terraform runs went on with ` +
        `their own providers); allowed: 0 failed starts. fix: read the "warning: provider pool:" line above for the reason; ` +
        `${variable}=0 runs the suites without the pool; a test that provokes failed starts does so with its own pool (useProviderPool)`,
      ExitCode.Failure,
    ),
  /** `where` is a suite's path (or "the jest run" for the run's own folder); `entries` what is still in its temporary folder. */
  leftTemporaryFiles: (where: string, folder: string, entries: readonly string[]) =>
    new FleetflagsError(
      `${where} left ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in its temporary folder ${folder}: ` +
        `${entries.slice(0, 12).join(', ')}${entries.length > 12 ? `, … (${entries.length - 12} more)` : ''}; allowed: nothing (a suite removes ` +
        'every file and directory it, its helpers, the libraries and the scripts it runs make there). fix: make test directories with ' +
        'tempDirs() (test/helpers/temp-dirs.ts), cdktf apps with testApp()/synthScope() (test/helpers/cdktf-app.ts), and remove a ' +
        "library's own temporary directory in a finally where it is made",
      ExitCode.Failure,
    ),
} as const;
