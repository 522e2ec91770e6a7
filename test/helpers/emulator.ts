/**
 * An emulator of a test's own: on a free port, with its own state directory, stopped
 * (that PID only) by `stop()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmulator, stopEmulator, type StartResult } from '../../lib/emulator/emulator';

export interface TestEmulator extends StartResult {
  readonly stateDir: string;
  stop(): Promise<void>;
}

export { freePort };

export async function startTestEmulator(options: { without?: readonly string[]; stateDir?: string } = {}): Promise<TestEmulator> {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'fleetflags-emulator-'));
  const started = await startEmulator({ stateDir, port: await freePort(), without: options.without });
  return {
    ...started,
    stateDir,
    stop: async () => {
      await stopEmulator(stateDir);
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
