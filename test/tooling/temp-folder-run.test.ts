/**
 * The temporary-folder guard in a whole jest run (test/global-setup.js,
 * test/environment.ts, test/global-teardown.js): a suite that leaves anything
 * behind fails, naming itself and what it left; nothing stays in the temporary
 * folder jest was started with. Its functions: test/tooling/temp-folder.test.ts. In the same
 * run, the environment's other duty per suite: the AsyncLocalStorage instances a suite made are
 * disabled when it is done (test/async-local-storage.ts).
 *
 * @integration: runs jest itself in a child process; left out of `npm run test:quick`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirs } from '../helpers/temp-dirs';

const ROOT = path.join(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const tempDir = tempDirs();

describe('a jest run with the guard', () => {
  test('GIVEN a suite that leaves files (its own and a child process\'s), one that escapes to the run folder, and clean ones WHEN run THEN it fails naming each, and the TMPDIR jest started with is empty; each suite\'s AsyncLocalStorage instances are off after it', () => {
    // GIVEN a project of three small suites, run with this project's environment, global setup and teardown
    const project = tempDir('guard-project-');
    const outer = tempDir('guard-tmpdir-');
    writeFileSync(
      path.join(project, 'jest.config.js'),
      `const base = require(${JSON.stringify(path.join(ROOT, 'jest.config.js'))});
const [[pattern, [, swcOptions]]] = Object.entries(base.transform);
module.exports = { rootDir: __dirname, roots: ['<rootDir>'], testMatch: ['**/*.test.js'],
  transform: { [pattern]: [require.resolve('@swc/jest', { paths: [${JSON.stringify(ROOT)}] }), swcOptions] },
  testEnvironment: base.testEnvironment.replace('<rootDir>', ${JSON.stringify(ROOT)}),
  globalSetup: base.globalSetup.replace('<rootDir>', ${JSON.stringify(ROOT)}),
  globalTeardown: base.globalTeardown.replace('<rootDir>', ${JSON.stringify(ROOT)}),
  cacheDirectory: ${JSON.stringify(path.join(ROOT, '.jest-cache'))}, maxWorkers: 1 };\n`,
    );
    writeFileSync(
      path.join(project, 'leaky.test.js'),
      `const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path'); const { execFileSync } = require('node:child_process');
test('leaves things', () => {
  fs.writeFileSync(path.join(os.tmpdir(), 'left-behind.txt'), 'x');
  execFileSync('mktemp', ['-d', '-t', 'child-made.XXXXXX']);
});\n`,
    );
    writeFileSync(
      path.join(project, 'escapes.test.js'),
      `const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
test('writes next to its own folder', () => { fs.writeFileSync(path.join(path.dirname(os.tmpdir()), 'escaped.txt'), 'x'); });\n`,
    );
    writeFileSync(
      path.join(project, 'clean.test.js'),
      `const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
test('cleans up', () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mine-')); fs.rmSync(d, { recursive: true }); });\n`,
    );

    // AND two suites that each record the AsyncLocalStorage instances their file made (jest-circus makes one
    // per file) and check those of the suite before them in the worker: disabled, and no longer tracked
    const storages = `const hooks = require('node:async_hooks');
const state = hooks[Symbol.for('fleetflags.asyncLocalStorages')];
test('the instances of the suites before this one are off', () => {
  const earlier = (hooks.fleetflagsSeen ??= []);
  expect(state.made.length).toBe(1);
  expect(earlier.filter((s) => s.enabled)).toEqual([]);
  earlier.push(...state.made);
});\n`;
    writeFileSync(path.join(project, 'storages-a.test.js'), storages);
    writeFileSync(path.join(project, 'storages-b.test.js'), storages);

    // WHEN jest runs them with that TMPDIR
    const run = spawnSync(process.execPath, [JEST, '--config', path.join(project, 'jest.config.js')], {
      cwd: project,
      env: { ...process.env, TMPDIR: outer, FLEETFLAGS_BASELINE_CACHE: '' },
      encoding: 'utf8',
    });

    // THEN the leaky suite fails, naming itself, its file and the child's directory; the clean one passes
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/FAIL .*leaky\.test\.js/);
    expect(run.stderr).toMatch(/leaky\.test\.js left 2 entries in its temporary folder [^:]*: child-made\.[A-Za-z0-9]+\/, left-behind\.txt; allowed: nothing/);
    expect(run.stderr).toMatch(/PASS .*clean\.test\.js/);
    // AND the AsyncLocalStorage instances of each suite were disabled when it was done (test/async-local-storage.ts)
    expect(run.stderr).toMatch(/PASS .*storages-a\.test\.js/);
    expect(run.stderr).toMatch(/PASS .*storages-b\.test\.js/);
    // AND the run's own check names what was left outside any suite
    expect(run.stderr).toMatch(/the jest run \(outside any suite\) left 1 entry in its temporary folder [^:]*: escaped\.txt/);
    // AND nothing is left in the temporary folder jest was started with
    expect(readdirSync(outer)).toEqual([]);
  });
});
