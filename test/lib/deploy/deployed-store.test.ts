/**
 * The local record of deploys of an emulated environment (lib/deploy/deployed-store.ts).
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { DeployedStore } from '../../../lib/deploy/deployed-store';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

describe('DeployedStore history', () => {
  const entry = (commit: string, outcome: string) => ({
    environment: 'sandbox',
    commit,
    actor: 'ada',
    outcome,
    startedAt: '2026-11-27T10:00:00.000Z',
    durationSeconds: 40,
    flagsChanged: [],
  });

  test('GIVEN two deploys WHEN read THEN newest first, with their fields', () => {
    const store = new DeployedStore(tempDir('store-'));
    store.appendHistory(entry('a1', 'success'));
    store.appendHistory({ ...entry('b2', 'guard-refused'), guards: [{ guard: 'ChangeSize', outcome: 'block', message: 'too big' }] });
    expect(store.history('sandbox').map((e) => [e.commit, e.outcome, e.guards?.[0]?.guard])).toEqual([
      ['b2', 'guard-refused', 'ChangeSize'],
      ['a1', 'success', undefined],
    ]);
  });

  test('GIVEN a line cut short by a crash WHEN read THEN the other deploys are still there', () => {
    const store = new DeployedStore(tempDir('store-'));
    store.appendHistory(entry('a1', 'success'));
    appendFileSync(path.join(store.dir('sandbox'), 'history.jsonl'), '{"environment":"sandbox","commit":"to\n');
    store.appendHistory(entry('c3', 'success'));
    expect(store.history('sandbox').map((e) => e.commit)).toEqual(['c3', 'a1']);
  });
});
