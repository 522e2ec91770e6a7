/**
 * jest globalTeardown: removes the run's baseline cache that test/global-setup.js made
 * (never one given from outside), then the run's temporary folder, failing the run when
 * anything else is left in it (each suite's own folder is checked and removed by
 * test/environment.ts, which names the suite; what is left here came from outside
 * any suite: a crashed worker, or a process that outlived its suite).
 */
const { rmSync } = require('node:fs');
const { ENV, POOL_MAX_ENV } = require('./global-setup');
const { removeCheckedFolder } = require('./temp-folder.ts');

module.exports = async () => {
  if (globalThis.__fleetflagsPoolMaxSet) {
    delete process.env[POOL_MAX_ENV];
    delete globalThis.__fleetflagsPoolMaxSet;
  }
  const dir = globalThis.__fleetflagsBaselineCacheMade;
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
    if (process.env[ENV] === dir) delete process.env[ENV];
    delete globalThis.__fleetflagsBaselineCacheMade;
  }
  const run = globalThis.__fleetflagsTmpRun;
  if (!run) return;
  delete globalThis.__fleetflagsTmpRun;
  if (run.saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.saved;
  removeCheckedFolder(run.folder, 'the jest run (outside any suite)');
};
