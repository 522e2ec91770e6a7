/**
 * What every error and flags problem is made of: the exit codes, the error class, one flags
 * problem and how it prints.
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
