/** jest globalTeardown: removes the run's baseline cache that test/global-setup.js made (never one given from outside). */
const { rmSync } = require('node:fs');
const { ENV } = require('./global-setup');

module.exports = async () => {
  const dir = globalThis.__fleetflagsBaselineCacheMade;
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  if (process.env[ENV] === dir) delete process.env[ENV];
  delete globalThis.__fleetflagsBaselineCacheMade;
};
