/**
 * What a rollback may revert, and when it may skip review (issue 11, finding 5):
 *
 * - `--to <sha>` must be a commit on main that changed the environment's files:
 *   reverting a commit from another branch would put that branch's change onto
 *   main, and reverting an unrelated commit rolls nothing back.
 * - `--push` (straight to main, deploying without a PR) is for emergencies and
 *   needs a GitHub environment with required reviewers: the rollback workflow's
 *   push job runs in it, so someone approves before anything is pushed.
 */
import type { Octokit } from '@octokit/rest';
import { deployRunErrors } from '../errors';
import { requiredReviewers } from '../github/environment-settings';
import { environmentPaths, gitRaw } from './git';

/** `refs/remotes/<remote>/<main>` when the clone has it, else `refs/heads/<main>`. */
export async function mainRefOf(repoDir: string, remote = 'origin', mainBranch = 'main'): Promise<string> {
  const remoteRef = `refs/remotes/${remote}/${mainBranch}`;
  return (await gitRaw(['rev-parse', '--verify', '--quiet', remoteRef], repoDir)).code === 0 ? remoteRef : `refs/heads/${mainBranch}`;
}

/** Throws unless `sha` is on `mainRef` and changed one of the environment's paths. */
export async function checkRollbackTarget(rev: string, sha: string, environment: string, repoDir: string, mainRef: string): Promise<void> {
  if ((await gitRaw(['merge-base', '--is-ancestor', sha, mainRef], repoDir)).code !== 0) {
    throw deployRunErrors.rollbackTargetNotOnMain(rev, sha, mainRef.replace(/^refs\/(remotes|heads)\//, ''));
  }
  const paths = environmentPaths(environment);
  // Against the first parent: for a merge commit, what the whole PR changed.
  const changed = await gitRaw(['diff', '--name-only', `${sha}^1`, sha, '--', ...paths], repoDir);
  if (changed.code !== 0 || changed.stdout.trim() === '') throw deployRunErrors.rollbackTargetUntouched(rev, sha, environment, paths);
}

/** Throws unless the GitHub environment has required reviewers (read with the given client). */
export async function checkPushApproval(octokit: Octokit | undefined, target: { owner: string; repo: string; environment: string }): Promise<void> {
  if (!octokit) throw deployRunErrors.pushNeedsReviewers(target.environment, 'GITHUB_TOKEN and GITHUB_REPOSITORY are not set, so it cannot be checked');
  let rule: Awaited<ReturnType<typeof requiredReviewers>>;
  try {
    rule = await requiredReviewers(octokit, target);
  } catch (e) {
    const status = (e as { status?: number }).status;
    throw deployRunErrors.pushNeedsReviewers(target.environment, status === 404 ? 'the environment does not exist' : `GitHub answered ${status ?? 'nothing'} when asked`);
  }
  if (!rule || rule.reviewers === 0) throw deployRunErrors.pushNeedsReviewers(target.environment, 'it has none');
}
