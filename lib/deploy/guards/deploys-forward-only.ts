/**
 * Deploys go forward, from main. Two checks, in git:
 *
 * - **On main**: the commit being deployed is on `origin/main` (the sandbox, which
 *   never reaches AWS, is exempt). A branch, a fork's commit or a local commit never
 *   reaches an AWS environment, whoever runs the deploy.
 * - **Forward only**: the commit is not an ancestor of the last deployed commit.
 *   Re-running an old workflow run would otherwise roll the environment back
 *   silently. A rollback that says so (`--rollback`, the deploy workflow's
 *   `rollback` input) may go back.
 */
import { isAwsEnvironment } from '../../flags/schema';
import { deployMessages } from '../../errors';
import { gitRaw } from '../git';
import { block, pass, type Guard, type GuardResult } from './guard';

export interface DeploysForwardOnlyOptions {
  /** The ref deploys must come from. @default "origin/main" */
  readonly mainRef?: string;
}

/** True when `commit` is `ref` or one of its ancestors; undefined when git cannot tell (unknown commit or ref). */
export async function isAncestor(commit: string, ref: string, repoDir: string): Promise<boolean | undefined> {
  const r = await gitRaw(['merge-base', '--is-ancestor', commit, ref], repoDir);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  return undefined;
}

export function deploysForwardOnly(options: DeploysForwardOnlyOptions = {}): Guard {
  const id = 'DeploysForwardOnly';
  const mainRef = options.mainRef ?? 'origin/main';
  return {
    id,
    description: `The commit is on ${mainRef} (except offline environments) and not older than the last deployed commit, unless the run is a rollback.`,
    run: async ({ environment, flags, commits, repoDir, rollback }): Promise<GuardResult> => {
      const cwd = repoDir ?? process.cwd();
      if (!commits) return block(id, deployMessages.forwardOnlyUnknownCommits(environment));
      const { head, base } = commits;
      const details: Record<string, unknown> = { head, base: base ?? null, mainRef, rollback: rollback === true };
      if (isAwsEnvironment(flags)) {
        const onMain = await isAncestor(head, mainRef, cwd);
        if (onMain !== true) return block(id, deployMessages.notOnMain(environment, head, mainRef, onMain === undefined), details);
      }
      if (base && base !== head) {
        const behind = await isAncestor(head, base, cwd);
        if (behind === undefined) return block(id, deployMessages.forwardOnlyUnknownBase(environment, base), details);
        if (behind) {
          if (!rollback) return block(id, deployMessages.silentRollback(environment, head, base), details);
          return pass(id, `explicit rollback: ${head.slice(0, 12)} is older than the last deployed ${base.slice(0, 12)}`, details);
        }
      }
      return pass(id, `${head.slice(0, 12)} ${isAwsEnvironment(flags) ? `is on ${mainRef} and ` : ''}does not go back from the last deploy`, details);
    },
  };
}
