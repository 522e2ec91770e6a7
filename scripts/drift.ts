/**
 * npm run drift [-- --plan <stack>=<plan.json>... ] [--env <env>] [--plans-only] [--from-plans <dir>] [--exit-code]
 *
 * Plans every deployable stack (environments with a `deploy` section) against its
 * real state with `-detailed-exitcode` and `-lock=false` (a read-only role), two stacks
 * at a time, each in a Terraform data directory kept between runs in
 * .fleetflags/state/<env>/terraform/drift/<stack>/ (init only when the backend or the
 * providers changed), prints each step's wall time, writes
 * out/drift/report.md, out/drift/report.json and out/drift/<stack>.plan.json, and
 * keeps the one drift issue up to date (lib/deploy/drift.ts) when GITHUB_TOKEN and
 * GITHUB_REPOSITORY are set; without them it only prints and writes the report.
 *
 * --plan builds the report from existing JSON plans instead (no Terraform).
 * --env plans that environment only: any environment, the emulated sandbox too.
 * --plans-only writes the JSON plans and stops (no report, no issue): drift.yml plans
 * each environment with its own role (its own account) this way, then
 * --from-plans <dir> builds the one report and issue from every <stack>.plan.json there.
 * Exit 0 when the report was made (drift is reported in the issue, not by failing
 * the job); with --exit-code, 20 when anything drifted or is not yet deployed
 * (ExitCode.DriftFound: 2 is the usage error, as in every script: a wrong command line, or
 * no AWS credentials to plan with).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { deployRunErrors, errors, ExitCode } from '../lib/errors';
import { flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';
import { environmentOfStack, stackOfPlanFile } from '../lib/plan/plan-model';
import { readPlanFile } from '../lib/plan/plan-json';
import { hasAwsCredentials } from '../lib/plan/plan-run';
import { synthesize } from '../lib/synth';
import { deployOrder } from '../lib/deploy/deploy-order';
import { buildDriftReport, driftSummaryLines, renderDriftIssue, upsertDriftIssue, type DriftPlan, type DriftReport, type UpsertDriftIssueResult } from '../lib/deploy/drift';
import { githubConfigFromEnv, runUrlFromEnv } from '../lib/deploy/history';
import { planStacksReadOnly } from '../lib/deploy/terraform-stacks';
import { DeployedStore } from '../lib/deploy/deployed-store';
import { PhaseTimer } from '../lib/deploy/phases';
import { createOctokit } from '../lib/github/sticky-comment';

const USAGE = 'npm run drift [-- --plan <stack>=<plan.json>... ] [--env <env>] [--plans-only] [--from-plans <dir>] [--exit-code]';
export const OUT_DIR = path.join('out', 'drift');

export interface DriftMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly repoDir?: string;
  readonly print?: (line: string) => void;
  readonly now?: Date;
  /** Plans the stacks; @default terraform against real state */
  readonly planner?: () => Promise<DriftPlan[]>;
}

