/**
 * Turning expired catch-up fleets off, by pull request. A catch-up fleet scales to
 * zero at its expiry (a scheduled action), but stays enabled in its flags file until
 * someone removes it. A scheduled job (drift.yml) runs this: it reads every flags
 * file on the default branch through the GitHub API, and when any enabled catch-up
 * fleet has expired it keeps ONE pull request (branch EXPIRE_BRANCH, found by its
 * head) that sets `"enabled": false` on each, as a one-line edit per file.
 *
 * Everything goes through @octokit/rest (contents, git data, pulls): the job needs
 * no push credentials in its checkout. The PR is re-made from the current default
 * branch on every run (the branch is force-updated), so it never conflicts and never
 * duplicates; with nothing expired, an open PR is left alone (it is already empty or
 * someone is handling it).
 */
import type { Octokit } from '@octokit/rest';
import { deployErrors } from '../errors';

/** The branch of the PR; one PR per repository. */
export const EXPIRE_BRANCH = 'fleetflags/expire-catch-ups';
/** Hidden marker at the top of the PR body. */
export const EXPIRE_MARKER = '<!-- fleetflags:expire-catch-ups -->';

export interface ExpiredCatchUp {
  /** Path in the repository, e.g. "flags/sandbox.json". */
  readonly file: string;
  readonly environment: string;
  readonly expiresAt: string;
}

