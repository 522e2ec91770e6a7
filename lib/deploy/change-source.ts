/**
 * What the error-budget and change-size guards need to know about the change being
 * deployed, beyond the plans: the flags deployed now (at the base commit), the
 * commits of `base..head` (are they all reverts?), the files they touch, their
 * override trailers, and whether a build was pinned before. All read from git, so
 * a deploy run by hand, in CI or in the sandbox sees the same thing; tests inject
 * their own `ChangeSource`.
 *
 * And the one definition both guards share: what a **risk-reducing** change is.
 */
import { git, gitRaw } from './git';
import { parseTrailerLog } from './guards/stateful-changes-allowed';
import type { CommitRange, GuardContext } from './guards/guard';
import { deepEqual, diffValues } from '../plan/flags-diff';
import type { Flags, Quarantine } from '../flags/schema';

export interface ChangeCommit {
  readonly sha: string;
  readonly subject: string;
  readonly body: string;
}

export interface Trailer {
  readonly value: string;
  readonly commit: string;
}

export interface ChangeSource {
  /** The flags file at the base commit, parsed JSON; undefined on a first deploy or when absent. */
  deployedFlags(context: GuardContext): Promise<unknown>;
  /** The commits of base..head, merges left out (only head when there is no base). */
  commits(context: GuardContext): Promise<readonly ChangeCommit[]>;
  /** Files changed in base..head; undefined when there is no base. */
  changedFiles(context: GuardContext): Promise<readonly string[] | undefined>;
  /** Values of the trailer `key` in the commits of base..head. */
  trailers(key: string, context: GuardContext): Promise<readonly Trailer[]>;
  /** Whether the environment's flags file named `buildId` at some commit before base. */
  pinnedBefore(buildId: string, context: GuardContext): Promise<boolean>;
}

const range = (c: CommitRange) => (c.base ? [`${c.base}..${c.head}`] : ['-n', '1', c.head]);

/** The ChangeSource of the git work tree `context.repoDir` (default: the current directory). */
export const gitChangeSource: ChangeSource = {
  async deployedFlags({ commits, flagsFile, repoDir }) {
    if (!commits?.base) return undefined;
    const shown = await gitRaw(['show', `${commits.base}:${flagsFile}`], repoDir ?? process.cwd());
    if (shown.code !== 0) return undefined;
    try {
      return JSON.parse(shown.stdout);
    } catch {
      return undefined;
    }
  },
  async commits({ commits, repoDir }) {
    if (!commits) return [];
    const out = await git(['log', '--no-merges', '--format=%H%x1f%s%x1f%b%x1d', ...range(commits), '--'], repoDir ?? process.cwd());
    return out
      .split('\x1d')
      .map((r) => r.replace(/^\s+/, ''))
      .filter(Boolean)
      .map((r) => {
        const [sha, subject, body] = r.split('\x1f');
        return { sha, subject: subject ?? '', body: (body ?? '').trim() };
      });
  },
  async changedFiles({ commits, repoDir }) {
    if (!commits?.base) return undefined;
    const out = await git(['diff', '--name-only', commits.base, commits.head, '--'], repoDir ?? process.cwd());
    return out.split('\n').filter(Boolean);
  },
  async trailers(key, { commits, repoDir }) {
    if (!commits) return [];
    const format = `%H%x1f%(trailers:key=${key},valueonly,separator=%x1e)%x1d`;
    const out = await git(['log', `--format=${format}`, ...range(commits), '--'], repoDir ?? process.cwd());
    return parseTrailerLog(out).map((t) => ({ value: t.address, commit: t.commit }));
  },
  async pinnedBefore(buildId, { commits, flagsFile, repoDir }) {
    if (!commits?.base) return false;
    // -S finds the commits that changed how often the string occurs: any commit that ever added it.
    const out = await git(['log', '-n', '1', '--format=%H', `-S"${buildId}"`, commits.base, '--', flagsFile], repoDir ?? process.cwd());
    return out.length > 0;
  },
};

/** A revert made by `git revert` (or our rollback command): subject `Revert "…"` or "This reverts commit <sha>". */
export function isRevertCommit(c: ChangeCommit): boolean {
  return /^Revert "/.test(c.subject) || /\bThis reverts commit [0-9a-f]{7,40}\b/.test(c.body);
}

/** Files a deploy may touch and still only reduce risk: other environments' flags, docs. */
const RISK_NEUTRAL_FILE = (file: string, own: string) => file === own || /^flags\/[^/]+\.json$/.test(file) || /\.md$/.test(file) || file.startsWith('docs/');

export interface RiskAssessment {
  /** "rollback": every commit is a revert; "risk-reducing": see assessRisk; "feature": anything else. */
  readonly kind: 'rollback' | 'risk-reducing' | 'feature';
  /** Why, one line each: "catch-up fleet turned off", "$.arch: \"arm64\" → \"amd64\"", ... */
  readonly reasons: readonly string[];
}

