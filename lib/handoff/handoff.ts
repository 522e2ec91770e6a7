/**
 * The weekly on-call handoff (`npm run handoff`): per environment, what happened
 * since the last handoff and what is live now.
 *
 * - deploys: when, who, the flags changed, the outcome and how long it took;
 * - rollbacks: deploys of a revert (`git revert`, `npm run rollback`), and deploys
 *   the instance refresh rolled back on the AWS side;
 * - failed or refused deploys, and why (the guards that blocked, the error);
 * - freezes and overrides, their own section: every freeze-guard verdict that was
 *   not a plain "not frozen" (frozen and refused; LaunchDarkly unanswered, then
 *   refused or proceeded by the environment's policy; break glass used or refused),
 *   the break-glass reasons recorded, and the override trailers (Allow-Error-Budget,
 *   Allow-Change-Size, Allow-Stateful-Change) that let a refusal through;
 * - drift found (the drift issue, and the last local drift report);
 * - catch-up fleets and quarantines live now, and when they expire.
 *
 * Sources: GitHub Deployments (lib/deploy/history.ts) when GITHUB_TOKEN is set, and
 * the local deploy records (the sandbox's .fleetflags/state/<env>/history.jsonl,
 * out/deploy/<env>.json). The flags files say what is live.
 */
import { handoffErrors } from '../errors';
import type { Flags } from '../flags/schema';
import { formatDuration, type DeployHistoryEntry, type DeployOverride } from '../deploy/history';

/** One deploy, from any source. */
export interface HandoffDeploy {
  readonly environment: string;
  readonly startedAt: string;
  readonly commit: string;
  readonly pr?: number;
  readonly actor: string;
  readonly flagsChanged: readonly string[];
  /** success, guard-refused, apply-failed, unhealthy, error, in_progress, ... */
  readonly outcome: string;
  readonly durationSeconds?: number;
  readonly simulated: boolean;
  /** Guards that warned or blocked. */
  readonly guards: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[];
  readonly overrides: readonly DeployOverride[];
  /** The freeze guard's verdict, when it was more than a plain "not frozen" (see freezeVerdict). */
  readonly freeze?: { readonly outcome: string; readonly message: string };
  /** The audited break-glass override the deploy carried (lib/deploy/break-glass.ts). */
  readonly breakGlass?: { readonly reason: string; readonly source: string; readonly actor?: string };
  /** The final status description or the error. */
  readonly detail?: string;
  readonly logUrl?: string;
  /** Where this entry came from: "github", "local". */
  readonly source: string;
  /** The deployed commit is a revert. */
  readonly revert?: boolean;
}

export interface HandoffDrift {
  /** e.g. "drift issue #12 (open): Drift: 1 resource changed outside Terraform, updated 2026-11-25 10:00Z". */
  readonly summary: string;
  readonly url?: string;
}

export interface HandoffEnvironment {
  readonly environment: string;
  readonly flagsFile: string;
  /** The flags as on the branch the handoff runs on (what is live after the last deploy of it). */
  readonly flags?: Flags;
  readonly deploys: readonly HandoffDeploy[];
  readonly drift: readonly HandoffDrift[];
  /** When each live fleet entered the flags ("catchUp", "quarantine:<name>"): the commit and its date. */
  readonly liveSince?: Readonly<Record<string, { readonly commit: string; readonly date: string }>>;
}

export interface Handoff {
  readonly since: Date;
  readonly until: Date;
  readonly environments: readonly HandoffEnvironment[];
  /** "GitHub Deployments (acme/fleetflags)", "local records (.fleetflags/state)", ... */
  readonly sources: readonly string[];
  /** Sources that could not be read, and why: shown, never silently dropped. */
  readonly warnings: readonly string[];
}

/** `7d`, `36h`, `2w`, or an ISO date/time; returns the start of the window. */
export function parseSince(value: string, now: Date): Date {
  const m = /^(\d{1,4})([hdw])$/.exec(value.trim());
  if (m) {
    const hours = Number(m[1]) * { h: 1, d: 24, w: 24 * 7 }[m[2] as 'h' | 'd' | 'w'];
    if (hours < 1) throw handoffErrors.badSince(value);
    return new Date(now.getTime() - hours * 3_600_000);
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value.trim())) {
    const t = Date.parse(value.trim());
    if (Number.isFinite(t) && t < now.getTime()) return new Date(t);
  }
  throw handoffErrors.badSince(value);
}

