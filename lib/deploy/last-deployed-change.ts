/**
 * The last deployed change of an environment: the commit `npm run rollback` reverts when
 * no `--to` names one. "Deployed" comes from the deploy history (GitHub Deployments when
 * GITHUB_TOKEN is set, only the deploys lib/deploy/trusted-history.ts trusts; the local
 * record of deploys of an emulated environment), else from HEAD; the change is the last
 * commit at or before it, on the first-parent line, that touched `flags/<env>.json`,
 * `stacks/` or `lib/` (lib/deploy/git.ts environmentPaths).
 */
import { deployRunErrors } from '../errors';
import type { DeployedStore } from './deployed-store';
import { environmentPaths, git, resolveCommit } from './git';
import type { DeployHistoryEntry } from './history';
import { lastTrustedDeploy, type TrustPolicy } from './trusted-history';

export type DeployedSource = 'github' | 'local' | 'HEAD';

export interface LastDeployedChange {
  /** The commit to revert. */
  readonly commit: string;
  /** The commit the environment runs (its last successful deploy), or HEAD when unknown. */
  readonly deployed: string;
  readonly source: DeployedSource;
}

export interface FindOptions {
  readonly repoDir: string;
  /** GitHub Deployments (DeployHistory.list). @default none */
  readonly history?: { list(environment: string, limit?: number): Promise<DeployHistoryEntry[]> };
  /** The local record of deploys of an emulated environment. @default none */
  readonly store?: DeployedStore;
  /** Which history entries count. @default the deploy workflow's identity, commits on origin/main */
  readonly trust?: Omit<TrustPolicy, 'repoDir'>;
  readonly log?: (line: string) => void;
}

/** The last deployed change of `environment` (see the module comment). */
export async function findLastDeployedChange(environment: string, options: FindOptions): Promise<LastDeployedChange> {
  const { repoDir } = options;
  let deployed: string | undefined;
  let source: DeployedSource = 'HEAD';
  if (options.history) {
    // Only deploys by the deploy workflow, with our payload, of a commit on main (lib/deploy/trusted-history.ts).
    const last = await lastTrustedDeploy(await options.history.list(environment, 30), environment, { repoDir, ...options.trust, log: options.log });
    if (last) {
      if (await resolveCommit(last.commit, repoDir)) {
        deployed = last.commit;
        source = 'github';
      } else {
        options.log?.(`warning: the last deployed commit ${last.commit.slice(0, 12)} is not in this clone; using HEAD`);
      }
    }
  }
  if (!deployed && options.store) {
    const last = options.store.lastDeploy(environment);
    if (last && (await resolveCommit(last.commit, repoDir))) {
      deployed = last.commit;
      source = 'local';
    }
  }
  deployed ??= await git(['rev-parse', 'HEAD'], repoDir);
  const paths = environmentPaths(environment);
  const commit = await git(['log', '--first-parent', '-1', '--format=%H', deployed, '--', ...paths], repoDir);
  if (!commit) throw deployRunErrors.nothingToRollBack(environment, paths);
  return { commit, deployed, source };
}
