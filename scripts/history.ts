/**
 * npm run history -- --env <env> [--limit N]
 * Lists the recent deploys of an environment from GitHub Deployments, newest first:
 * time, commit, PR, actor, outcome and duration, plan counts, flags changed, run link.
 * Needs GITHUB_TOKEN and GITHUB_REPOSITORY (GITHUB_API_URL for GitHub Enterprise).
 * Without them, an emulated environment (the sandbox) lists its local record of
 * deploys (.fleetflags/state/<env>/history.jsonl) instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { errors } from '../lib/errors';
import { environmentOf, flagsFiles } from '../lib/flags/load';
import { DeployHistory, formatDuration, type DeployHistoryEntry } from '../lib/deploy/history';
import { DeployedStore, type LocalHistoryEntry } from '../lib/deploy/deployed-store';
import { formatCounts } from '../lib/deploy/plan-counts';

const USAGE = 'npm run history -- --env <environment> [--limit N]   (N from 1 to 100, default 20)';

/** Where the entries come from: GitHub Deployments, or the local record of deploys (its file). */
export type HistorySource = { readonly kind: 'github' } | { readonly kind: 'local'; readonly dir: string };

/** One line per deploy. */
export function formatHistory(environment: string, entries: readonly DeployHistoryEntry[], source: HistorySource = { kind: 'github' }): string[] {
  const where = source.kind === 'github' ? 'GitHub Deployments' : `the local record of deploys (${source.dir})`;
  if (entries.length === 0) return [`No deploys of ${environment} recorded in ${where} yet.`];
  const rows = entries.map((e) => [
    `${e.createdAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z')}`,
    e.commit.slice(0, 12),
    e.pr ? `#${e.pr}` : '-',
    e.actor,
    `${e.outcome}${e.durationSeconds !== undefined ? ` (${formatDuration(e.durationSeconds)})` : ''}${e.simulated ? ' [simulated]' : ''}`,
    e.planCounts ? formatCounts(e.planCounts) : '',
    e.flagsChanged.length > 0 ? `flags: ${e.flagsChanged.join('; ')}` : 'no flag changes',
    e.logUrl ?? '',
  ]);
  const widths = rows[0].slice(0, 6).map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [
    ...(source.kind === 'local' ? [`GITHUB_TOKEN/GITHUB_REPOSITORY not set: listing ${where}`] : []),
    `Deploys of ${environment}, newest first (time UTC, commit, PR, actor, outcome, plan +add ~change -destroy, flags, run):`,
    ...rows.map((r) => [...r.slice(0, 6).map((c, i) => c.padEnd(widths[i])), ...r.slice(6)].join('  ').trimEnd()),
  ];
}

export interface HistoryMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly flagsDir?: string;
  readonly print?: (line: string) => void;
  /** The project root, where .fleetflags/ (FLEETFLAGS_STATE_DIR) is. @default process.cwd() */
  readonly repoDir?: string;
}

/** A local deploy as a history entry (no GitHub Deployment id, no run link). */
function fromLocal(e: LocalHistoryEntry): DeployHistoryEntry {
  return {
    id: 0,
    createdAt: e.startedAt,
    environment: e.environment,
    commit: e.commit,
    ...(e.pr !== undefined ? { pr: e.pr } : {}),
    actor: e.actor,
    flagsChanged: e.flagsChanged,
    outcome: e.outcome,
    state: e.outcome,
    durationSeconds: e.durationSeconds,
    simulated: false,
  };
}

/** True when the environment's flags file names an emulator (aws.endpoint; read as JSON; false when unreadable). */
function isEmulated(file: string): boolean {
  try {
    return typeof (JSON.parse(readFileSync(file, 'utf8')) as { aws?: { endpoint?: unknown } }).aws?.endpoint === 'string';
  } catch {
    return false;
  }
}

export async function main(args: readonly string[], options: HistoryMainOptions = {}): Promise<number> {
  const print = options.print ?? console.log;
  const { values, help } = parseCommandLine<{ env?: string; limit?: string }>(args, {
    usage: USAGE,
    options: { env: { type: 'string' }, limit: { type: 'string' } },
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw errors.usage(`--limit must be a whole number from 1 to 100; got ${JSON.stringify(values.limit)}`, USAGE);
  const files = flagsFiles(options.flagsDir);
  const known = files.map(environmentOf);
  if (!known.includes(values.env)) throw errors.unknownEnvironment(values.env, known);

  const env = options.env ?? process.env;
  const file = files[known.indexOf(values.env)];
  if ((!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) && isEmulated(file)) {
    // The sandbox: the deploy and the rollback use the local record; so does the history.
    const repoDir = path.resolve(options.repoDir ?? process.cwd());
    const store = DeployedStore.forRepo(repoDir, env);
    const entries = store.history(values.env).slice(0, limit).map(fromLocal);
    const dir = path.relative(repoDir, path.join(store.dir(values.env), 'history.jsonl')) || store.dir(values.env);
    for (const line of formatHistory(values.env, entries, { kind: 'local', dir })) print(line);
    return 0;
  }
  const entries = await DeployHistory.fromEnv(env).list(values.env, limit);
  for (const line of formatHistory(values.env, entries)) print(line);
  return 0;
}
