/**
 * One sticky comment per pull request: found by a hidden marker, updated in place,
 * never a second one. Every page of comments is read (a busy PR has more than one
 * page, and a marker on page 3 must still be found).
 */
import type { Octokit } from '@octokit/rest';
import { errors } from '../errors';

export interface GitHubTarget {
  readonly owner: string;
  readonly repo: string;
  /** The pull request (an issue number for the comments API). */
  readonly issueNumber: number;
}

export interface UpsertOptions extends GitHubTarget {
  readonly octokit: Octokit;
  readonly body: string;
  /** The hidden marker the comment starts with, e.g. "<!-- fleetflags:plan -->". */
  readonly marker: string;
  /**
   * Only comments by this login count (e.g. "github-actions[bot]"), so nobody else's
   * comment quoting the marker is taken over. @default - any author
   */
  readonly author?: string;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly commentId: number;
  readonly url?: string;
  /** Comments read to find the marker. */
  readonly commentsScanned: number;
}

/** An Octokit for GITHUB_API_URL (GitHub Enterprise, or a local stand-in in tests). */
export function createOctokit(options: { token?: string; baseUrl?: string } = {}): Octokit {
  const { Octokit } = require('@octokit/rest') as typeof import('@octokit/rest'); // loaded on first use
  return new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'fleetflags',
    // No retries or throttling plugins: a failed post fails the job, loudly.
    request: { retries: 0 },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

/** Creates the sticky comment, or updates the one that carries `marker`. */
export async function upsertStickyComment(options: UpsertOptions): Promise<UpsertResult> {
  const { octokit, owner, repo, issueNumber, marker } = options;
  const body = options.body.startsWith(marker) ? options.body : `${marker}\n${options.body}`;
  const target = `the comments of ${owner}/${repo}#${issueNumber}`;

  const comments = await call('list', target, body.length, () =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 }),
  );
  const mine = comments
    .filter((c) => (c.body ?? '').trimStart().startsWith(marker))
    .filter((c) => options.author === undefined || c.user?.login === options.author)
    .sort((a, b) => a.id - b.id);

  const existing = mine[0];
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', commentId: existing.id, url: existing.html_url, commentsScanned: comments.length };
    const updated = await call('update', `comment ${existing.id} on ${owner}/${repo}#${issueNumber}`, body.length, () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body }),
    );
    return { action: 'updated', commentId: updated.data.id, url: updated.data.html_url, commentsScanned: comments.length };
  }
  const created = await call('create', `a comment on ${owner}/${repo}#${issueNumber}`, body.length, () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
  );
  return { action: 'created', commentId: created.data.id, url: created.data.html_url, commentsScanned: comments.length };
}

/** Runs one API call; turns HTTP failures into FleetflagsErrors that say what to do. */
async function call<T>(action: string, target: string, bodyLength: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { status?: number; message?: string; response?: { data?: unknown } };
    if (typeof err.status !== 'number' && !err.response) throw e;
    const message = apiMessage(err);
    if (err.status === 422) throw errors.githubValidationFailed(action, target, bodyLength, message);
    throw errors.githubRequestFailed(action, target, err.status, message);
  }
}

/** GitHub's message plus its validation errors ("body is too long (maximum is 65536 characters)"). */
function apiMessage(err: { message?: string; response?: { data?: unknown } }): string {
  const data = err.response?.data as { message?: string; errors?: unknown[] } | undefined;
  const details = (data?.errors ?? [])
    .map((x) => (typeof x === 'string' ? x : (x as { message?: string; field?: string; code?: string }).message ?? JSON.stringify(x)))
    .filter(Boolean);
  const main = data?.message ?? err.message ?? '';
  return details.length ? `${main} (${details.join('; ')})` : main;
}
