/**
 * The deploy record (`out/deploy/<env>.json`): its format (DeployRunRecord), its atomic
 * write (writeDeployRecord), and the end of `npm run deploy` (persistRun): the record first, then
 * the local deploy history of an emulated environment (`.fleetflags/state/<env>/`:
 * history.jsonl and the last deploy), then the record again with the timings of that
 * last step.
 *
 * The record is what says what a deploy did, so nothing that runs after the deploy
 * may lose it: it is written before the history, and each write of it is atomic (a
 * temporary file, then a rename: writeDeployRecord), so a full disk never truncates
 * it. A history write that throws (a full disk, a read-only state directory) leaves
 * the record on disk, rewritten to say that the history was not written and why; when
 * that rewrite fails too, the first record stays. None of these failures throws here:
 * they come back as the run's error, the deploy's own error first (its exit code),
 * then the record's and the history's (the next deploy would compare with an older
 * deploy).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployRunErrors, type FleetflagsError } from '../errors';
import type { BreakGlass } from './break-glass';
import type { HealthOutcome } from './deploy';
import type { CommitRange, GuardResult } from './guards';
import type { DeployOutcome } from './history';
import type { PhaseTimer, PhaseTiming } from './phases';
import type { SimplePlanCounts } from './plan-counts';

export type RunOutcome = DeployOutcome | 'planned';

/** out/deploy/<env>.json: everything about one deploy run. */
export interface DeployRunRecord {
  readonly format: 'fleetflags.deploy-record/1';
  readonly environment: string;
  readonly commit: string;
  readonly commits: CommitRange & { readonly baseSource?: string };
  readonly pr: number | null;
  readonly actor: string;
  readonly runUrl: string | null;
  /** Real state, real apply (the only mode; kept in the record's format). */
  readonly mode: 'terraform';
  /** Always false: nothing is simulated (kept in the record's format). */
  readonly simulated: false;
  readonly flagsChanged: readonly string[];
  readonly planCounts: SimplePlanCounts;
  readonly stacks: readonly {
    readonly stack: string;
    readonly counts: SimplePlanCounts;
    readonly speculative: boolean;
    readonly applied: boolean;
    readonly planJson?: string;
  }[];
  readonly guards: readonly GuardResult[];
  /** Guard refusals let through by a commit trailer (Allow-Error-Budget, Allow-Change-Size). */
  readonly overrides?: readonly { readonly guard: string; readonly trailer: string; readonly value: string; readonly commit: string }[];
  /** What the error-budget gate saw and which Honeycomb-unreachable policy applied (from the ErrorBudget result). */
  readonly errorBudget?: Readonly<Record<string, unknown>>;
  /** Which LaunchDarkly-unreachable policy applied (from the DeployNotFrozen result). */
  readonly freeze?: { readonly state?: unknown; readonly policy?: unknown; readonly policySource?: unknown; readonly frozen?: unknown };
  readonly health?: HealthOutcome;
  readonly history: { readonly recorded: boolean; readonly deploymentId?: number; readonly reason?: string };
  readonly marker: { readonly posted: boolean; readonly reason?: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  /** The error message, when the deploy did not succeed. */
  readonly error?: string;
  /** The break-glass override, when one was given. */
  readonly breakGlass?: BreakGlass;
  readonly rollback?: boolean;
  /** Wall seconds of each phase of the run (lib/deploy/phases.ts; phases may overlap). */
  readonly phases?: readonly PhaseTiming[];
  /** Terraform processes the run started, by subcommand. */
  readonly terraformProcesses?: Readonly<Record<string, number>>;
  /** The local deploy history of an emulated environment (lib/deploy/run-record.ts): written, or why not. */
  readonly localHistory?: { readonly recorded: boolean; readonly dir?: string; readonly reason?: string };
}

export interface WriteDeployRecordOptions {
  /** Writes a whole file (the temporary one); a test's seam for a full disk. @default fs.writeFileSync */
  readonly writeFile?: (file: string, data: string) => void;
}

/**
 * Writes the deploy record as pretty JSON; returns the file. Atomically: a temporary
 * file in the same directory, then a rename over the record, so a write that fails
 * (a full disk) leaves the record that was there whole, and no partial file behind.
 */
export function writeDeployRecord(record: DeployRunRecord, outDir = path.join('out', 'deploy'), options: WriteDeployRecordOptions = {}): string {
  const writeFile = options.writeFile ?? ((f: string, data: string) => writeFileSync(f, data));
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${record.environment}.json`);
  const temporary = path.join(outDir, `.${record.environment}.json.${process.pid}.tmp`);
  try {
    writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
  return file;
}

export interface PersistRunOptions {
  /** Where `<env>.json` goes. */
  readonly outDir: string;
  /** Writes the local deploy history; none for an environment whose history is GitHub's. @default none */
  readonly writeHistory?: () => void;
  /** Where writeHistory writes, for the messages. */
  readonly historyDir?: string;
  /** Its phase `record` is added, and the record carries every phase. @default not timed */
  readonly timer?: PhaseTimer;
  /** Terraform processes of the run, by subcommand. */
  readonly terraformProcesses?: Readonly<Record<string, number>>;
  /** The deploy's own error (runDeploy's): the run's error starts with it. @default the deploy succeeded */
  readonly deployError?: FleetflagsError;
  /** Writes the record; returns its file. A test's seam for a full disk. @default writeDeployRecord (atomic) */
  readonly writeRecord?: (record: DeployRunRecord, outDir: string) => string;
}

export interface PersistRunResult {
  /** The deploy record's file. */
  readonly file: string;
  /** What was written there last. */
  readonly record: DeployRunRecord;
  /** The record was written (at least its first version). */
  readonly recordWritten: boolean;
  /** The local history could not be written (the record says so too, unless its update failed). */
  readonly historyError?: FleetflagsError;
  /** The record could not be written, or its final update could not. */
  readonly recordError?: FleetflagsError;
  /** What the run throws: the deploy's own error first, then the record's, then the history's; none when all went well. */
  readonly error?: FleetflagsError;
}

/** Writes the record, then the local history, then the record with its final timings (see the module comment). Never throws. */
export function persistRun(record: DeployRunRecord, options: PersistRunOptions): PersistRunResult {
  const writeRecord = options.writeRecord ?? ((r: DeployRunRecord, dir: string) => writeDeployRecord(r, dir));
  const file = path.join(options.outDir, `${record.environment}.json`);
  const shown = path.relative(process.cwd(), file) || file;
  const withTimings = (r: DeployRunRecord): DeployRunRecord => ({
    ...r,
    ...(options.timer ? { phases: options.timer.timings } : {}),
    ...(options.terraformProcesses ? { terraformProcesses: options.terraformProcesses } : {}),
  });
  // First: whatever the history write does below, the record is on disk.
  let written = withTimings(record);
  let recordError: FleetflagsError | undefined;
  let recordWritten = false;
  try {
    writeRecord(written, options.outDir);
    recordWritten = true;
  } catch (e) {
    recordError = deployRunErrors.recordNotWritten(record.environment, shown, (e as Error).message, record.outcome);
  }

  let historyError: FleetflagsError | undefined;
  if (options.writeHistory) {
    const started = performance.now();
    try {
      options.writeHistory();
    } catch (e) {
      historyError = deployRunErrors.localHistoryNotWritten(record.environment, options.historyDir ?? '(the state directory)', (e as Error).message, recordWritten ? shown : undefined, record.outcome);
    }
    options.timer?.add('record', performance.now() - started);
    const updated = withTimings({
      ...record,
      localHistory: historyError
        ? { recorded: false, ...(options.historyDir ? { dir: options.historyDir } : {}), reason: historyError.message }
        : { recorded: true, ...(options.historyDir ? { dir: options.historyDir } : {}) },
    });
    // A record that could not be written the first time is not tried again: its error says so already.
    if (recordWritten) {
      try {
        writeRecord(updated, options.outDir);
        written = updated;
      } catch (e) {
        // The atomic write left the first record whole.
        recordError = deployRunErrors.recordNotUpdated(record.environment, shown, (e as Error).message);
      }
    }
  }

  const problems = [recordError, historyError].filter((e): e is FleetflagsError => e !== undefined);
  const [first, ...later] = options.deployError ? [options.deployError, ...problems] : problems;
  const error = first && (later.length ? deployRunErrors.alsoFailed(first, later) : first);
  return {
    file,
    record: written,
    recordWritten,
    ...(historyError ? { historyError } : {}),
    ...(recordError ? { recordError } : {}),
    ...(error ? { error } : {}),
  };
}
