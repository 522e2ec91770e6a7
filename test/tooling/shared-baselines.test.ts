/**
 * The lock the shared test baselines are built under (test/helpers/shared-baselines.ts):
 * two builders never overlap, and a lock left by a dead process (no longer refreshed) is taken over.
 */
import { existsSync, mkdirSync, rmSync, utimesSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import path from 'node:path';
import { LOCK_STALE_MS, SHARED_FLEET_BASELINES, withLock } from '../helpers/shared-baselines';
import { tempDirs } from '../helpers/temp-dirs';

const temp = tempDirs();

describe('withLock', () => {
  test('GIVEN two builders at once WHEN both take the lock THEN the second starts only after the first is done, and the lock is gone after', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    const events: string[] = [];
    const builder = (name: string) => withLock(lock, async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      events.push(`${name} end`);
      return name;
    });
    expect(await Promise.all([builder('a'), builder('b')])).toEqual(['a', 'b']);
    // Either may take the lock first (both ask at once); neither starts while the other holds it.
    const serial = (first: string, second: string) => [`${first} start`, `${first} end`, `${second} start`, `${second} end`];
    expect([serial('a', 'b'), serial('b', 'a')]).toContainEqual(events);
    expect(existsSync(lock)).toBe(false);
  });

  test('GIVEN a lock its holder stopped refreshing (a killed worker) WHEN taken THEN it is taken over', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    mkdirSync(lock);
    const stale = new Date(Date.now() - 2 * LOCK_STALE_MS);
    utimesSync(lock, stale, stale);
    expect(await withLock(lock, async () => 'taken', 5_000)).toBe('taken');
    expect(existsSync(lock)).toBe(false);
  });

  test('GIVEN a lock a live holder refreshes WHEN the wait runs out THEN the error names the lock, and the holder keeps it', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    // A lock taken from this holder fails this test, here: proper-lockfile's default would throw from its
    // refresh timer, into whichever suite the worker runs next.
    let compromised: Error | undefined;
    const release = await lockfile.lock(lock, { lockfilePath: lock, realpath: false, stale: LOCK_STALE_MS, onCompromised: (e) => (compromised = e) });
    try {
      await expect(withLock(lock, async () => 'never', 600)).rejects.toThrow(new RegExp(`waited 1 s for ${lock}: another test process holds it`));
      expect(await lockfile.check(lock, { lockfilePath: lock, realpath: false, stale: LOCK_STALE_MS })).toBe(true);
      expect(compromised).toBeUndefined();
    } finally {
      if (!compromised) await release();
    }
  });

  test('GIVEN a holder whose lock is taken from it mid-work WHEN its work ends THEN it returns its result (no uncaught error from the lock\'s refresh timer)', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    // proper-lockfile's shortest staleness (2 s): the holder refreshes every second and finds its lock gone
    const result = await withLock(lock, async () => {
      rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return 'built anyway';
    }, 5_000, 2_000);
    expect(result).toBe('built anyway');
  });

  test('the shared baselines are distinct sandbox fleet configurations', () => {
    const flags = Object.values(SHARED_FLEET_BASELINES).map((f) => f());
    expect(flags.every((f) => f.environment === 'sandbox')).toBe(true);
    expect(new Set(flags.map((f) => JSON.stringify(f))).size).toBe(flags.length);
  });
});