/** The freeze guard's id (lib/deploy/guards/deploy-not-frozen.ts). */
export const FREEZE_GUARD = 'DeployNotFrozen';

/**
 * The freeze guard's verdict among a deploy's guard results, unless it was the plain
 * "not frozen" (the flag evaluated to off): a freeze, an unanswered flag service (and
 * what the policy did), or break glass.
 */
export function freezeVerdict(guards: readonly { readonly guard: string; readonly outcome: string; readonly message: string }[] | undefined): HandoffDeploy['freeze'] {
  const g = (guards ?? []).find((x) => x.guard === FREEZE_GUARD);
  if (!g || (g.outcome === 'pass' && /^not frozen\b/.test(g.message))) return undefined;
  return { outcome: g.outcome, message: g.message };
}

/** A break-glass record from a payload or a record, when it is one. */
export function breakGlassOf(value: unknown): HandoffDeploy['breakGlass'] {
  const b = value as { reason?: unknown; source?: unknown; actor?: unknown } | null | undefined;
  if (!b || typeof b.reason !== 'string' || typeof b.source !== 'string') return undefined;
  return { reason: b.reason, source: b.source, ...(typeof b.actor === 'string' ? { actor: b.actor } : {}) };
}

/** A GitHub Deployments entry as a handoff deploy. */
export function fromHistoryEntry(e: DeployHistoryEntry): HandoffDeploy {
  const freeze = freezeVerdict(e.guards);
  const breakGlass = breakGlassOf((e.payload as { breakGlass?: unknown } | undefined)?.breakGlass);
  return {
    environment: e.environment,
    startedAt: e.createdAt,
    commit: e.commit,
    ...(e.pr !== undefined ? { pr: e.pr } : {}),
    actor: e.actor,
    flagsChanged: e.flagsChanged,
    outcome: e.outcome,
    ...(e.durationSeconds !== undefined ? { durationSeconds: e.durationSeconds } : {}),
    simulated: e.simulated,
    guards: (e.guards ?? []).filter((g) => g.outcome !== 'pass'),
    overrides: e.overrides ?? [],
    ...(freeze ? { freeze } : {}),
    ...(breakGlass ? { breakGlass } : {}),
    ...(e.description ? { detail: e.description } : {}),
    ...(e.logUrl ? { logUrl: e.logUrl } : {}),
    source: 'github',
  };
}

