/**
 * Where to post, from the GitHub Actions environment: GITHUB_API_URL, GITHUB_TOKEN,
 * GITHUB_REPOSITORY, and the pull request from the event file (GITHUB_EVENT_PATH).
 *
 * Under `workflow_run` (the commenting workflow of the safe split) the PR is found
 * from the event's own fields, never from the artifact the untrusted run uploaded:
 * `workflow_run.pull_requests` for same-repository PRs, and for fork PRs the open PR
 * whose head repository, branch and commit are the run's.
 */
import { readFileSync } from 'node:fs';
import type { Octokit } from '@octokit/rest';
import { errors } from '../errors';

export interface GitHubEnv {
  readonly apiUrl: string;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly eventPath?: string;
  readonly eventName?: string;
}

export function githubEnv(env: NodeJS.ProcessEnv = process.env): GitHubEnv {
  const token = env.GITHUB_TOKEN;
  if (!token) throw errors.githubContextMissing('GITHUB_TOKEN is not set', 'pass `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` to the step');
  const repository = env.GITHUB_REPOSITORY ?? '';
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!m) {
    throw errors.githubContextMissing(
      `GITHUB_REPOSITORY is ${JSON.stringify(repository)}, not "owner/name"`,
      'run in GitHub Actions, or set GITHUB_REPOSITORY=owner/name',
    );
  }
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    token,
    owner: m[1],
    repo: m[2],
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
  };
}

/** What the event file says about the pull request. */
export interface EventPullRequest {
  /** The run that produced the artifact (workflow_run), for links. */
  readonly runUrl?: string;
  /** Known directly (pull_request, issue_comment, same-repo workflow_run). */
  readonly number?: number;
  /** For a workflow_run of a fork PR: what identifies its PR. */
  readonly headSha?: string;
  readonly headRepository?: string;
  readonly headBranch?: string;
  /** The event is a workflow_run: the run may be older than the PR's head. */
  readonly workflowRun?: boolean;
}

export function readEvent(eventPath: string): EventPullRequest {
  let event: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    event = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (e) {
    throw errors.githubContextMissing(`the event file ${eventPath} cannot be read (${(e as Error).message})`, 'pass --pr <number>');
  }
  if (typeof event.pull_request?.number === 'number') return { number: event.pull_request.number, headSha: event.pull_request.head?.sha };
  if (typeof event.issue?.number === 'number' && event.issue.pull_request) return { number: event.issue.number };
  const run = event.workflow_run;
  if (run) {
    const headSha: string | undefined = run.head_sha;
    const same = (run.pull_requests ?? []).find((p: { number?: number; head?: { sha?: string } }) => typeof p.number === 'number' && (!headSha || p.head?.sha === headSha));
    return {
      workflowRun: true,
      number: same?.number,
      runUrl: run.html_url,
      headSha,
      headRepository: run.head_repository?.full_name,
      headBranch: run.head_branch,
    };
  }
  return {};
}

/** The PR number: `--pr`, or from the event (looking up a fork PR by its head commit). */
export async function resolvePullRequest(
  octokit: Octokit,
  gh: Pick<GitHubEnv, 'owner' | 'repo' | 'eventPath'>,
  explicit?: number,
): Promise<number | undefined> {
  if (explicit !== undefined) return explicit;
  if (!gh.eventPath) {
    throw errors.githubContextMissing('no PR number: GITHUB_EVENT_PATH is not set and --pr was not given', 'pass --pr <number>');
  }
  const ev = readEvent(gh.eventPath);
  if (ev.number !== undefined) return ev.number;
  if (ev.headSha && ev.headRepository && ev.headBranch) {
    const headOwner = ev.headRepository.split('/')[0];
    const pulls = await octokit.paginate(octokit.rest.pulls.list, {
      owner: gh.owner,
      repo: gh.repo,
      state: 'open',
      head: `${headOwner}:${ev.headBranch}`,
      per_page: 100,
    });
    const pr = pulls.find((p) => p.head.sha === ev.headSha && p.head.repo?.full_name === ev.headRepository);
    // None: the PR was pushed again (a newer run will comment) or closed.
    return pr?.number;
  }
  throw errors.githubContextMissing(`the event in ${gh.eventPath} names no pull request`, 'run on pull_request or workflow_run, or pass --pr <number>');
}
