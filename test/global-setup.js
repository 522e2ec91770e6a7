/**
 * jest globalSetup:
 * - The run's own temporary folder: TMPDIR is set to a fresh folder under the one jest
 *   was started with, so the workers, the suites and every script they start write there
 *   (test/environment.ts gives each suite a folder of its own inside it and fails a
 *   suite that leaves anything; test/global-teardown.js checks and removes the run's folder).
 * - One speculative-baseline cache for the whole run, shared by every suite and every
 *   script the suites start (FLEETFLAGS_BASELINE_CACHE; the workers and their child
 *   processes inherit it). Baselines are keyed by configuration, providers and algorithm
 *   (lib/plan/baselines.ts), so suites that build the same baseline build it once per
 *   run, not once per suite; writes are atomic, so two workers building the same one at
 *   once only duplicate work. Fresh each run (removed by test/global-teardown.js), so a
 *   run never depends on what an earlier run left. A cache given from outside (the
 *   variable already set) is used and kept.
 * - At most 2 provider servers per worker (FLEETFLAGS_PROVIDER_POOL_MAX, unless set):
 *   each is an AWS provider of a few hundred MB, and jest runs several workers at once.
 */
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RUN_FOLDER_PREFIX } = require('./temp-folder.ts');

const ENV = 'FLEETFLAGS_BASELINE_CACHE';
// lib/terraform/provider-pool.ts PROVIDER_POOL_MAX_ENV (this file is plain JavaScript, not bundled).
const POOL_MAX_ENV = 'FLEETFLAGS_PROVIDER_POOL_MAX';
const JEST_POOL_MAX = 2;

module.exports = async () => {
  // Read by the teardown (jest runs both in this process).
  const run = mkdtempSync(path.join(os.tmpdir(), RUN_FOLDER_PREFIX));
  globalThis.__fleetflagsTmpRun = { folder: run, saved: process.env.TMPDIR };
  process.env.TMPDIR = run;
  if (process.env[POOL_MAX_ENV] === undefined) {
    process.env[POOL_MAX_ENV] = String(JEST_POOL_MAX);
    globalThis.__fleetflagsPoolMaxSet = true;
  }
  if (process.env[ENV]) return;
  const dir = mkdtempSync(path.join(run, 'baselines-'));
  process.env[ENV] = dir;
  globalThis.__fleetflagsBaselineCacheMade = dir;
};
module.exports.ENV = ENV;
module.exports.POOL_MAX_ENV = POOL_MAX_ENV;
