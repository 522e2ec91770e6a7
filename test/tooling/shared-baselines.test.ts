/**
 * The lock the shared test baselines are built under (test/helpers/shared-baselines.ts):
 * two builders never overlap, and a lock left by a dead process is taken over.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_FLEET_BASELINES, withLock } from '../helpers/shared-baselines';
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
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(existsSync(lock)).toBe(false);
  });

  test('GIVEN a lock whose holder is gone WHEN taken THEN it is taken over', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    mkdirSync(lock);
    // No process has PID 2^22 + 1 (above Linux's pid_max limit).
    writeFileSync(path.join(lock, 'pid'), String(2 ** 22 + 1));
    expect(await withLock(lock, async () => 'taken', 5_000)).toBe('taken');
  });

  test('GIVEN a lock held by a live process WHEN the wait runs out THEN the error names the lock and its holder', async () => {
    const lock = path.join(temp('fleetflags-lock-'), 'lock');
    mkdirSync(lock);
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    await expect(withLock(lock, async () => 'never', 600)).rejects.toThrow(new RegExp(`waited 1 s for ${lock}: its holder \\(PID ${process.pid}\\) is still at work`));
  });

  test('the shared baselines are distinct sandbox fleet configurations', () => {
    const flags = Object.values(SHARED_FLEET_BASELINES).map((f) => f());
    expect(flags.every((f) => f.environment === 'sandbox')).toBe(true);
    expect(new Set(flags.map((f) => JSON.stringify(f))).size).toBe(flags.length);
  });
});
