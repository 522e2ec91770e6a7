/**
 * npm run deploy -- --env <env> [--stack <stack>] [--plan-only] [--health-timeout <seconds>]
 * npm run deploy -- --print-order
 *
 * Deploys one environment: plan, every guard, apply exactly the checked plan, verify
 * health, record (lib/deploy/deploy.ts). One path for every environment: an emulated
 * one (the sandbox, `aws.endpoint`) is deployed for real to the AWS emulator on this
 * machine (`npm run emulator`), its state in .fleetflags/state/<env>/, its deploys
 * recorded there too (lib/deploy/deployed-store.ts) where AWS environments use GitHub
 * Deployments.
 *
 * Writes out/deploy/<env>.json (the deploy record) and out/deploy/<env>/<stack>.plan.json.
 * Exit codes: 0 deployed and healthy; 10 a guard refused (nothing applied); 11 the
 * apply failed; 12 unhealthy after the apply; 3 bad flags; 4 Terraform failed to plan.
 *
 * --print-order prints the JSON array of the environments CI deploys, in `deploy.order`.
 */
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { errors, jsonPath } from '../lib/errors';
import { flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';
import { diffValues } from '../lib/plan/flags-diff';
import { synthesize } from '../lib/synth';
import { accessStackName } from '../lib/naming';
import { deployOrder, deployOrderAtRef } from '../lib/deploy/deploy-order';
import { capturingPlanner, savedPlanPlanner, savePlans } from '../lib/deploy/saved-plan';
import { FREEZE_GUARD } from '../lib/handoff/handoff';
import {
  formatFlagChanges,
  healthVerifier,
  runDeploy,
  type DeployDeps,
  type DeployPlanner,
  type MarkerPoster,
} from '../lib/deploy/deploy';
import { commitMessage, git, gitRaw, resolveCommit } from '../lib/deploy/git';
import { allGuards } from '../lib/deploy/guards';
import { breakGlassFrom } from '../lib/deploy/break-glass';
import { awsHealthApi, waitForHealthy } from '../lib/deploy/health';
import { DeployHistory, pullRequestOf, runUrlFromEnv } from '../lib/deploy/history';
import { lastTrustedDeploy } from '../lib/deploy/trusted-history';
import { honeycombConfigFromEnv, postMarker } from '../lib/deploy/honeycomb';
import { DeployedStore } from '../lib/deploy/deployed-store';
import { autoScalingClient, elbv2Client } from '../lib/emulator/clients';
import { prepareEmulatedEnvironment } from '../lib/emulator/emulated-environment';
import { startedPlanner, terraformApplier, terraformPlanner } from '../lib/deploy/terraform-stacks';
import { PhaseTimer } from '../lib/deploy/phases';
import { terraformProcessCounts } from '../lib/terraform/runner';
import { persistRun } from '../lib/deploy/run-record';

const USAGE =
  'npm run deploy -- --env <environment> [--stack <stack>] [--plan-only [--save-plan <dir>] | --apply-plan <dir>] [--rollback] [--health-timeout <seconds>]\n' +
  '       npm run deploy -- --print-order [--from-ref <ref>]';

export const OUT_DIR = path.join('out', 'deploy');

export interface DeployMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  /** The git work tree and project root. @default process.cwd() */
  readonly repoDir?: string;
}

