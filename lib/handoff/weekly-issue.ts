/**
 * One GitHub issue per ISO week holds that week's handoff: found by a hidden marker
 * (across every page of issues), updated in place when the workflow runs again.
 */
import type { Octokit } from '@octokit/rest';
import { deployErrors } from '../errors';
import { DRIFT_MARKER } from '../deploy/drift';
import type { DriftIssue } from './collect';
import { isoWeek } from './handoff';

export const HANDOFF_MARKER_PREFIX = '<!-- fleetflags:handoff:';

export function handoffMarker(week: string): string {
  return `${HANDOFF_MARKER_PREFIX}${week} -->`;
}

export interface WeeklyIssueResult {
  readonly action: 'created' | 'updated';
  readonly number: number;
  readonly url?: string;
  readonly week: string;
}

/** GitHub's limit on issue bodies is 65,536 characters; keep room for the marker. */
const BODY_LIMIT = 65_000;

export async function upsertWeeklyIssue(options: {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly now: Date;
  readonly body: string;
  /** Where the full handoff is, when the body had to be cut. */
  readonly runUrl?: string;
}): Promise<WeeklyIssueResult> {
  const { octokit, owner, repo, now } = options;
  const week = isoWeek(now);
  const marker = handoffMarker(week);
  let body = `${marker}\n${options.body}`;
  if (body.length > BODY_LIMIT) {
    const tail = `\n\n…cut to fit GitHub's limit; the full handoff is in ${options.runUrl ? `[the run's summary](${options.runUrl})` : "the workflow run's summary"}.\n`;
    body = body.slice(0, body.lastIndexOf('\n', BODY_LIMIT - tail.length)) + tail;
  }
  const title = `On-call handoff ${week}`;
  const issues = await call('list the issues', () => octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'all', per_page: 100 }));
  const existing = issues.filter((i) => !i.pull_request && (i.body ?? '').includes(marker)).sort((a, b) => a.number - b.number)[0];
  if (existing) {
    const updated = await call(`update issue #${existing.number}`, () => octokit.rest.issues.update({ owner, repo, issue_number: existing.number, title, body }));
    return { action: 'updated', number: existing.number, url: updated.data.html_url, week };
  }
  const created = await call('create the handoff issue', () => octokit.rest.issues.create({ owner, repo, title, body }));
  return { action: 'created', number: created.data.number, url: created.data.html_url, week };
}

/** The drift issue (lib/deploy/drift.ts keeps one, found by its marker), open first. */
export async function findDriftIssue(octokit: Octokit, owner: string, repo: string): Promise<DriftIssue | undefined> {
  const issues = await call('list the issues', () => octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'all', per_page: 100 }));
  return issues
    .filter((i) => !i.pull_request && (i.body ?? '').includes(DRIFT_MARKER))
    .sort((a, b) => Number(a.state !== 'open') - Number(b.state !== 'open') || a.number - b.number)
    .map((i) => ({ number: i.number, state: i.state, title: i.title, body: i.body, updated_at: i.updated_at, html_url: i.html_url }))[0];
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { status?: number; message?: string };
    throw deployErrors.githubApiFailed(`${what} (the job needs \`permissions: issues: write\`)`, err.status, err.message ?? String(e));
  }
}
