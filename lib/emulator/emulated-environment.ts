/**
 * Deploying to an emulated environment (`aws.endpoint`): the emulator must answer,
 * and must be the one the environment's state describes. A restarted emulator is
 * empty; its boot ID differs from the one recorded with the state, so the sandbox
 * starts over (state forgotten, everything created again) with a clear message,
 * instead of Terraform failing on resources that no longer exist.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorErrors } from '../errors';
import type { DeployedStore } from '../deploy/deployed-store';
import { fetchEmulatorInfo, type EmulatorInfo } from './emulator';

/** `<state dir>/state/<env>/emulator.json`: the emulator the state was written against. */
export interface EmulatorBoot {
  readonly endpoint: string;
  readonly bootId: string;
}

function bootFile(store: DeployedStore, environment: string): string {
  return path.join(store.dir(environment), 'emulator.json');
}

export function recordedBoot(store: DeployedStore, environment: string): EmulatorBoot | undefined {
  const file = bootFile(store, environment);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmulatorBoot;
  } catch {
    return undefined;
  }
}

export function recordBoot(store: DeployedStore, environment: string, boot: EmulatorBoot): void {
  mkdirSync(store.dir(environment), { recursive: true });
  writeFileSync(bootFile(store, environment), `${JSON.stringify(boot, null, 2)}\n`);
}

export interface PrepareOptions {
  readonly environment: string;
  readonly endpoint: string;
  readonly store: DeployedStore;
  readonly log?: (line: string) => void;
  /** @default GET <endpoint>/fleetflags/emulator */
  readonly fetchInfo?: (endpoint: string) => Promise<EmulatorInfo | undefined>;
}

export interface PreparedEmulator {
  readonly info: EmulatorInfo;
  /** True when the state was from an earlier boot and has been forgotten. */
  readonly startedOver: boolean;
}

/** Checks the emulator and the state before a plan; records the boot the state now belongs to. */
export async function prepareEmulatedEnvironment(options: PrepareOptions): Promise<PreparedEmulator> {
  const info = await (options.fetchInfo ?? fetchEmulatorInfo)(options.endpoint);
  if (!info) throw emulatorErrors.notRunning(options.environment, options.endpoint);
  const recorded = recordedBoot(options.store, options.environment);
  let startedOver = false;
  if (recorded && recorded.bootId !== info.bootId && options.store.stateFiles(options.environment).length > 0) {
    options.log?.(
      `emulator: ${options.endpoint} restarted since the last deploy of ${options.environment} (boot ${recorded.bootId.slice(0, 8)} → ${info.bootId.slice(0, 8)}); ` +
        `an emulator forgets everything when it stops, so ${options.environment} starts over: its state is forgotten and every resource is created again`,
    );
    options.store.startOver(options.environment);
    startedOver = true;
  }
  recordBoot(options.store, options.environment, { endpoint: options.endpoint, bootId: info.bootId });
  return { info, startedOver };
}
