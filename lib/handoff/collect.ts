/**
 * Gathers the handoff from its sources: GitHub Deployments (when configured), the
 * local deploy records, the drift issue and the last local drift report, and git
 * (is a deployed commit a revert?). Each source that cannot be read becomes a
 * warning in the handoff, not a silent gap.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { handoffErrors } from '../errors';
import type { Flags } from '../flags/schema';
import type { DeployRunRecord } from '../deploy/run-record';
import type { DriftReport } from '../deploy/drift';
import { gitRaw } from '../deploy/git';
import { isRevertCommit } from '../deploy/change-source';
import type { DeployHistoryEntry } from '../deploy/history';
import type { DeployedStore, LocalHistoryEntry } from '../deploy/deployed-store';
import { breakGlassOf, freezeVerdict, fromHistoryEntry, type Handoff, type HandoffDeploy, type HandoffDrift, type HandoffEnvironment } from './handoff';

/** The drift issue as GitHub lists it. */
export interface DriftIssue {
  readonly number: number;
  readonly state: string;
  readonly title: string;
  readonly body?: string | null;
  readonly updated_at: string;
  readonly html_url?: string;
}

export interface CollectOptions {
  readonly environments: readonly { readonly environment: string; readonly file: string; readonly flags?: Flags }[];
  readonly since: Date;
  readonly now: Date;
  /** The git work tree (revert detection), and the base of relative record paths. */
  readonly repoDir: string;
  /** GitHub Deployments; none when GITHUB_TOKEN is not set. */
  readonly github?: {
    readonly label: string;
    list(environment: string, limit: number): Promise<DeployHistoryEntry[]>;
    driftIssue(): Promise<DriftIssue | undefined>;
  };
  /** Why GitHub is not used, when it is not. */
  readonly githubSkipped?: string;
  /** The local record of deploys of emulated environments (lib/deploy/deployed-store.ts). */
  readonly store?: DeployedStore;
  /** Where deploy records are written (out/deploy). */
  readonly deployRecordDir?: string;
  /** The last drift report (out/drift/report.json). */
  readonly driftReportFile?: string;
}

export async function collectHandoff(options: CollectOptions): Promise<Handoff> {
  const { since, now, repoDir } = options;
  const warnings: string[] = [];
  const sources: string[] = [];
  const inWindow = (iso: string) => {
    const t = Date.parse(iso);
    return Number.isFinite(t) && t >= since.getTime() && t <= now.getTime();
  };
  if (options.github) sources.push(`GitHub Deployments (${options.github.label})`);
  else if (options.githubSkipped) sources.push(`not GitHub Deployments (${options.githubSkipped})`);
  if (options.store) sources.push(`local deploys of emulated environments (${rel(repoDir, options.store.root)})`);
  if (options.deployRecordDir) sources.push(`local deploy records (${rel(repoDir, options.deployRecordDir)}/<env>.json)`);

  let driftIssue: DriftIssue | undefined;
  if (options.github) {
    try {
      driftIssue = await options.github.driftIssue();
    } catch (e) {
      warnings.push(handoffErrors.githubUnreadable('the drift issue', (e as Error).message));
    }
  }
  const driftReport = readDriftReport(options.driftReportFile, warnings);

  const environments: HandoffEnvironment[] = [];
  for (const { environment, file, flags } of options.environments) {
    const deploys: HandoffDeploy[] = [];
    if (options.github) {
      try {
        deploys.push(...(await options.github.list(environment, 100)).filter((e) => inWindow(e.createdAt)).map(fromHistoryEntry));
      } catch (e) {
        warnings.push(handoffErrors.githubUnreadable(`the deployments of ${environment}`, (e as Error).message));
      }
    }
    if (options.store) {
      for (const e of options.store.history(environment).filter((x) => inWindow(x.startedAt))) addUnique(deploys, fromLocal(e));
    }
    if (options.deployRecordDir) {
      const record = readDeployRecord(path.join(options.deployRecordDir, `${environment}.json`), warnings);
      if (record && record.outcome !== 'planned' && inWindow(record.startedAt)) addUnique(deploys, fromRecord(record));
    }
    const withReverts = await Promise.all(deploys.map(async (d) => ({ ...d, revert: await isRevert(d.commit, repoDir) })));

    const drift: HandoffDrift[] = [];
    if (driftIssue && inWindow(driftIssue.updated_at) && mentions(driftIssue.body ?? driftIssue.title, environment, options.environments.length)) {
      drift.push({
        summary: `drift issue #${driftIssue.number} (${driftIssue.state}): ${driftIssue.title}, updated ${driftIssue.updated_at.slice(0, 16).replace('T', ' ')}Z`,
        ...(driftIssue.html_url ? { url: driftIssue.html_url } : {}),
      });
    }
    if (driftReport && inWindow(driftReport.generatedAt)) {
      const stacks = driftReport.stacks.filter((s) => s.environment === environment && (s.drift.length > 0 || s.pending.length > 0));
      for (const s of stacks) {
        drift.push({
          summary: `${s.stack} (drift check ${driftReport.generatedAt.slice(0, 16).replace('T', ' ')}Z): ${s.drift.length} changed outside Terraform` +
            `${s.drift.length ? ` (${s.drift.slice(0, 5).map((d) => `\`${d.address}\``).join(', ')})` : ''}, ${s.pending.length} not yet deployed`,
        });
      }
    }
    const liveSince = flags ? await liveSinceOf(flags, file, repoDir) : {};
    environments.push({ environment, flagsFile: file, ...(flags ? { flags } : {}), deploys: withReverts, drift, liveSince });
  }
  return { since, until: now, environments, sources, warnings };
}

