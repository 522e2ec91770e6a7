/**
 * The end of `npm run deploy`: the deploy record (`out/deploy/<env>.json`) first, then
 * the local deploy history of an emulated environment (`.fleetflags/state/<env>/`:
 * history.jsonl and the last deploy), then the record again with the timings of that
 * last step.
 *
 * The record is what says what a deploy did, so nothing that runs after the deploy
 * may lose it: it is written before the history, and a history write that throws
 * (a full disk, a read-only state directory) leaves it on disk, rewritten to say that
 * the history was not written and why. That failure is then the run's error (the
 * next deploy would compare with an older deploy), unless the deploy itself failed,
 * whose error comes first.
 */
import path from 'node:path';
import { deployRunErrors, type FleetflagsError } from '../errors';
import { writeDeployRecord, type DeployRunRecord } from './deploy';
import type { PhaseTimer } from './phases';

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
}

export interface PersistRunResult {
  /** The deploy record's file. */
  readonly file: string;
  /** What was written there last. */
  readonly record: DeployRunRecord;
  /** The local history could not be written (the record says so too). */
  readonly historyError?: FleetflagsError;
}

/** Writes the record, then the local history, then the record with its final timings (see the module comment). */
export function persistRun(record: DeployRunRecord, options: PersistRunOptions): PersistRunResult {
  const withTimings = (r: DeployRunRecord): DeployRunRecord => ({
    ...r,
    ...(options.timer ? { phases: options.timer.timings } : {}),
    ...(options.terraformProcesses ? { terraformProcesses: options.terraformProcesses } : {}),
  });
  // First: whatever the history write does below, the record is on disk.
  let written = withTimings(record);
  const file = writeDeployRecord(written, options.outDir);
  if (!options.writeHistory) return { file, record: written };

  const started = performance.now();
  let historyError: FleetflagsError | undefined;
  try {
    options.writeHistory();
  } catch (e) {
    historyError = deployRunErrors.localHistoryNotWritten(record.environment, options.historyDir ?? '(the state directory)', (e as Error).message, path.relative(process.cwd(), file) || file, record.outcome);
  }
  options.timer?.add('record', performance.now() - started);
  written = withTimings({
    ...record,
    localHistory: historyError
      ? { recorded: false, ...(options.historyDir ? { dir: options.historyDir } : {}), reason: historyError.message }
      : { recorded: true, ...(options.historyDir ? { dir: options.historyDir } : {}) },
  });
  writeDeployRecord(written, options.outDir);
  return { file, record: written, ...(historyError ? { historyError } : {}) };
}
