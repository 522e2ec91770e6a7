/**
 * The local record of deploys of an emulated environment (lib/deploy/deployed-store.ts).
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
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

describe('DeployedStore Terraform data directories', () => {
  test('GIVEN a deploy\'s and a drift check\'s data directories WHEN the environment starts over THEN both are gone, and the history stays', () => {
    // GIVEN
    const store = new DeployedStore(tempDir('store-'));
    const deployDir = store.terraformDataDir('sandbox', 'sandbox-fleet');
    const driftDir = store.terraformDataDir('sandbox', 'sandbox-fleet', 'drift');
    for (const dir of [deployDir, driftDir]) mkdirSync(dir, { recursive: true });
    store.appendHistory({ environment: 'sandbox', commit: 'a1', actor: 'ada', outcome: 'success', startedAt: '2026-11-27T10:00:00.000Z', durationSeconds: 40, flagsChanged: [] });

    // WHEN
    store.startOver('sandbox');

    // THEN two directories, not one shared (their synthesized trees differ), both under terraform/
    expect(deployDir).toBe(path.join(store.dir('sandbox'), 'terraform', 'sandbox-fleet'));
    expect(driftDir).toBe(path.join(store.dir('sandbox'), 'terraform', 'drift', 'sandbox-fleet'));
    expect([existsSync(deployDir), existsSync(driftDir)]).toEqual([false, false]);
    expect(store.history('sandbox')).toHaveLength(1);
  });
});