/**
 * What the change being deployed is, for the error-budget gate:
 *
 * - **rollback**: every (non-merge) commit in base..head is a revert.
 * - **risk-reducing**: no file outside flags and docs changed (no code), the
 *   environment's flags changed, and every flag change is one of:
 *   - the catch-up fleet turned off (`catchUp.enabled` true → false; its other
 *     fields may change with it);
 *   - a quarantine turned off: its entry removed, or its `instanceCount` set to 0;
 *   - a build pinned that this environment's flags file named before base
 *     (`ingest.buildId`, `catchUp.buildId`, a quarantine's `buildId`): going back
 *     to a known build.
 * - **feature**: anything else, including a first deploy (nothing to compare with)
 *   and a code change with no flag change.
 */
export async function assessRisk(context: GuardContext, source: ChangeSource, deployed: Flags | undefined): Promise<RiskAssessment> {
  const commits = await source.commits(context);
  if (commits.length > 0 && commits.every(isRevertCommit)) {
    return { kind: 'rollback', reasons: commits.map((c) => `${c.sha.slice(0, 12)} ${c.subject}`) };
  }
  if (!deployed) return { kind: 'feature', reasons: ['no deployed flags to compare with (a first deploy, or the base flags no longer parse)'] };
  const files = (await source.changedFiles(context)) ?? [];
  const code = files.filter((f) => !RISK_NEUTRAL_FILE(f, context.flagsFile));
  if (code.length > 0) return { kind: 'feature', reasons: [`code changes: ${code.slice(0, 5).join(', ')}${code.length > 5 ? `, … (${code.length})` : ''}`] };

  const before = deployed;
  const after = context.flags;
  const reducing: string[] = [];
  const feature: string[] = [];
  const pinned = async (path: string, from: string | undefined, to: string | undefined) => {
    if (from === to) return;
    if (to !== undefined && (await source.pinnedBefore(to, context))) reducing.push(`${path}: pins build ${to}, which ${context.flagsFile} named before`);
    else feature.push(`${path}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
  };

  // The catch-up fleet.
  if (before.catchUp.enabled && !after.catchUp.enabled) reducing.push('catch-up fleet turned off');
  else if (!deepEqual(before.catchUp, after.catchUp)) {
    const { buildId: b, ...restBefore } = before.catchUp;
    const { buildId: a, ...restAfter } = after.catchUp;
    if (!deepEqual(restBefore, restAfter)) feature.push(...diffValues(restBefore, restAfter, ['catchUp']).map(show));
    await pinned('$.catchUp.buildId', b, a);
  }

  // Quarantines, by name.
  const byName = (qs: readonly Quarantine[]) => new Map(qs.map((q) => [q.name, q]));
  const qBefore = byName(before.quarantines);
  const qAfter = byName(after.quarantines);
  for (const [name, q] of qAfter) {
    const old = qBefore.get(name);
    if (!old) {
      feature.push(`quarantine ${name} added`);
      continue;
    }
    if (deepEqual(old, q)) continue;
    const { buildId: b, instanceCount: nb, ...restBefore } = old;
    const { buildId: a, instanceCount: na, ...restAfter } = q;
    if (!deepEqual(restBefore, restAfter)) feature.push(`quarantine ${name}: ${diffValues(restBefore, restAfter).map(show).join(', ')}`);
    if (nb !== na) {
      if (na === 0) reducing.push(`quarantine ${name} turned off (instanceCount ${nb} → 0)`);
      else feature.push(`quarantine ${name}: instanceCount ${nb} → ${na}`);
    }
    await pinned(`quarantine ${name} buildId`, b, a);
  }
  for (const name of qBefore.keys()) if (!qAfter.has(name)) reducing.push(`quarantine ${name} turned off (removed)`);

  // Everything else: only a pinned main build may change.
  const { catchUp: _c1, quarantines: _q1, ingest: ingestBefore, ...otherBefore } = before;
  const { catchUp: _c2, quarantines: _q2, ingest: ingestAfter, ...otherAfter } = after;
  feature.push(...diffValues(otherBefore, otherAfter).map(show));
  const { buildId: ib, ...ingestRestBefore } = ingestBefore;
  const { buildId: ia, ...ingestRestAfter } = ingestAfter;
  feature.push(...diffValues(ingestRestBefore, ingestRestAfter, ['ingest']).map(show));
  await pinned('$.ingest.buildId', ib, ia);

  if (feature.length > 0) return { kind: 'feature', reasons: feature };
  if (reducing.length === 0) return { kind: 'feature', reasons: ['no flag changed: the deploy carries other changes'] };
  return { kind: 'risk-reducing', reasons: reducing };
}

function show(d: { path: readonly (string | number)[]; before: unknown; after: unknown }): string {
  const p = d.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  return `$${p}: ${d.before === undefined ? '(none)' : JSON.stringify(d.before)} → ${d.after === undefined ? '(none)' : JSON.stringify(d.after)}`;
}
