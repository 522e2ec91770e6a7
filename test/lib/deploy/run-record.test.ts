/**
 * The end of a deploy (lib/deploy/run-record.ts): the record is on disk whatever the
 * local history write does afterwards.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeployedStore } from '../../../lib/deploy/deployed-store';
import { PhaseTimer } from '../../../lib/deploy/phases';
import { persistRun, writeDeployRecord, type DeployRunRecord } from '../../../lib/deploy/run-record';
import { deployRunErrors, ExitCode } from '../../../lib/errors';

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
  test('GIVEN a deploy that failed, a history write that throws and a disk full by the record\'s update WHEN the deploy ends THEN the first record stays whole and the run\'s error is the deploy\'s first, then the record\'s, then the history\'s', () => {
    // GIVEN the second record write runs out of space halfway through its file
    const outDir = path.join(dir, 'out');
    let writes = 0;
    const writeRecord = (r: DeployRunRecord, d: string) => writeDeployRecord(r, d, { writeFile: ++writes === 1 ? (f, data) => writeFileSync(f, data) : halfThenFull });
    const deployError = deployRunErrors.applyFailed('sandbox', 'sandbox-fleet', 'Error: creating Auto Scaling Group: ValidationError', ['sandbox-data']);

    // WHEN
    const result = persistRun(recordOf('apply-failed'), {
      outDir,
      writeHistory: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      historyDir: '.fleetflags/state/sandbox',
      timer: new PhaseTimer(),
      writeRecord,
      deployError,
    });

    // THEN the first record is on disk, whole, and nothing else is left in the directory
    const onDisk = JSON.parse(readFileSync(path.join(outDir, 'sandbox.json'), 'utf8')) as DeployRunRecord;
    expect(onDisk.outcome).toBe('apply-failed');
    expect(onDisk).not.toHaveProperty('localHistory');
    expect(readdirSync(outDir)).toEqual(['sandbox.json']);
    expect(result.recordWritten).toBe(true);
    // AND the run's error keeps the deploy's exit code and message first, then the record's, then the history's
    expect(result.error?.exitCode).toBe(ExitCode.ApplyFailed);
    const lines = result.error!.message.split('\n');
    expect(lines[0]).toBe(deployError.message.split('\n')[0]);
    expect(result.error!.message).toMatch(/\nAlso: The record of the deploy of sandbox is in .*sandbox\.json, but its final update .* could not be written: ENOSPC[^]*\nAlso: The deploy of sandbox ended \(apply-failed\) and its record is in .*, but the local deploy history in \.fleetflags\/state\/sandbox could not be written: ENOSPC/);
  });

  test('GIVEN a disk full before the first record WHEN the deploy ends THEN the history is still written and the run fails naming the record, without a raw ENOSPC', () => {
    // GIVEN
    const outDir = path.join(dir, 'out');
    const store = new DeployedStore(path.join(dir, 'state'));

    // WHEN
    const result = persistRun(recordOf('success'), {
      outDir,
      writeRecord: (r, d) => writeDeployRecord(r, d, { writeFile: halfThenFull }),
      writeHistory: () => store.appendHistory({ environment: 'sandbox', commit: 'c'.repeat(40), actor: 'ada', outcome: 'success', startedAt: '2026-11-27T22:00:00.000Z', durationSeconds: 9, flagsChanged: [], guards: [] }),
      historyDir: store.dir('sandbox'),
    });

    // THEN no record, no partial file; the history has the deploy; the error names the file, the cause and the fix
    expect(readdirSync(outDir)).toEqual([]);
    expect(result.recordWritten).toBe(false);
    expect(store.history('sandbox').map((h) => h.outcome)).toEqual(['success']);
    expect(result.error?.exitCode).toBe(ExitCode.Failure);
    expect(result.error?.message).toMatch(/^The deploy of sandbox ended \(success\), but its record could not be written to .*sandbox\.json: ENOSPC: no space left on device.*fix: /);
  });

  test('GIVEN a disk full for both the record and the history WHEN the deploy ends THEN the history\'s error does not claim a record on disk', () => {
    const result = persistRun(recordOf('success'), {
      outDir: path.join(dir, 'out'),
      writeRecord: (r, d) => writeDeployRecord(r, d, { writeFile: halfThenFull }),
      writeHistory: () => halfThenFull(path.join(dir, 'history.jsonl'), '{}'),
      historyDir: '.fleetflags/state/sandbox',
    });

    expect(result.error?.message.split('\n')).toEqual([
      expect.stringMatching(/^The deploy of sandbox ended \(success\), but its record could not be written to .*sandbox\.json: ENOSPC/),
      expect.stringMatching(/^Also: The deploy of sandbox ended \(success\) and its record could not be written, but the local deploy history in \.fleetflags\/state\/sandbox could not be written: ENOSPC/),
    ]);
  });
});

describe('writeDeployRecord', () => {
  test('GIVEN a record on disk WHEN a new one runs out of space halfway THEN the old record is whole, no temporary file is left, and the write error is thrown', () => {
    // GIVEN
    const outDir = path.join(dir, 'out');
    writeDeployRecord(recordOf('success'), outDir);
    const before = readFileSync(path.join(outDir, 'sandbox.json'), 'utf8');

    // WHEN / THEN
    expect(() => writeDeployRecord(recordOf('unhealthy'), outDir, { writeFile: halfThenFull })).toThrow(/ENOSPC/);
    expect(readFileSync(path.join(outDir, 'sandbox.json'), 'utf8')).toBe(before);
    expect(readdirSync(outDir)).toEqual(['sandbox.json']);
  });

  test('GIVEN a directory that does not exist WHEN a record is written THEN it is created and the record reads back', () => {
    const outDir = path.join(dir, 'a', 'b');
    const file = writeDeployRecord(recordOf('planned'), outDir);
    expect(file).toBe(path.join(outDir, 'sandbox.json'));
    expect((JSON.parse(readFileSync(file, 'utf8')) as DeployRunRecord).outcome).toBe('planned');
  });
});

/** A full disk: half of the data reaches the file, then ENOSPC. */
function halfThenFull(file: string, data: string): void {
  writeFileSync(file, data.slice(0, data.length / 2));
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
}

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
    planCounts: { add: 0, change: 1, destroy: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0 },
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