export async function main(args: readonly string[], options: DriftMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, positionals, help } = parseCommandLine<{ plan?: string[]; env?: string; 'exit-code'?: boolean; 'plans-only'?: boolean; 'from-plans'?: string }>(args, {
    usage: USAGE,
    options: {
      plan: { type: 'string', multiple: true },
      env: { type: 'string' },
      'exit-code': { type: 'boolean' },
      'plans-only': { type: 'boolean' },
      'from-plans': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const outDir = path.join(repoDir, OUT_DIR);
  mkdirSync(outDir, { recursive: true });

  const fromDir = values['from-plans'] ? path.resolve(repoDir, values['from-plans']) : undefined;
  if (fromDir && values['plans-only']) throw errors.usage('--plans-only writes plans; --from-plans reads them: one or the other', USAGE);
  const planArgs = [...(values.plan ?? []), ...positionals, ...(fromDir ? planFilesIn(fromDir, USAGE) : [])];
  let plans: DriftPlan[];
  if (planArgs.length > 0) {
    plans = planArgs.map((arg) => {
      const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
      const file = m ? m[2] : arg;
      return { stack: m ? m[1] : stackOfPlanFile(file), plan: readPlanFile(path.resolve(repoDir, file)) };
    });
  } else {
    // An emulated environment has its own (non-secret) credentials.
    if (!options.planner && !hasAwsCredentials(env) && !(values.env && isEmulated(repoDir, values.env))) throw errors.driftNeedsCredentials();
    plans = await (options.planner ?? (() => terraformDriftPlans(repoDir, outDir, print, values.env, { env })))();
    if (values['plans-only']) {
      print(`plans of ${plans.map((p) => p.stack).join(', ') || 'no stack'} in ${OUT_DIR}; the report comes from \`npm run drift -- --from-plans ${OUT_DIR}\``);
      return 0;
    }
  }
  const report = buildDriftReport(plans, options.now ?? new Date());
  const result = await publishDriftReport(report, { env, outDir, print });
  if (result) print(`drift issue: ${result.action}${result.number ? ` #${result.number}` : ''}${result.url ? ` ${result.url}` : ''}`);
  return values['exit-code'] && !report.clean ? ExitCode.DriftFound : 0;
}

/**
 * Plans every deployable stack against real state; writes each JSON plan to outDir.
 * Each stack keeps its Terraform data directory between runs (init only when the
 * backend or the providers changed), and the stacks are planned a few at a time
 * (lib/deploy/terraform-stacks.ts: planStacksReadOnly).
 */
export async function terraformDriftPlans(
  repoDir: string,
  outDir: string,
  print: (line: string) => void,
  environment?: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly concurrency?: number; readonly timer?: PhaseTimer } = {},
): Promise<DriftPlan[]> {
  // What is merged is what drift compares with: an expired catch-up fleet must not stop the report.
  const all = loadFlagsOrThrow(flagsFiles(path.relative(process.cwd(), path.join(repoDir, 'flags')) || '.'), { expiredCatchUp: 'allow' });
  let environments = all;
  if (environment !== undefined) {
    environments = all.filter((e) => e.environment === environment);
    if (environments.length === 0) throw errors.unknownEnvironment(environment, all.map((e) => e.environment));
  } else {
    const order = deployOrder(all);
    if (order.length === 0) throw deployRunErrors.noDeployableEnvironments('flags/');
    environments = all.filter((e) => order.includes(e.environment));
  }
  const timer = options.timer ?? new PhaseTimer();
  const { outdir, stacks } = await timer.time('synth', () => synthesize(environments, path.join(outDir, 'synth')));
  const store = DeployedStore.forRepo(repoDir, options.env ?? process.env);
  const stackDirs = [...stacks].map(([stack, config]) => ({
    stack,
    config,
    dir: path.join(outdir, 'stacks', stack),
    dataDir: store.terraformDataDir(environmentOfStack(stack), stack, 'drift'),
  }));
  const planned = await planStacksReadOnly(stackDirs, { concurrency: options.concurrency, timer, log: print });
  const plans = planned.map(({ stack, exitCode, plan }) => {
    writeFileSync(path.join(outDir, `${stack}.plan.json`), JSON.stringify(plan));
    return { stack, exitCode, plan: readPlanFile(path.join(outDir, `${stack}.plan.json`)) };
  });
  for (const line of timer.format()) print(line);
  return plans;
}

/** Every `<stack>.plan.json` of a directory (drift.yml: one per stack, each planned with its environment's role). */
function planFilesIn(dir: string, usage: string): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.plan.json')).sort() : [];
  if (files.length === 0) throw errors.usage(`--from-plans ${dir}: no <stack>.plan.json there (run \`npm run drift -- --env <env> --plans-only\` first)`, usage);
  return files.map((f) => path.join(dir, f));
}

function isEmulated(repoDir: string, environment: string): boolean {
  const entry = loadFlagsOrThrow([path.join(repoDir, 'flags', `${environment}.json`)], { expiredCatchUp: 'allow' })[0];
  return entry.flags.aws.endpoint !== undefined;
}

/** Writes the report files and upserts the issue (when GitHub is configured). */
export async function publishDriftReport(
  report: DriftReport,
  options: { env: NodeJS.ProcessEnv; outDir: string; print: (line: string) => void },
): Promise<UpsertDriftIssueResult | undefined> {
  const body = renderDriftIssue(report, { runUrl: runUrlFromEnv(options.env) });
  writeFileSync(path.join(options.outDir, 'report.md'), body);
  writeFileSync(path.join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const line of driftSummaryLines(report)) options.print(line);
  options.print(report.clean ? 'no drift: every stack matches main' : `drift: ${report.driftCount} changed outside Terraform, ${report.pendingCount} not yet deployed`);
  if (!options.env.GITHUB_TOKEN || !options.env.GITHUB_REPOSITORY) {
    options.print(`GITHUB_TOKEN/GITHUB_REPOSITORY not set: the drift issue is not updated; the report is in ${path.join(OUT_DIR, 'report.md')}`);
    return undefined;
  }
  const gh = githubConfigFromEnv(options.env);
  const octokit = createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
  return upsertDriftIssue({ octokit, owner: gh.owner, repo: gh.repo, report, body });
}
