/**
 * The end of a deploy (lib/deploy/run-record.ts): the record is on disk whatever the
 * local history write does afterwards.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeployRunRecord } from '../../../lib/deploy/deploy';
import { DeployedStore } from '../../../lib/deploy/deployed-store';
import { PhaseTimer } from '../../../lib/deploy/phases';
import { persistRun } from '../../../lib/deploy/run-record';
import { ExitCode } from '../../../lib/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-record-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('persistRun', () => {
  test('GIVEN a local history that cannot be written WHEN the deploy ends THEN the record is still on disk, says why, and the run fails with a named error', () => {
    // GIVEN a state directory that is a file: every history write throws (ENOTDIR)
    const stateFile = path.join(dir, 'state');
    writeFileSync(stateFile, 'not a directory');
    const store = new DeployedStore(stateFile);
    const outDir = path.join(dir, 'out');
    const timer = new PhaseTimer();
    timer.add('plan', 1200);

    // WHEN
    const result = persistRun(recordOf('success'), {
      outDir,
      writeHistory: () => store.appendHistory({ environment: 'sandbox', commit: 'c'.repeat(40), actor: 'ada', outcome: 'success', startedAt: '2026-11-27T22:00:00.000Z', durationSeconds: 9, flagsChanged: [], guards: [] }),
      historyDir: stateFile,
      timer,
      terraformProcesses: { plan: 2, show: 2, apply: 1 },
    });

    // THEN the record is there, with the deploy's outcome, its timings, and why the history is missing
    const onDisk = JSON.parse(readFileSync(path.join(outDir, 'sandbox.json'), 'utf8')) as DeployRunRecord;
    expect(result.file).toBe(path.join(outDir, 'sandbox.json'));
    expect(onDisk.outcome).toBe('success');
    expect(onDisk.terraformProcesses).toEqual({ plan: 2, show: 2, apply: 1 });
    expect(onDisk.phases?.map((p) => p.phase)).toEqual(['plan', 'record']);
    expect(onDisk.localHistory).toEqual({ recorded: false, dir: stateFile, reason: expect.stringMatching(/ENOTDIR|EEXIST/) });
    // AND the run's error names the environment, the record, the directory, the cause and the fix
    expect(result.historyError?.exitCode).toBe(ExitCode.Failure);
    expect(result.historyError?.message).toMatch(
      new RegExp(`^The deploy of sandbox ended \\(success\\) and its record is in .*sandbox\\.json, but the local deploy history in ${stateFile} could not be written: .*(ENOTDIR|EEXIST).*fix: .*npm run deploy -- --env sandbox`),
    );
  });

  test('GIVEN a writable state directory WHEN the deploy ends THEN the history has the deploy and the record says it was written', () => {
    // GIVEN
    const store = new DeployedStore(path.join(dir, 'state'));
    const outDir = path.join(dir, 'out');
    const timer = new PhaseTimer();

    // WHEN
    const result = persistRun(recordOf('unhealthy'), {
      outDir,
      writeHistory: () => store.appendHistory({ environment: 'sandbox', commit: 'c'.repeat(40), actor: 'ada', outcome: 'unhealthy', startedAt: '2026-11-27T22:00:00.000Z', durationSeconds: 9, flagsChanged: [], guards: [] }),
      historyDir: store.dir('sandbox'),
      timer,
    });

    // THEN
    expect(result.historyError).toBeUndefined();
    expect(store.history('sandbox').map((h) => h.outcome)).toEqual(['unhealthy']);
    const onDisk = JSON.parse(readFileSync(result.file, 'utf8')) as DeployRunRecord;
    expect(onDisk.localHistory).toEqual({ recorded: true, dir: store.dir('sandbox') });
    expect(onDisk.phases?.map((p) => p.phase)).toEqual(['record']);
  });

  test('GIVEN an environment whose history is GitHub\'s (no local history) WHEN the deploy ends THEN only the record is written, with no local-history field', () => {
    const outDir = path.join(dir, 'out');
    const result = persistRun(recordOf('guard-refused'), { outDir });
    const onDisk = JSON.parse(readFileSync(result.file, 'utf8')) as DeployRunRecord;
    expect(onDisk.outcome).toBe('guard-refused');
    expect(onDisk).not.toHaveProperty('localHistory');
    expect(existsSync(path.join(dir, 'state'))).toBe(false);
  });
});

function recordOf(outcome: DeployRunRecord['outcome']): DeployRunRecord {
  return {
    format: 'fleetflags.deploy-record/1',
    environment: 'sandbox',
    commit: 'c'.repeat(40),
    commits: { head: 'c'.repeat(40) },
    pr: null,
    actor: 'ada',
    runUrl: null,
    mode: 'terraform',
    simulated: false,
    flagsChanged: [],
    planCounts: { add: 0, change: 1, destroy: 0, replace: 0 },
    stacks: [],
    guards: [],
    history: { recorded: false, reason: 'GITHUB_TOKEN is not set' },
    marker: { posted: false, reason: 'HONEYCOMB_API_KEY is not set' },
    startedAt: '2026-11-27T22:00:00.000Z',
    finishedAt: '2026-11-27T22:00:09.000Z',
    durationSeconds: 9,
    outcome,
    exitCode: 0,
  };
}
