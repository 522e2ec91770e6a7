/**
 * Posting the plan comment: the PR is resolved from the event and GitHub (never from
 * an artifact), the body is rendered for the PR's trust (a fork's code change gets
 * the "untrusted code" note), and nothing is posted when the run's commit is no
 * longer the PR's head.
 */
import { appendFileSync } from 'node:fs';
import { errors } from '../errors';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from '../plan/render';
import { githubEnv, readEvent, resolvePullRequest } from './context';
import { planTrust, pullRequestFacts, type PlanTrust } from './pull-request';
import { createOctokit, upsertStickyComment, type UpsertResult } from './sticky-comment';

/** `plan-comment trust`: the lines pr=, head_sha= and trust= for $GITHUB_OUTPUT (empty when no open PR matches). */
export async function trustOutputs(explicit: number | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const gh = githubEnv(env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  const pr = await resolvePullRequest(octokit, gh, explicit);
  const lines = pr === undefined ? ['pr=', 'head_sha=', 'trust='] : await (async () => {
    const facts = await pullRequestFacts({ octokit, owner: gh.owner, repo: gh.repo, pr });
    return [`pr=${pr}`, `head_sha=${facts.headSha}`, `trust=${planTrust(facts)}`];
  })();
  return lines;
}

export interface PostOptions {
  readonly pr?: number;
  readonly author?: string;
  readonly bodySource?: string;
  /**
   * Post only while this is the PR's head commit. @default under workflow_run, the
   * run's head commit (from the event); otherwise no check
   */
  readonly headSha?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Not posted: the run is for `stale`, the PR has moved on to `head`. */
export interface StalePost {
  readonly stale: string;
  readonly head: string;
}

/**
 * Posts `body` (or the body rendered for the PR's trust) as the PR's sticky comment
 * and appends it to the step summary. Returns undefined when no open PR matches the
 * run (nothing to post to), and a StalePost when `headSha` is no longer the PR's head.
 */
export async function post(body: string | ((trust?: PlanTrust) => string), options: PostOptions = {}): Promise<UpsertResult | StalePost | undefined> {
  const env = options.env ?? process.env;
  const gh = githubEnv(env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  const pr = await resolvePullRequest(octokit, gh, options.pr);
  if (pr === undefined) return undefined;
  const event = gh.eventPath ? readEvent(gh.eventPath) : undefined;
  const headSha = options.headSha ?? (event?.workflowRun ? event.headSha : undefined);
  let text: string;
  if (typeof body === 'string' && headSha === undefined) text = body;
  else {
    const facts = await pullRequestFacts({ octokit, owner: gh.owner, repo: gh.repo, pr });
    if (headSha !== undefined && facts.headSha !== headSha) return { stale: headSha, head: facts.headSha };
    text = typeof body === 'string' ? body : body(planTrust(facts));
  }
  const withMarker = text.startsWith(COMMENT_MARKER) ? text : `${COMMENT_MARKER}\n${text}`;
  if (withMarker.length > GITHUB_COMMENT_LIMIT) throw errors.commentTooLong(withMarker.length, GITHUB_COMMENT_LIMIT, options.bodySource ?? 'the body');
  appendStepSummary(withMarker, env);
  return upsertStickyComment({ octokit, owner: gh.owner, repo: gh.repo, issueNumber: pr, body: withMarker, marker: COMMENT_MARKER, author: options.author });
}

export function appendStepSummary(text: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${text.endsWith('\n') ? text : `${text}\n`}\n`);
}
