/**
 * Fleet-stack baselines that several suites plan against, built once per test run.
 *
 * Every configuration in SHARED_FLEET_BASELINES is folded in ONE buildBaselines
 * (lib/plan/baselines.ts) into the run's baseline cache (baseline-cache.ts): the
 * fleet stacks of the sandbox share one provider configuration, so each round is one
 * `plan` + one `show` with one AWS provider process for all of them, where each suite
 * used to run a fixpoint of its own. The first suite that asks builds them all, under a
 * lock: a suite asking meanwhile (the other jest worker) waits instead of building the
 * same baselines again, then reads them from the cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Flags } from '../../lib/flags/schema';
import { type Baseline, buildBaselines } from '../../lib/plan/baselines';
import { testBaselineCache } from './baseline-cache';
import { fleetFlags } from './fleet-flags';
import { synthFleetStack } from './fleet-synth';

const EVERYTHING_ON = { spot: true, arch: true, autoscaling: true, catchUp: true, quarantines: true } as const;

/** The shared baselines: name -> the flags of the sandbox fleet stack it is a baseline of. */
export const SHARED_FLEET_BASELINES = {
  /** Every fleet flag off: amd64, 2 on-demand instances, fixed size (test/lib/cost/estimate.test.ts). */
  'all-off': (): Flags => fleetFlags(),
  /** Every fleet flag on: spot ratio, arm64, autoscaling, a catch-up fleet, two quarantines (fleet-plan-regressions). */
  'all-on': (): Flags => fleetFlags(EVERYTHING_ON),
  /** Every fleet flag on but autoscaling (fleet-plan-regressions: turning autoscaling on). */
  'all-on-fixed-size': (): Flags => fleetFlags({ ...EVERYTHING_ON, autoscaling: false }),
} as const;

export type SharedFleetBaseline = keyof typeof SHARED_FLEET_BASELINES;

/** How long a suite waits for another to finish building before it gives up. */
const LOCK_TIMEOUT_MS = 20 * 60_000;
const LOCK_POLL_MS = 250;

/** The baselines asked for, from the run's cache; the first call of the run builds every shared baseline together. */
export async function sharedFleetBaselines<N extends SharedFleetBaseline>(names: readonly N[]): Promise<Map<N, Baseline>> {
  const cache = testBaselineCache();
  const stacks = new Map(Object.entries(SHARED_FLEET_BASELINES).map(([name, flags]) => [name, synthFleetStack(flags())]));
  const built = await withLock(path.join(cache, '.shared-fleet-baselines.lock'), async () => {
    const workdir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-shared-baselines-'));
    try {
      return await buildBaselines(stacks, { workdir, cacheDir: cache });
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });
  return new Map(names.map((name) => [name, built.get(name)!]));
}

/**
 * Runs `work` holding a lock (proper-lockfile: an atomic mkdir whose mtime the holder
 * refreshes; a lock not refreshed for LOCK_STALE_MS, its holder killed, is taken over).
 */
export async function withLock<T>(lock: string, work: () => Promise<T>, timeoutMs = LOCK_TIMEOUT_MS, staleMs = LOCK_STALE_MS): Promise<T> {
  // A holder whose lock was taken over meanwhile (its event loop stalled past staleMs, or the directory
  // went) finishes its work anyway: the baselines are written atomically and keyed by content, so two
  // builders at once only duplicate work. proper-lockfile's default would throw from a timer instead,
  // an uncaught exception that ends the jest worker.
  let compromised = false;
  const release = await acquire(lock, timeoutMs, staleMs, () => (compromised = true));
  try {
    return await work();
  } finally {
    if (!compromised) await release();
  }
}

/** A holder refreshes its lock every LOCK_STALE_MS / 2; a lock older than this has no holder. */
export const LOCK_STALE_MS = 30_000;

async function acquire(lock: string, timeoutMs: number, staleMs: number, onCompromised: () => void): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      return await lockfile.lock(lock, { lockfilePath: lock, realpath: false, stale: staleMs, retries: 0, onCompromised });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`waited ${Math.round(timeoutMs / 1000)} s for ${lock}: another test process holds it and is still at work; remove the directory if no test run is`);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
}
