/**
 * npm run history -- --env <env> [--limit N]
 * Lists the recent deploys of an environment from GitHub Deployments, newest first:
 * time, commit, PR, actor, outcome and duration, plan counts, flags changed, run link.
 * Needs GITHUB_TOKEN and GITHUB_REPOSITORY (GITHUB_API_URL for GitHub Enterprise).
 */
import { parseArgs } from 'node:util';
import { errors } from '../lib/errors';
import { environmentOf, flagsFiles } from '../lib/flags/load';
import { DeployHistory, formatDuration, type DeployHistoryEntry } from '../lib/deploy/history';

const USAGE = 'npm run history -- --env <environment> [--limit N]   (N from 1 to 100, default 20)';

/** One line per deploy. */
export function formatHistory(environment: string, entries: readonly DeployHistoryEntry[]): string[] {
  if (entries.length === 0) return [`No deploys of ${environment} recorded in GitHub Deployments yet.`];
  const rows = entries.map((e) => [
    `${e.createdAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z')}`,
    e.commit.slice(0, 12),
    e.pr ? `#${e.pr}` : '-',
    e.actor,
    `${e.outcome}${e.durationSeconds !== undefined ? ` (${formatDuration(e.durationSeconds)})` : ''}${e.simulated ? ' [simulated]' : ''}`,
    e.planCounts ? `+${e.planCounts.add} ~${e.planCounts.change} -${e.planCounts.destroy}` : '',
    e.flagsChanged.length > 0 ? `flags: ${e.flagsChanged.join('; ')}` : 'no flag changes',
    e.logUrl ?? '',
  ]);
  const widths = rows[0].slice(0, 6).map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return [
    `Deploys of ${environment}, newest first (time UTC, commit, PR, actor, outcome, plan +add ~change -destroy, flags, run):`,
    ...rows.map((r) => [...r.slice(0, 6).map((c, i) => c.padEnd(widths[i])), ...r.slice(6)].join('  ').trimEnd()),
  ];
}

export interface HistoryMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly flagsDir?: string;
  readonly print?: (line: string) => void;
}

export async function main(args: readonly string[], options: HistoryMainOptions = {}): Promise<number> {
  let values: { env?: string; limit?: string };
  try {
    ({ values } = parseArgs({
      args: args.filter((a) => a !== '--'),
      options: { env: { type: 'string' }, limit: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    throw errors.usage((e as Error).message, USAGE);
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw errors.usage(`--limit must be a whole number from 1 to 100; got ${JSON.stringify(values.limit)}`, USAGE);
  const known = flagsFiles(options.flagsDir).map(environmentOf);
  if (!known.includes(values.env)) throw errors.unknownEnvironment(values.env, known);

  const entries = await DeployHistory.fromEnv(options.env ?? process.env).list(values.env, limit);
  for (const line of formatHistory(values.env, entries)) (options.print ?? console.log)(line);
  return 0;
}