/** ISO week "2026-W48" of a date (UTC), for the one issue per week. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

const FAILED = new Set(['guard-refused', 'apply-failed', 'unhealthy', 'error', 'failure']);

export function isRollback(d: HandoffDeploy): boolean {
  return d.revert === true || /rolled back/i.test(d.detail ?? '');
}

export function renderHandoff(h: Handoff): string {
  const out: string[] = [
    `# On-call handoff: ${day(h.since)} → ${day(h.until)}`,
    '',
    `Window: ${stamp(h.since)} to ${stamp(h.until)} (UTC). Sources: ${h.sources.join('; ') || 'none'}.`,
  ];
  for (const w of h.warnings) out.push('', `> [!WARNING]\n> ${w}`);
  for (const env of h.environments) out.push('', ...renderEnvironment(env, h.until));
  return `${out.join('\n')}\n`;
}

function renderEnvironment(env: HandoffEnvironment, now: Date): string[] {
  const deploys = [...env.deploys].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const ok = deploys.filter((d) => d.outcome === 'success').length;
  const failed = deploys.filter((d) => FAILED.has(d.outcome));
  const rollbacks = deploys.filter(isRollback);
  const events = freezeAndOverrideEvents(deploys);
  const freezes = events.filter((e) => e.kind === 'freeze');
  const overrides = events.filter((e) => e.kind === 'override');
  const breakGlass = events.filter((e) => e.kind === 'break-glass');
  const simulated = deploys.some((d) => d.simulated);
  const out = [
    `## ${env.environment}${simulated ? ' (simulated deploys)' : ''}`,
    '',
    `**${deploys.length} deploy${plural(deploys.length)}** (${ok} succeeded, ${failed.length} failed or refused), ` +
      `${rollbacks.length} rollback${plural(rollbacks.length)}, ${freezes.length} freeze verdict${plural(freezes.length)}, ` +
      `${breakGlass.length} break glass, ${overrides.length} override${plural(overrides.length)}, drift: ${env.drift.length ? `${env.drift.length} report${plural(env.drift.length)}` : 'none found'}.`,
    '',
    '### Deploys',
    '',
  ];
  if (deploys.length === 0) out.push('No deploys in this window.');
  else {
    out.push('| started (UTC) | commit | PR | who | flags changed | outcome | duration |', '| --- | --- | --- | --- | --- | --- | --: |');
    for (const d of deploys) {
      const commit = d.logUrl ? `[\`${d.commit.slice(0, 12)}\`](${d.logUrl})` : `\`${d.commit.slice(0, 12)}\``;
      const flags = d.flagsChanged.length ? d.flagsChanged.map((f) => `\`${cell(f)}\``).join('<br>') : '—';
      out.push(
        `| ${stamp(new Date(d.startedAt))} | ${commit} | ${d.pr ? `#${d.pr}` : '—'} | ${cell(d.actor)} | ${flags} | ${outcomeIcon(d)} ${d.outcome}${isRollback(d) ? ' (rollback)' : ''} | ${d.durationSeconds !== undefined ? formatDuration(d.durationSeconds) : '—'} |`,
      );
    }
  }

  out.push('', '### Rollbacks', '');
  if (rollbacks.length === 0) out.push('None.');
  for (const d of rollbacks) out.push(`- ${stamp(new Date(d.startedAt))} \`${d.commit.slice(0, 12)}\` by ${d.actor}: ${d.revert ? 'deployed a revert' : 'rolled back by the instance refresh'} (${d.outcome})${d.detail ? `: ${oneLine(d.detail)}` : ''}`);

  out.push('', '### Failed or refused deploys', '');
  if (failed.length === 0) out.push('None.');
  for (const d of failed) {
    const blocked = d.guards.filter((g) => g.outcome === 'block');
    const why = blocked.length ? blocked.map((g) => `${g.guard}: ${oneLine(g.message)}`).join('; ') : oneLine(d.detail ?? 'no reason recorded');
    out.push(`- ${stamp(new Date(d.startedAt))} \`${d.commit.slice(0, 12)}\` by ${d.actor}: **${d.outcome}**: ${why}`);
  }

  out.push('', '### Freezes and overrides', '');
  if (events.length === 0) out.push('None: no freeze, no break glass, no override trailer in this window.');
  else {
    out.push('| when (UTC) | what | deploy | who | detail |', '| --- | --- | --- | --- | --- |');
    for (const run of repeatedVerdicts(events)) {
      const e = run[0];
      if (run.length === 1) {
        out.push(`| ${stamp(new Date(e.d.startedAt))} | ${e.what} | \`${e.d.commit.slice(0, 12)}\` (${e.d.outcome}${isRollback(e.d) ? ', rollback' : ''}) | ${cell(e.who)} | ${oneLine(e.detail)} |`);
        continue;
      }
      // The same verdict for deploy after deploy (an environment with no flag service): one row.
      const last = run[run.length - 1];
      const who = [...new Set(run.map((r) => r.who))].join(', ');
      out.push(
        `| ${stamp(new Date(last.d.startedAt))} to ${stamp(new Date(e.d.startedAt))} | ${e.what} | ${run.length} deploys, \`${last.d.commit.slice(0, 12)}\` to \`${e.d.commit.slice(0, 12)}\` | ${cell(who)} | ${oneLine(e.detail)} |`,
      );
    }
  }

  out.push('', '### Drift', '');
  if (env.drift.length === 0) out.push('None found in this window.');
  for (const r of env.drift) out.push(`- ${r.url ? `[${r.summary}](${r.url})` : r.summary}`);

  out.push('', '### Live now (catch-up fleets and quarantines)', '');
  out.push(...liveNow(env, now));
  return out;
}

/** One row of "Freezes and overrides". */
export interface FreezeOrOverride {
  readonly kind: 'freeze' | 'break-glass' | 'override';
  readonly d: HandoffDeploy;
  readonly what: string;
  readonly who: string;
  readonly detail: string;
}

/**
 * Every freeze verdict, break glass and override trailer of the deploys, newest
 * first: what held deploys back in the window, and what was let through and why.
 */
