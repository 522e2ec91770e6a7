/**
 * Where speculative baselines are cached (lib/plan/baselines.ts), in a module of its own:
 * the deploy's local store and the scripts ask for the directory without loading the plan
 * runner (and with it the synthesizer, cdktf and the provider classes).
 */
import path from 'node:path';
import { pluginCacheDir } from '../terraform/cli-config';

/** The environment variable that moves the baseline cache (npm run plan, rollback; the test run's own cache). */
export const BASELINE_CACHE_ENV = 'FLEETFLAGS_BASELINE_CACHE';

/** FLEETFLAGS_BASELINE_CACHE when set, else next to the plugin cache and the provider schemas. */
export function defaultBaselineCache(env: NodeJS.ProcessEnv = process.env): string {
  return env[BASELINE_CACHE_ENV] ? path.resolve(env[BASELINE_CACHE_ENV]) : path.join(path.dirname(pluginCacheDir(env)), 'baselines');
}