/** The enabled catch-up fleets whose expiry is at or before `now`, of flags files given as path -> text. */
export function findExpiredCatchUps(files: ReadonlyMap<string, string>, now: Date): ExpiredCatchUp[] {
  const expired: ExpiredCatchUp[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    let raw: { catchUp?: { enabled?: unknown; expiresAt?: unknown } };
    try {
      raw = JSON.parse(text);
    } catch {
      continue; // an invalid file is the PR checks' business, not this job's
    }
    const c = raw?.catchUp;
    if (c?.enabled !== true || typeof c.expiresAt !== 'string') continue;
    const at = Date.parse(c.expiresAt);
    if (Number.isFinite(at) && at <= now.getTime()) expired.push({ file, environment: file.replace(/^.*\//, '').replace(/\.json$/, ''), expiresAt: c.expiresAt });
  }
  return expired;
}

/**
 * The flags file text with `catchUp.enabled` set to false: a one-line edit that keeps
 * the rest of the file byte for byte (hand-formatted files stay readable in the diff).
 * Falls back to re-serializing the JSON when the text cannot be edited in place.
 */
export function turnOffCatchUp(text: string): string {
  const want = JSON.parse(text);
  want.catchUp.enabled = false;
  const edited = editInPlace(text);
  if (edited !== undefined) {
    try {
      if (JSON.stringify(JSON.parse(edited)) === JSON.stringify(want)) return edited;
    } catch {
      // fall through
    }
  }
  return `${JSON.stringify(want, null, 2)}\n`;
}

/** Replaces `true` of the catchUp object's own "enabled" member (depth 1 of that object). */
function editInPlace(text: string): string | undefined {
  const key = /"catchUp"\s*:\s*\{/g;
  const m = key.exec(text);
  if (!m) return undefined;
  let depth = 1;
  let inString = false;
  for (let i = m.index + m[0].length; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      if (depth === 1) {
        const member = /^"enabled"\s*:\s*true\b/.exec(text.slice(i));
        if (member) return `${text.slice(0, i)}${member[0].replace(/true$/, 'false')}${text.slice(i + member[0].length)}`;
      }
      inString = true;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}

export interface ExpireCatchUpsOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  /** The branch the flags are read from and the PR goes to. @default "main" */
  readonly baseBranch?: string;
  /** @default "flags" */
  readonly flagsDir?: string;
  /** @default new Date() */
  readonly now?: Date;
  readonly log?: (line: string) => void;
}

export interface ExpireCatchUpsResult {
  /** "none": nothing expired; "created"/"updated": the PR. */
  readonly action: 'none' | 'created' | 'updated';
  readonly expired: readonly ExpiredCatchUp[];
  readonly pullRequest?: { readonly number: number; readonly url: string };
}

/** Opens (or updates) the one PR that turns every expired catch-up fleet off. */
export async function openExpireCatchUpsPr(options: ExpireCatchUpsOptions): Promise<ExpireCatchUpsResult> {
  const { octokit, owner, repo } = options;
  const base = options.baseBranch ?? 'main';
  const flagsDir = options.flagsDir ?? 'flags';
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      const err = e as { status?: number; message?: string };
      throw deployErrors.githubApiFailed(what, err.status, err.message ?? String(e));
    }
  };

  const baseSha = (await call(`read the branch ${base}`, () => octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }))).data.object.sha;
  const listing = (await call(`list ${flagsDir}/ at ${base}`, () => octokit.rest.repos.getContent({ owner, repo, path: flagsDir, ref: baseSha }))).data;
  const names = (Array.isArray(listing) ? listing : [])
    .filter((e) => e.type === 'file' && e.name.endsWith('.json') && e.name !== 'schema.json')
    .map((e) => e.path);
  const files = new Map<string, string>();
  for (const file of names) {
    const data = (await call(`read ${file} at ${base}`, () => octokit.rest.repos.getContent({ owner, repo, path: file, ref: baseSha }))).data as { content?: string; encoding?: string };
    files.set(file, Buffer.from(data.content ?? '', (data.encoding as BufferEncoding) ?? 'base64').toString('utf8'));
  }
  const expired = findExpiredCatchUps(files, now);
  const open = (await call('list open pull requests', () => octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${EXPIRE_BRANCH}`, base }))).data;
  if (expired.length === 0) {
    log(`no expired catch-up fleet on ${base}${open.length ? ` (PR #${open[0].number} is left as it is)` : ''}`);
    return { action: 'none', expired };
  }
  for (const e of expired) log(`${e.file}: the catch-up fleet expired at ${e.expiresAt} and is still enabled`);

  // One commit on top of the default branch, with every file edited.
  const baseTree = (await call(`read commit ${baseSha.slice(0, 12)}`, () => octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }))).data.tree.sha;
  const tree = await call('create the tree', () =>
    octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: baseTree,
      tree: expired.map((e) => ({ path: e.file, mode: '100644' as const, type: 'blob' as const, content: turnOffCatchUp(files.get(e.file)!) })),
    }),
  );
  const message = `Turn off expired catch-up fleets: ${expired.map((e) => e.environment).join(', ')}\n\n${expired.map((e) => `${e.file}: expired at ${e.expiresAt}`).join('\n')}`;
  const commit = await call('create the commit', () => octokit.rest.git.createCommit({ owner, repo, message, tree: tree.data.sha, parents: [baseSha] }));
  const branchExists = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${EXPIRE_BRANCH}` }).then(
    () => true,
    (e: { status?: number; message?: string }) => {
      if (e.status === 404) return false;
      throw deployErrors.githubApiFailed(`read the branch ${EXPIRE_BRANCH}`, e.status, e.message ?? String(e));
    },
  );
  if (branchExists) {
    await call(`update the branch ${EXPIRE_BRANCH}`, () => octokit.rest.git.updateRef({ owner, repo, ref: `heads/${EXPIRE_BRANCH}`, sha: commit.data.sha, force: true }));
  } else {
    await call(`create the branch ${EXPIRE_BRANCH}`, () => octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${EXPIRE_BRANCH}`, sha: commit.data.sha }));
  }

  const title = `Turn off expired catch-up fleets: ${expired.map((e) => e.environment).join(', ')}`;
  const body = expireBody(expired, now);
  if (open.length > 0) {
    const pr = await call(`update PR #${open[0].number}`, () => octokit.rest.pulls.update({ owner, repo, pull_number: open[0].number, title, body }));
    log(`updated PR #${pr.data.number}: ${pr.data.html_url}`);
    return { action: 'updated', expired, pullRequest: { number: pr.data.number, url: pr.data.html_url } };
  }
  const pr = await call('open the PR', () => octokit.rest.pulls.create({ owner, repo, head: EXPIRE_BRANCH, base, title, body }));
  log(`opened PR #${pr.data.number}: ${pr.data.html_url}`);
  return { action: 'created', expired, pullRequest: { number: pr.data.number, url: pr.data.html_url } };
}

/** The PR body: the marker, why, and one row per fleet. */
export function expireBody(expired: readonly ExpiredCatchUp[], now: Date): string {
  return [
    EXPIRE_MARKER,
    '## Turn off expired catch-up fleets',
    '',
    `As of ${now.toISOString()}, these catch-up fleets are past their expiry: their scheduled action has already scaled them to zero, ` +
      'but they are still enabled in their flags files. This PR sets `"enabled": false` on each, which removes the fleet. ' +
      'Opened by the scheduled expire-catch-ups job (drift.yml); it is re-made from the default branch on every run.',
    '',
    '| environment | file | expired at |',
    '| --- | --- | --- |',
    ...expired.map((e) => `| ${e.environment} | \`${e.file}\` | ${e.expiresAt} |`),
    '',
    'To keep a fleet instead, close this PR and move its `catchUp.expiresAt` forward in a PR of your own.',
  ].join('\n');
}
