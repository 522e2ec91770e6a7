/**
 * jest globalSetup: one speculative-baseline cache for the whole run, shared by every
 * suite and every script the suites start (FLEETFLAGS_BASELINE_CACHE; the workers and
 * their child processes inherit it). Baselines are keyed by configuration, providers and
 * algorithm (lib/plan/speculative.ts), so suites that build the same baseline build it
 * once per run, not once per suite; writes are atomic, so two workers building the same
 * one at once only duplicate work. Fresh each run (removed by test/global-teardown.js),
 * so a run never depends on what an earlier run left. A cache given from outside (the
 * variable already set) is used and kept.
 */
const { mkdtempSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ENV = 'FLEETFLAGS_BASELINE_CACHE';

module.exports = async () => {
  if (process.env[ENV]) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-test-baselines-'));
  process.env[ENV] = dir;
  // Read by the teardown (jest runs both in this process).
  globalThis.__fleetflagsBaselineCacheMade = dir;
};
module.exports.ENV = ENV;
