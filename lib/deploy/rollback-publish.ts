/**
 * Where a rollback's revert goes (lib/deploy/rollback.ts, step 5):
 * - `--push`: pushed straight to the base branch (main), which deploys it without review;
 *   inside GitHub Actions the deploy workflow is dispatched (a push made with a workflow's
 *   token starts no run by itself);
 * - otherwise: the rollback branch pushed and a PR opened with the plan as its body (and,
 *   inside GitHub Actions, the plan workflow dispatched for it);
 * - without GITHUB_TOKEN or a remote: nothing leaves the machine, and a note says what to do.
 * `onPushed` is called as soon as a push succeeded: from then on the revert is on the remote,
 * and a later failure must not undo it locally.
 */
import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import { deployRunErrors } from '../errors';
import { dispatchWorkflow, type Dispatched } from '../github/dispatch';
import { createOctokit } from '../github/sticky-comment';
import { gitRaw, tokenAuthEnv } from './git';
import { githubConfigFromEnv, type GitHubConfig } from './history';

export interface PublishRollbackInput {
  readonly repoDir: string;
  /** GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL. */
  readonly env: NodeJS.ProcessEnv;
  /** The git remote to push to. */
  readonly remote: string;
  /** `--push`: to the base branch, no PR. */
  readonly push: boolean;
  /** The branch the revert goes to (the PR's base, or where `--push` pushes). */
  readonly baseBranch: string;
  /** The branch the revert was committed on. */
  readonly branch: string;
  /** The PR's title (cut to GitHub's 250 characters). */
  readonly title: string;
  /** The PR's body, and the file it was written to. */
  readonly body: string;
  readonly bodyFile: string;
  /** The GitHub configuration, when GITHUB_TOKEN and GITHUB_REPOSITORY are set. @default none */
  readonly gh?: GitHubConfig;
  /** @default an Octokit for `gh` */
  readonly client?: Octokit;
  /** Dispatch deploy.yml after a push, plan.yml after a PR. */
  readonly dispatch: boolean;
  /** The dispatched deploy's break-glass reason. @default none */
  readonly breakGlassReason?: string;
  readonly log: (line: string) => void;
}

export interface PublishedRollback {
  readonly pushed: boolean;
  readonly pullRequest?: { readonly number: number; readonly url: string };
  /** Why no PR was opened or nothing was pushed, when so. */
  readonly note?: string;
  /** The workflow run started for the push (deploy.yml) or the PR (plan.yml). */
  readonly dispatched?: Dispatched;
}

/** Pushes the revert and opens its PR, as `input.push` and the environment allow. */
export async function publishRollback(input: PublishRollbackInput, onPushed: () => void): Promise<PublishedRollback> {
  const { repoDir, env, remote, push, baseBranch, branch, title, body, bodyFile, gh, client, dispatch, breakGlassReason, log } = input;
  const hasRemote = (await gitRaw(['remote', 'get-url', remote], repoDir)).code === 0;
  let pushed = false;
  let pullRequest: PublishedRollback['pullRequest'];
  let note: string | undefined;
  let dispatched: Dispatched | undefined;
  if (push) {
    if (hasRemote) {
      await pushRef(repoDir, remote, `HEAD:refs/heads/${baseBranch}`, env.GITHUB_TOKEN);
      pushed = true;
      onPushed();
      log(`pushed the revert to ${remote}/${baseBranch}: it deploys without review`);
      if (dispatch && gh && client) {
        // The push was made with the workflow's token: it starts no deploy by itself.
        dispatched = await dispatchWorkflow(client, {
          owner: gh.owner,
          repo: gh.repo,
          workflow: 'deploy.yml',
          ref: baseBranch,
          inputs: { rollback: 'true', ...(breakGlassReason ? { 'break-glass-reason': breakGlassReason } : {}) },
        }, { serverUrl: env.GITHUB_SERVER_URL });
        log(`started the deploy of the revert: ${dispatched.url}`);
      }
    } else {
      note = `no git remote "${remote}": the revert is committed on ${baseBranch} locally; push it to deploy`;
    }
  } else if (!env.GITHUB_TOKEN) {
    note = `GITHUB_TOKEN is not set: the revert is on the local branch ${branch}; push it and open a PR with the body in ${path.relative(repoDir, bodyFile)}`;
  } else if (!hasRemote) {
    note = `no git remote "${remote}" to push ${branch} to; the PR body is in ${path.relative(repoDir, bodyFile)}`;
  } else {
    await pushRef(repoDir, remote, `refs/heads/${branch}:refs/heads/${branch}`, env.GITHUB_TOKEN);
    pushed = true;
    onPushed();
    const gh = githubConfigFromEnv(env);
    const octokit = client ?? createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
    try {
      const created = await octokit.rest.pulls.create({
        owner: gh.owner,
        repo: gh.repo,
        head: branch,
        base: baseBranch,
        title: title.slice(0, 250),
        body,
      });
      pullRequest = { number: created.data.number, url: created.data.html_url };
      log(`opened PR #${created.data.number}: ${created.data.html_url}`);
      if (dispatch) {
        // The PR was opened with the workflow's token: it gets no plan run by itself.
        try {
          dispatched = await dispatchWorkflow(octokit, { owner: gh.owner, repo: gh.repo, workflow: 'plan.yml', ref: branch, inputs: { pr: String(created.data.number) } }, { serverUrl: env.GITHUB_SERVER_URL });
          log(`started the plan of the rollback PR: ${dispatched.url}`);
        } catch (e) {
          log(`warning: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      const err = e as { status?: number; message?: string };
      throw deployRunErrors.rollbackPrRefused(err.status ?? 'no response', err.message ?? String(e), branch, path.relative(repoDir, bodyFile));
    }
  }
  return { pushed, ...(pullRequest ? { pullRequest } : {}), ...(note ? { note } : {}), ...(dispatched ? { dispatched } : {}) };
}

async function pushRef(repoDir: string, remote: string, refspec: string, token?: string): Promise<void> {
  const r = await gitRaw(['push', remote, refspec], repoDir, tokenAuthEnv(token));
  if (r.code !== 0) throw deployRunErrors.gitFailed(`git push ${remote} ${refspec}`, r.stderr || r.stdout);
}
