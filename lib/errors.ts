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

export function showValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
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

  renamedField: (file: string, path: string, oldName: string, newPath: string, since: string): FlagsProblem => ({
    file,
    path,
    value: oldName,
    problem: `field "${oldName}" was renamed in ${since}`,
    allowed: newPath,
    fix: `move the value to ${newPath} (see UPGRADING.md)`,
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
    problem: `${kind} name is also used by ${otherFile} at ${otherPath}`,
    allowed: `a ${kind} name unique across all environments`,
    fix: 'give each environment its own naming.prefix',
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
    problem: 'an offline environment cannot use a remote state backend',
    allowed: '"local" when aws.offline is true',
  }),

  localStateOnline: (file: string): FlagsProblem => ({
    file,
    path: '$.state.backend',
    value: 'local',
    problem: 'an AWS environment must keep its state in S3 with locking, not on one machine',
    allowed: '"s3" when aws.offline is false',
  }),

  offlineDeploy: (file: string, value: unknown): FlagsProblem => ({
    file,
    path: '$.deploy',
    value,
    problem: 'an offline environment cannot be deployed',
    allowed: 'no "deploy" section when aws.offline is true',
  }),

  productionFailOpen: (file: string): FlagsProblem => ({
    file,
    path: '$.deploy.freezeWhenFlagServiceUnreachable',
    value: false,
    problem: 'production must fail closed when LaunchDarkly cannot be reached',
    allowed: 'true, or leave it out',
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

  onDemandBaseAboveMax: (file: string, path: string, value: number, maxSize: number): FlagsProblem => ({
    file,
    path,
    value,
    problem: 'on-demand base capacity is above the fleet\'s largest size',
    allowed: `0 to ${maxSize} (the fleet's maxSize)`,
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

  catchUpWithoutExpiry: (file: string): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value: undefined,
    problem: 'an enabled catch-up fleet must carry an expiry, so it cannot run (and cost) forever',
    allowed: 'an ISO 8601 time in the future, e.g. "2026-12-01T18:00:00Z"',
  }),

  catchUpExpired: (file: string, value: string, now: Date): FlagsProblem => ({
    file,
    path: '$.catchUp.expiresAt',
    value,
    problem: `the catch-up fleet's expiry has passed (now ${now.toISOString()})`,
    allowed: 'a time in the future',
    fix: 'set "catchUp": { "enabled": false } to remove the fleet, or move the expiry forward',
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

  targetGroupNameTooLong: (file: string, path: string, value: string, derived: string): FlagsProblem => ({
    file,
    path,
    value,
    problem: `the derived target-group name ${JSON.stringify(derived)} is ${derived.length} characters`,
    allowed: 'a quarantine name short enough that "<prefix>-q-<name>" has at most 32 characters',
    fix: 'shorten the quarantine name or naming.prefix',
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
};

// ---------------------------------------------------------------------------

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The known name closest to `name`, if it is close enough to be a typo. */
function closest(name: string, known: readonly string[]): string | undefined {
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