export async function main(args: readonly string[], options: DeployMainOptions = {}): Promise<number> {
  // This deploy's Terraform processes: the counts are per Node process, so what ran before main() is subtracted.
  const processesBefore = terraformProcessCounts();
  const timer = new PhaseTimer();
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const { values, help } = parseCommandLine<{ env?: string; stack?: string; 'print-order'?: boolean; 'plan-only'?: boolean; 'health-timeout'?: string; rollback?: boolean; 'from-ref'?: string; 'save-plan'?: string; 'apply-plan'?: string }>(args, {
    usage: USAGE,
    options: {
      env: { type: 'string' },
      stack: { type: 'string' },
      'print-order': { type: 'boolean' },
      'plan-only': { type: 'boolean' },
      'health-timeout': { type: 'string' },
      rollback: { type: 'boolean' },
      'from-ref': { type: 'string' },
      'save-plan': { type: 'string' },
      'apply-plan': { type: 'string' },
    },
  });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  // --print-order prints the order and deploys nothing: an --env with it would be silently ignored.
  if (values['print-order'] && values.env !== undefined) throw errors.usage('--print-order deploys nothing and takes no --env', USAGE);

  if (values['print-order'] && values['from-ref']) {
    // CI's matrix: the environments main and the access stack know, never the checkout's (lib/deploy/deploy-order.ts).
    const { environments, skipped } = deployOrderAtRef(values['from-ref'], repoDir);
    for (const s of skipped) console.error(`not deployed: ${s.environment}: ${s.reason}`);
    print(JSON.stringify(environments));
    return 0;
  }
  // Relative paths (flags/<env>.json) when run from the repository, as messages show them.
  // An expired catch-up fleet does not block a deploy: its CatchUpNotExpired guard warns.
  const all = loadFlagsOrThrow(flagsFiles(path.relative(process.cwd(), path.join(repoDir, 'flags')) || '.'), { expiredCatchUp: 'allow' });
  if (values['print-order']) {
    // Only the JSON: CI reads this line into a matrix.
    print(JSON.stringify(deployOrder(all)));
    return 0;
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  const entry = all.find((e) => e.environment === values.env);
  if (!entry) throw errors.unknownEnvironment(values.env, all.map((e) => e.environment));
  const healthTimeout = values['health-timeout'] === undefined ? 1800 : Number(values['health-timeout']);
  if (!Number.isInteger(healthTimeout) || healthTimeout < 1) {
    throw errors.usage(`--health-timeout must be a whole number of seconds; got ${JSON.stringify(values['health-timeout'])}`, USAGE);
  }

  if (values['save-plan'] && !values['plan-only']) throw errors.usage('--save-plan saves the plan of a --plan-only run', USAGE);
  if (values['apply-plan'] && (values['plan-only'] || values['save-plan'])) throw errors.usage('--apply-plan applies a saved plan; it takes no --plan-only or --save-plan', USAGE);
  const environment = entry.environment;
  const endpoint = entry.flags.aws.endpoint;
  const emulated = endpoint !== undefined;
  const log = (line: string) => print(line);
  const flagsFile = path.relative(repoDir, path.resolve(entry.file));
  const head = await git(['rev-parse', 'HEAD'], repoDir);
  const store = DeployedStore.forRepo(repoDir, env);

  // Deploy history: GitHub Deployments when a token is set.
  let history: DeployHistory | undefined;
  let historySkipped: string | undefined;
  if (env.GITHUB_TOKEN && env.GITHUB_REPOSITORY) history = DeployHistory.fromEnv(env);
  else historySkipped = `${env.GITHUB_TOKEN ? 'GITHUB_REPOSITORY' : 'GITHUB_TOKEN'} is not set; the deploy record is only in ${OUT_DIR}/${environment}.json`;

  // The last successful deploy: the base of the commits being deployed, and of the flags diff.
  let base: string | undefined;
  let baseSource: string | undefined;
  let baseFlags: unknown;
  if (emulated) {
    // Before anything else: the emulator answers, and the state is from this boot of it.
    await timer.time('emulator check', () => prepareEmulatedEnvironment({ environment, endpoint, store, log }));
    const last = store.lastDeploy(environment);
    if (last) {
      base = last.commit;
      baseSource = 'local';
      baseFlags = last.flags;
    }
  }

  // The flags file as loaded, which is what is synthesized: never read again once the plans run (it may have changed).
  const headFlags = entry.source;
  const outDir = path.join(repoDir, OUT_DIR);
  const { outdir: synthDir, stacks: synthesized } = await timer.time('synth', () => synthesize([entry], path.join(outDir, environment, 'synth')));
  // --stack: one stack only (the data stack of a new environment, before its builds can be published).
  // Never the access stack: the deploy role must not change who can deploy (docs/security.md).
  const deployable = [...synthesized.keys()].filter((stack) => stack !== accessStackName(environment));
  if (values.stack !== undefined && !deployable.includes(values.stack)) {
    throw errors.usage(`--stack ${JSON.stringify(values.stack)} is not a stack npm run deploy deploys in ${environment}; allowed: ${deployable.join(', ')} (the access stack is applied by an administrator, docs/security.md)`, USAGE);
  }
  const stacks = values.stack === undefined ? synthesized : new Map([[values.stack, synthesized.get(values.stack)!]]);

  // Never the access stack: the deploy role must not change who can deploy (docs/security.md).
  // Each stack's Terraform data directory outlives the synthesized tree: init only when the backend or providers change.
  const stackDirs = [...stacks]
    .filter(([stack]) => stack !== accessStackName(environment))
    .map(([stack, config]) => ({ stack, config, dir: path.join(synthDir, 'stacks', stack), dataDir: store.terraformDataDir(environment, stack) }));
  let captured: ReturnType<typeof capturingPlanner> | undefined;
  const capturing = (planner: DeployPlanner) => (captured = capturingPlanner(planner));
  // Terraform plans from here on, while the deploy reads its history and git; the guards see the plans once both are done.
  const planner = startedPlanner(
    // Plan, approve, apply exactly that file (lib/deploy/saved-plan.ts).
    values['apply-plan']
      ? savedPlanPlanner(path.resolve(values['apply-plan']), stackDirs, { environment, commit: head, log })
      : capturing(terraformPlanner(stackDirs, { log, timer })),
  );

  const { flagsChanged, message, actor } = await planner.meanwhile(async () => {
    if (!emulated && history) {
      try {
        // Only deploys by the deploy workflow, with our payload, of a commit on main (finding 12).
        const last = await lastTrustedDeploy(await history.list(environment, 30), environment, { repoDir, log });
        if (last) {
          base = last.commit;
          baseSource = 'github';
        }
      } catch (e) {
        log(`warning: cannot read the deploy history (${(e as Error).message}); checking the head commit only`);
      }
    }
    if (base && !(await resolveCommit(base, repoDir))) {
      log(`warning: the last deployed commit ${base.slice(0, 12)} is not in this clone; checking the head commit only`);
      base = undefined;
    }
    if (base && baseFlags === undefined) {
      const shown = await gitRaw(['show', `${base}:flags/${environment}.json`], repoDir);
      baseFlags = shown.code === 0 ? JSON.parse(shown.stdout) : undefined;
    }
    return {
      flagsChanged: base ? formatFlagChanges(diffValues(baseFlags, headFlags).map((d) => ({ ...d, path: jsonPath(d.path) }))) : [],
      message: await commitMessage(head, repoDir),
      actor: env.GITHUB_ACTOR || (await gitRaw(['config', 'user.name'], repoDir)).stdout.trim() || safeUser(),
    };
  });
  const region = entry.flags.aws.region;
  const target = { region, endpoint };
  const deps: DeployDeps = {
    planner,
    guards: allGuards(),
    applier: terraformApplier(log),
    health: healthVerifier((request) =>
      waitForHealthy(awsHealthApi({ region, autoScaling: autoScalingClient(target), elb: elbv2Client(target) }), {
        ...request,
        timeoutSeconds: healthTimeout,
        // The emulator answers at once; AWS instance refreshes take minutes.
        intervalSeconds: emulated ? 1 : undefined,
        onProgress: log,
      }),
    ),
    history,
    historySkipped,
    markers: markerPoster(env),
    log,
    timer,
  };

  const { record, error } = await runDeploy(
    {
      environment,
      flagsFile,
      flags: entry.flags,
      commits: { base, head },
      pr: pullRequestOf(message),
      actor,
      runUrl: env.FLEETFLAGS_RUN_URL || runUrlFromEnv(env),
      flagsChanged,
      baseSource,
      repoDir,
      planOnly: values['plan-only'],
      planOutDir: path.join(outDir, environment),
      rollback: values.rollback === true,
      breakGlass: breakGlassFrom({ env, commitMessage: message, actor }),
    },
    deps,
  );

  if (values['save-plan'] && record.outcome === 'planned') {
    if (!captured) throw errors.usage('--save-plan needs an AWS environment (a real Terraform plan)', USAGE);
    const { manifest, summary } = savePlans(captured.planned, path.resolve(values['save-plan']), { environment, commit: head });
    for (const s of manifest.stacks) log(`saved plan ${s.file}: SHA-256 ${s.sha256}`);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${summary}\n`);
  }
  const terraformProcesses = Object.fromEntries(
    Object.entries(terraformProcessCounts())
      .map(([command, n]) => [command, n - (processesBefore[command] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  // The record first, then the local history: a history write that throws cannot lose the record (lib/deploy/run-record.ts).
  const writeHistory =
    emulated && record.outcome !== 'planned'
      ? () => {
          store.appendHistory({
            environment,
            commit: head,
            pr: record.pr ?? undefined,
            actor,
            outcome: record.outcome,
            startedAt: record.startedAt,
            durationSeconds: record.durationSeconds,
            flagsChanged,
            // The freeze verdict too when it passed: a flag service that did not answer, or break glass, is the handoff's business.
            guards: record.guards.filter((g) => g.outcome !== 'pass' || g.guard === FREEZE_GUARD).map(({ guard, outcome, message }) => ({ guard, outcome, message })),
            ...(record.overrides?.length ? { overrides: record.overrides } : {}),
            ...(record.breakGlass ? { breakGlass: record.breakGlass } : {}),
            ...(record.error ? { error: record.error } : {}),
          });
          // The last deploy is of every stack: a --stack deploy is a step towards one.
          if (record.outcome === 'success' && values.stack === undefined) {
            store.recordDeploy({ environment, commit: head, deployedAt: record.finishedAt, flags: headFlags, stacks: [...stacks.keys()], endpoint });
            log(`recorded ${head.slice(0, 12)} as the last deploy of ${environment} in ${path.relative(repoDir, store.dir(environment))}/`);
          }
        }
      : undefined;
  const persisted = persistRun(record, { outDir, writeHistory, historyDir: path.relative(repoDir, store.dir(environment)), timer, terraformProcesses, deployError: error });
  if (persisted.recordWritten) log(`deploy record: ${path.relative(repoDir, persisted.file)}`);
  for (const line of timer.format()) log(line);
  log(`terraform processes: ${formatProcessCounts(terraformProcesses)}`);
  // The deploy's own error first, then the record's and the history's: one message, printed once (by bin/run.mjs).
  if (persisted.error) throw persisted.error;
  return 0;
}

/** "5 (plan 2, show 2, apply 1)" */
export function formatProcessCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return entries.length ? `${total} (${entries.map(([command, n]) => `${command} ${n}`).join(', ')})` : '0';
}

function markerPoster(env: NodeJS.ProcessEnv): MarkerPoster | undefined {
  const config = honeycombConfigFromEnv(env);
  return config ? { post: async (marker) => void (await postMarker(config, marker)) } : undefined;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