/**
 * When each live fleet entered the flags file: the newest commit that changed how
 * often its marker string occurs (`git log -S`): the catch-up fleet's `expiresAt`
 * value (set when it is turned on or extended), a quarantine's `"<name>"`.
 */
async function liveSinceOf(flags: Flags, file: string, repoDir: string): Promise<Record<string, { commit: string; date: string }>> {
  const out: Record<string, { commit: string; date: string }> = {};
  const lookup = async (key: string, needle: string) => {
    const r = await gitRaw(['log', '-1', '--format=%H%x1f%cI', `-S${needle}`, 'HEAD', '--', file], repoDir).catch(() => undefined);
    const [commit, date] = (r?.code === 0 ? r.stdout.trim() : '').split('\x1f');
    if (commit && date) out[key] = { commit, date };
  };
  if (flags.catchUp.enabled && flags.catchUp.expiresAt) await lookup('catchUp', flags.catchUp.expiresAt);
  for (const q of flags.quarantines) await lookup(`quarantine:${q.name}`, JSON.stringify(q.name));
  return out;
}

/** Adds `d` unless the same deploy (commit, outcome, start within 2 minutes) is there from another source. */
function addUnique(list: HandoffDeploy[], d: HandoffDeploy): void {
  const same = list.find((x) => x.commit === d.commit && x.outcome === d.outcome && Math.abs(Date.parse(x.startedAt) - Date.parse(d.startedAt)) < 120_000);
  if (!same) list.push(d);
}

function fromLocal(e: LocalHistoryEntry): HandoffDeploy {
  const freeze = freezeVerdict(e.guards);
  const breakGlass = breakGlassOf(e.breakGlass);
  return {
    environment: e.environment,
    startedAt: e.startedAt,
    commit: e.commit,
    ...(e.pr !== undefined ? { pr: e.pr } : {}),
    actor: e.actor,
    flagsChanged: e.flagsChanged,
    outcome: e.outcome,
    durationSeconds: e.durationSeconds,
    simulated: false,
    guards: (e.guards ?? []).filter((g) => g.outcome !== 'pass'),
    overrides: e.overrides ?? [],
    ...(freeze ? { freeze } : {}),
    ...(breakGlass ? { breakGlass } : {}),
    ...(e.error ? { detail: e.error } : {}),
    source: 'local',
  };
}

function fromRecord(r: DeployRunRecord): HandoffDeploy {
  const freeze = freezeVerdict(r.guards);
  const breakGlass = breakGlassOf(r.breakGlass);
  return {
    environment: r.environment,
    startedAt: r.startedAt,
    commit: r.commit,
    ...(r.pr !== null ? { pr: r.pr } : {}),
    actor: r.actor,
    flagsChanged: r.flagsChanged,
    outcome: r.outcome,
    durationSeconds: r.durationSeconds,
    simulated: r.simulated,
    guards: r.guards.filter((g) => g.outcome !== 'pass').map(({ guard, outcome, message }) => ({ guard, outcome, message })),
    overrides: r.overrides ?? [],
    ...(freeze ? { freeze } : {}),
    ...(breakGlass ? { breakGlass } : {}),
    ...(r.error ? { detail: r.error } : r.health?.rolledBack ? { detail: 'rolled back by the instance refresh' } : {}),
    ...(r.runUrl ? { logUrl: r.runUrl } : {}),
    source: 'local',
  };
}

async function isRevert(commit: string, repoDir: string): Promise<boolean | undefined> {
  const r = await gitRaw(['log', '-1', '--format=%H%x1f%s%x1f%b', commit, '--'], repoDir).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  const [sha, subject, body] = r.stdout.split('\x1f');
  return isRevertCommit({ sha, subject: subject ?? '', body: (body ?? '').trim() });
}

/** The drift issue names the stacks that drifted; with one environment, it is that one's. */
function mentions(text: string, environment: string, environments: number): boolean {
  return environments === 1 || new RegExp(`\\b${environment}-(data|fleet)\\b`).test(text);
}

function readDeployRecord(file: string, warnings: string[]): DeployRunRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as DeployRunRecord;
    if (r.format !== 'fleetflags.deploy-record/1') throw new Error(`format ${JSON.stringify(r.format)}, not fleetflags.deploy-record/1`);
    return r;
  } catch (e) {
    warnings.push(handoffErrors.localRecordUnreadable(file, (e as Error).message));
    return undefined;
  }
}

function readDriftReport(file: string | undefined, warnings: string[]): DriftReport | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as DriftReport;
    if (r.format !== 'fleetflags.drift/1') throw new Error(`format ${JSON.stringify(r.format)}, not fleetflags.drift/1`);
    return r;
  } catch (e) {
    warnings.push(handoffErrors.localRecordUnreadable(file, (e as Error).message));
    return undefined;
  }
}

function rel(from: string, to: string): string {
  return path.relative(from, to) || to;
}
