/**
 * The environments of this repository, read from flags/ (one flags/<environment>.json
 * each), so that adding an environment is one new file and no test lists them by hand.
 *
 * @reads flags/*.json
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const FLAGS_DIR = 'flags';

/** Every environment with a flags file, sorted by name. */
export function shippedEnvironments(dir: string = FLAGS_DIR): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json') && n !== 'schema.json')
    .map((n) => n.replace(/\.json$/, ''))
    .sort();
}

/**
 * A name no flags file has, for tests that add an environment: "staging" unless the repository has one
 * (adding flags/staging.json must not break the tests that simulate adding it).
 */
export function newEnvironmentName(dir: string = FLAGS_DIR): string {
  const taken = new Set(shippedEnvironments(dir));
  const name = ['staging', 'qa', 'uat', 'perf', 'preprod', 'canary'].find((n) => !taken.has(n));
  if (!name) throw new Error(`every candidate name for a new environment is taken in ${dir}`);
  return name;
}

/** The environments CI deploys from main (those with a `deploy` section), in `deploy.order`. */
export function deployableEnvironments(dir: string = FLAGS_DIR): string[] {
  return shippedEnvironments(dir)
    .map((environment) => ({ environment, deploy: JSON.parse(readFileSync(path.join(dir, `${environment}.json`), 'utf8')).deploy as { order: number } | undefined }))
    .filter((e) => e.deploy !== undefined)
    .sort((a, b) => a.deploy!.order - b.deploy!.order)
    .map((e) => e.environment);
}
