/**
 * The test run's speculative-baseline cache (test/global-setup.js: one per jest run,
 * FLEETFLAGS_BASELINE_CACHE, removed at the end). Suites that need a baseline of a
 * configuration build it through this cache, so it is built once per run, whichever
 * suite needs it first; the scripts the suites start read the same variable.
 * (test/lib/plan/speculative.test.ts keeps a fresh cache of its own: it tests building.)
 */
import { BASELINE_CACHE_ENV } from '../../lib/plan/baseline-cache-dir';

export function testBaselineCache(): string {
  const dir = process.env[BASELINE_CACHE_ENV];
  if (!dir) throw new Error(`${BASELINE_CACHE_ENV} is not set: run the suites through jest with jest.config.js (its globalSetup, test/global-setup.js, makes the run's baseline cache)`);
  return dir;
}
