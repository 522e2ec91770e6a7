/**
 * npm run handoff -- [--since 7d] [--env <environment>] [--out <file>] [--step-summary] [--issue]
 *
 * The weekly on-call handoff as markdown, per environment: deploys (who, flags
 * changed, outcome, duration), rollbacks, failed or refused deploys and why,
 * freezes and overrides, drift found, and the catch-up fleets and quarantines live
 * now with their expiry (lib/handoff/).
 *
 * Sources: GitHub Deployments and the drift issue when GITHUB_TOKEN and
 * GITHUB_REPOSITORY are set (GITHUB_API_URL for GitHub Enterprise); always the local
 * records (.fleetflags/state/<env>/history.jsonl, out/deploy/<env>.json,
 * out/drift/report.json).
 *
 * --step-summary appends it to $GITHUB_STEP_SUMMARY; --issue creates or updates the
 * one issue of this ISO week ("On-call handoff 2026-W48"). Prints the markdown.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { errors } from '../lib/errors';
import { environmentOf, flagsFiles, loadFlagsFiles } from '../lib/flags/load';
import { DeployHistory, githubConfigFromEnv, runUrlFromEnv } from '../lib/deploy/history';
import { DeployedStore } from '../lib/deploy/deployed-store';
import { createOctokit } from '../lib/github/sticky-comment';
import { collectHandoff, type CollectOptions } from '../lib/handoff/collect';
import { parseSince, renderHandoff } from '../lib/handoff/handoff';
import { findDriftIssue, upsertWeeklyIssue } from '../lib/handoff/weekly-issue';

const USAGE = 'npm run handoff -- [--since 7d] [--env <environment>] [--out <file>] [--step-summary] [--issue]';

export interface HandoffMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  /** The project root: flags/, out/, .fleetflags/, and the git work tree. @default process.cwd() */
  readonly repoDir?: string;
  /** @default the current time */
  readonly now?: Date;
}

export async function main(args: readonly string[], options: HandoffMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const now = options.now ?? new Date();
  const { values, help } = parseCommandLine<{ since?: string; env?: string; out?: string; 'step-summary'?: boolean; issue?: boolean }>(args, {
    usage: USAGE,
    options: { since: { type: 'string' }, env: { type: 'string' }, out: { type: 'string' }, 'step-summary': { type: 'boolean' }, issue: { type: 'boolean' } },
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const since = parseSince(values.since ?? '7d', now);
  const files = flagsFiles(path.join(repoDir, 'flags'));
  const known = files.map(environmentOf);
  if (values.env !== undefined && !known.includes(values.env)) throw errors.unknownEnvironment(values.env, known);
  const chosen = files.filter((f) => values.env === undefined || environmentOf(f) === values.env);
  // A broken flags file must not hide the week's history: its "live now" says it is unreadable.
  const { loaded } = loadFlagsFiles(files, { expiredCatchUp: 'allow', now });
  const environments = chosen.map((file) => {
    const entry = loaded.find((l) => path.resolve(l.file) === path.resolve(file));
    return { environment: environmentOf(file), file: path.relative(repoDir, file), ...(entry ? { flags: entry.flags } : {}) };
  });

  const hasGitHub = Boolean(env.GITHUB_TOKEN && env.GITHUB_REPOSITORY);
  if (values.issue && !hasGitHub) throw errors.usage('--issue needs GITHUB_TOKEN and GITHUB_REPOSITORY (the weekly issue lives in GitHub)', USAGE);
  const config = hasGitHub ? githubConfigFromEnv(env) : undefined;
  const octokit = config ? createOctokit({ token: config.token, baseUrl: config.apiUrl }) : undefined;
  const history = config ? new DeployHistory(config) : undefined;
  const github: CollectOptions['github'] =
    config && octokit && history
      ? { label: `${config.owner}/${config.repo}`, list: (e, limit) => history.list(e, limit), driftIssue: () => findDriftIssue(octokit, config.owner, config.repo) }
      : undefined;

  const handoff = await collectHandoff({
    environments,
    since,
    now,
    repoDir,
    github,
    githubSkipped: github ? undefined : `${env.GITHUB_TOKEN ? 'GITHUB_REPOSITORY' : 'GITHUB_TOKEN'} is not set`,
    store: DeployedStore.forRepo(repoDir, env),
    deployRecordDir: path.join(repoDir, 'out', 'deploy'),
    driftReportFile: path.join(repoDir, 'out', 'drift', 'report.json'),
  });
  const markdown = renderHandoff(handoff);

  if (values.out) writeFileSync(values.out, markdown);
  if (values['step-summary'] && env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  print(markdown.trimEnd());
  if (values.issue && octokit && config) {
    const result = await upsertWeeklyIssue({ octokit, owner: config.owner, repo: config.repo, now, body: markdown, runUrl: runUrlFromEnv(env) });
    print(`handoff issue: ${result.action} #${result.number}${result.url ? ` ${result.url}` : ''} (${result.week})`);
  }
  return 0;
}
