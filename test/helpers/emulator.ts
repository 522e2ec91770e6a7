/**
 * An emulator of a test's own: on a free port, with its own state directory, stopped
 * (that PID only) by `stop()`.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmulator, stopEmulator, type StartResult } from '../../lib/emulator/emulator';

export interface TestEmulator extends StartResult {
  readonly stateDir: string;
  stop(): Promise<void>;
  /** The size of the emulator's log now: pass it to `failedRequestsSince` after a step. */
  logOffset(): number;
  /** The requests the emulator answered with an error (HTTP 4xx/5xx) since `offset`, one log line each. */
  failedRequestsSince(offset: number): string[];
}

/** The request lines of an emulator log (emulator/server.py `log_request`) that report an HTTP error. */
export function failedRequests(logText: string): string[] {
  return logText.split('\n').filter((line) => /^fleetflags-request \S+ \S+ .+ [45]\d\d took=/.test(line));
}

function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, statSync(file).size - offset));
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, offset)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export { freePort };

export async function startTestEmulator(options: { without?: readonly string[]; stateDir?: string } = {}): Promise<TestEmulator> {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'fleetflags-emulator-'));
  const started = await startEmulator({ stateDir, port: await freePort(), without: options.without });
  return {
    ...started,
    stateDir,
    logOffset: () => statSync(started.record.log).size,
    failedRequestsSince: (offset) => failedRequests(readFrom(started.record.log, offset)),
    stop: async () => {
      await stopEmulator(stateDir);
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