export function freezeAndOverrideEvents(deploys: readonly HandoffDeploy[]): FreezeOrOverride[] {
  const events: FreezeOrOverride[] = [];
  for (const d of [...deploys].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))) {
    const f = d.freeze;
    if (f && !/^BREAK GLASS\b/.test(f.message)) {
      const unanswered = /^LaunchDarkly\b/.test(f.message);
      const what = /^break glass refused\b/m.test(f.message)
        ? '⛔ frozen; break glass refused (not a rollback)'
        : unanswered
          ? f.outcome === 'block'
            ? '⛔ flag service unanswered: refused (fail closed)'
            : '⚠️ flag service unanswered: proceeded (policy)'
          : f.outcome === 'block'
            ? '⛔ frozen: deploy refused'
            : `freeze guard: ${f.outcome}`;
      events.push({ kind: 'freeze', d, what, who: d.actor, detail: f.message });
    }
    if (d.breakGlass || (f && /^BREAK GLASS\b/.test(f.message))) {
      const b = d.breakGlass;
      events.push({
        kind: 'break-glass',
        d,
        what: '🔨 break glass: rollback through the freeze',
        who: b?.actor ?? d.actor,
        detail: b ? `${b.reason} (${b.source})` : f!.message,
      });
    }
    for (const o of d.overrides) {
      events.push({ kind: 'override', d, what: `override \`${o.trailer}\` (${o.guard})`, who: d.actor, detail: `${o.value} (trailer in \`${o.commit.slice(0, 12)}\`)` });
    }
  }
  return events;
}

/**
 * The events in runs: a freeze verdict that lets deploys through by policy with the
 * same message as the one before it (ignoring overrides and break glass in between)
 * joins that run; every other event is a run of its own.
 */
export function repeatedVerdicts(events: readonly FreezeOrOverride[]): FreezeOrOverride[][] {
  const runs: FreezeOrOverride[][] = [];
  let open: FreezeOrOverride[] | undefined;
  for (const e of events) {
    const repeatable = e.kind === 'freeze' && e.d.freeze?.outcome !== 'block';
    if (repeatable && open && open[0].what === e.what && open[0].detail === e.detail) {
      open.push(e);
      continue;
    }
    const run = [e];
    runs.push(run);
    if (repeatable) open = run;
    else if (e.kind === 'freeze') open = undefined;
  }
  return runs;
}

/** The catch-up fleet and the quarantines the flags file switches on, and when they expire. */
export function liveNow(env: Pick<HandoffEnvironment, 'flags' | 'flagsFile' | 'liveSince'>, now: Date): string[] {
  const since = (key: string) => {
    const s = env.liveSince?.[key];
    return s ? `; in the flags since ${stamp(new Date(s.date))} (\`${s.commit.slice(0, 12)}\`)` : '';
  };
  if (!env.flags) return [`Unknown: ${env.flagsFile} could not be read.`];
  const lines: string[] = [];
  const c = env.flags.catchUp;
  if (c.enabled) {
    const left = c.expiresAt ? Date.parse(c.expiresAt) - now.getTime() : undefined;
    const when =
      left === undefined
        ? 'no expiry set'
        : left > 0
          ? `expires ${stamp(new Date(c.expiresAt!))} (in ${formatDuration(left / 1000)})`
          : `**expired** ${stamp(new Date(c.expiresAt!))} (${formatDuration(-left / 1000)} ago; scaled to zero, still enabled: remove it with \`"catchUp": { "enabled": false }\`)`;
    lines.push(`- catch-up fleet: ${c.size} instance${plural(c.size)}, backfill ${c.backfillMinutes} min${c.buildId ? `, build ${c.buildId}` : ''}; ${when}${since('catchUp')}`);
  }
  for (const q of env.flags.quarantines) {
    lines.push(
      `- quarantine \`${q.name}\`: ${q.instanceCount} instance${plural(q.instanceCount)}, build ${q.buildId ?? env.flags.ingest.buildId}, paths ${q.pathPatterns.map((p) => `\`${p}\``).join(', ')}; ` +
        `no expiry (quarantines stay until their entry is removed)${since(`quarantine:${q.name}`)}`,
    );
  }
  return lines.length ? lines : ['No catch-up fleet, no quarantine.'];
}

function outcomeIcon(d: HandoffDeploy): string {
  if (d.outcome === 'success') return '✅';
  if (d.outcome === 'guard-refused') return '⛔';
  if (FAILED.has(d.outcome)) return '❌';
  return '⏳';
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function stamp(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'unknown' : `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

function oneLine(text: string): string {
  const first = text.split('\n')[0];
  return cell(first.length > 300 ? `${first.slice(0, 299)}…` : first);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
