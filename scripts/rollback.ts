/**
 * npm run rollback -- --env <env> [--to <sha>] [--push]
 *
 * Reverts the last deployed change of an environment (or --to <sha>) with
 * `git revert`, on a branch rollback/<env>-<shortsha>, renders the speculative plan
 * of the revert, and opens a PR with it (GITHUB_TOKEN, GITHUB_REPOSITORY,
 * GITHUB_API_URL). --push commits the revert on the current branch and pushes it
 * (main: it deploys without review). See lib/deploy/rollback.ts.
 *
 * Writes out/rollback/<env>/<stack>.plan.json, out/rollback/<env>/pr.md and
 * out/rollback/<env>.json.
 */
import { isAwsEnvironment } from '../lib/flags/schema';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { errors } from '../lib/errors';
import { environmentOf, flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';
import { DeployHistory } from '../lib/deploy/history';
import { runRollback } from '../lib/deploy/rollback';
import { baselineCacheDir, DeployedStore } from '../lib/deploy/deployed-store';

const USAGE = 'npm run rollback -- --env <environment> [--to <sha>] [--push]';

export interface RollbackMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly repoDir?: string;
  readonly print?: (line: string) => void;
}

export async function main(args: readonly string[], options: RollbackMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, help } = parseCommandLine<{ env?: string; to?: string; push?: boolean }>(args, {
    usage: USAGE,
    options: { env: { type: 'string' }, to: { type: 'string' }, push: { type: 'boolean' } },
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  const known = flagsFiles(path.join(repoDir, 'flags')).map(environmentOf);
  if (!known.includes(values.env)) throw errors.unknownEnvironment(values.env, known);

  const history = env.GITHUB_TOKEN && env.GITHUB_REPOSITORY ? DeployHistory.fromEnv(env) : undefined;
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'].filter((v) => !env[v]);
  if (!history && !values.to) print(`deploy history: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set; using the local record of deploys (emulated environments), else the git log`);
  // An AWS environment's deployed change must come from its deploy history (or --to), never a guess from HEAD.
  const { aws } = loadFlagsOrThrow([path.join(repoDir, 'flags', `${values.env}.json`)], { expiredCatchUp: 'allow' })[0].flags;
  // An AWS environment (not offline, not the emulator on this machine).
  const isAws = isAwsEnvironment({ aws });
  const result = await runRollback({
    environment: values.env,
    requireDeployRecord: isAws,
    // An AWS environment's emergency push waits for the GitHub environment's reviewers.
    requireApprovedPush: isAws,
    breakGlassReason: env.FLEETFLAGS_BREAK_GLASS_REASON?.trim() || undefined,
    to: values.to || undefined,
    push: values.push,
    repoDir,
    env,
    history,
    store: DeployedStore.forRepo(repoDir, env),
    cacheDir: baselineCacheDir(env),
    log: print,
  });
  print(`rollback record: ${path.relative(repoDir, path.join(path.dirname(path.dirname(result.bodyFile)), `${result.environment}.json`))}`);
  return 0;
}
