/**
 * One deploy of one environment:
 *
 *   plan → every guard → apply exactly the checked plan → verify health → record
 *
 * - **Plan**: against real state (`terraform init` with the real backend, `plan -out`),
 *   for every environment: AWS, or an emulated one (the sandbox, `aws.endpoint`), whose
 *   API is the AWS emulator on this machine (lib/emulator/).
 * - **Guards** (lib/deploy/guards/) all run before anything is applied; one block and
 *   nothing is applied (exit GuardRefused, 10).
 * - **Apply** the saved plan file the guards saw (`terraform apply <planfile>`, no
 *   re-plan); only stacks with changes, data before fleet. A failure stops at once
 *   (exit ApplyFailed, 11).
 * - **Health**: the instance refreshes of the Auto Scaling groups of every changed
 *   stack, and their target groups' healthy targets (lib/deploy/health.ts). Not
 *   healthy in time, or rolled back by AWS: exit UnhealthyAfterApply (12), and the
 *   promotion stops.
 * - **Record**: a GitHub Deployment with statuses (when GITHUB_TOKEN is set; created
 *   while the apply runs, so the GitHub API is not on the apply's path), a
 *   Honeycomb marker (when HONEYCOMB_API_KEY is set), and always the deploy record
 *   `out/deploy/<env>.json` (DeployRunRecord, lib/deploy/run-record.ts; the counts
 *   in it, lib/deploy/plan-counts.ts).
 *
 * The orchestration (`runDeploy`) takes every service injected (planner, guards,
 * applier, health, history, markers, clock), so its tests need neither Terraform
 * nor AWS; scripts/deploy.ts wires the real ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployErrors, deployRunErrors as runErrors, FleetflagsError } from '../errors';
import type { Flags } from '../flags/schema';
import type { StackJson } from '../terraform/runner';
import { formatGuardResults, guardOverrides, runGuards, type CommitRange, type Guard, type GuardResult } from './guards';
import type { HealthReport } from './health';
import { formatDuration, type DeployOutcome, type DeploymentHandle, type DeployRecord, type FinishOptions } from './history';
import { deployMarkerMessage, type Marker } from './honeycomb';
import { breakGlassNote, type BreakGlass } from './break-glass';
import type { PhaseTimer } from './phases';
import { changesAws, formatCounts, hasChanges, planCounts, sumCounts } from './plan-counts';
import type { DeployRunRecord, RunOutcome } from './run-record';

// ---------------------------------------------------------------------------
// Injected services
// ---------------------------------------------------------------------------

/** The plan of one stack, as the guards see it and the applier applies it. */
export interface PlannedStack {
  readonly stack: string;
  /** `terraform show -json` of the plan. */
  readonly plan: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The saved plan file the applier applies (real deploys). */
  readonly planFile?: string;
  /** Where Terraform runs for this stack (real deploys). */
  readonly workdir?: string;
  /** The TF_DATA_DIR the stack was initialized in, when not `.terraform` in workdir. */
  readonly dataDir?: string;
  /** The stack configuration planned. */
  readonly config?: StackJson;
}

export interface DeployPlanner {
  /** Real state, real apply: the one deploy path of every environment. */
  readonly mode: 'terraform';
  /** The plans of every stack of the environment, in apply order. */
  plan(): Promise<PlannedStack[]>;
}

export interface DeployApplier {
  /** Applies the stack's checked plan; throws when the apply fails. */
  apply(stack: PlannedStack): Promise<void>;
}

/** What the health step found. */
export interface HealthOutcome {
  readonly status: 'healthy' | 'unhealthy' | 'timeout' | 'skipped';
  readonly healthy: boolean;
  readonly rolledBack: boolean;
  readonly problems: readonly string[];
  /** Why health was not checked (status skipped). */
  readonly reason?: string;
  readonly autoScalingGroups: readonly string[];
  readonly elapsedSeconds?: number;
}

export interface HealthVerifier {
  verify(request: { readonly autoScalingGroups: readonly string[]; readonly since: Date }): Promise<HealthOutcome>;
}

/** GitHub Deployments (DeployHistory has this shape). */
export interface HistoryRecorder {
  start(record: DeployRecord, startedAt?: Date): Promise<DeploymentHandle>;
  finish(handle: DeploymentHandle, outcome: DeployOutcome, options?: FinishOptions): Promise<void>;
}

export interface MarkerPoster {
  post(marker: Marker): Promise<void>;
}

export interface DeployClock {
  now(): Date;
}

export interface DeployDeps {
  readonly planner: DeployPlanner;
  readonly guards: readonly Guard[];
  readonly applier: DeployApplier;
  readonly health: HealthVerifier;
  /** None: the history is not recorded, and `historySkipped` says why. */
  readonly history?: HistoryRecorder;
  readonly historySkipped?: string;
  /** None: no Honeycomb marker (HONEYCOMB_API_KEY not set). */
  readonly markers?: MarkerPoster;
  readonly clock?: DeployClock;
  readonly log?: (line: string) => void;
  /** Times the plan, the guards, each apply, health and the history (lib/deploy/phases.ts). @default not timed */
  readonly timer?: PhaseTimer;
}

/** What is being deployed. */
export interface DeployInput {
  readonly environment: string;
  /** e.g. "flags/production.json". */
  readonly flagsFile: string;
  readonly flags: Flags;
  /** The commits being deployed: base is the last successful deploy (none on a first deploy). */
  readonly commits: CommitRange;
  readonly pr?: number;
  readonly actor: string;
  readonly runUrl?: string;
  /** "$.ingest.buildId: \"a\" → \"b\"", ... since the last deploy. */
  readonly flagsChanged: readonly string[];
  /** Where the last deploy's commit came from ("github", "local" for an emulated environment, or none). */
  readonly baseSource?: string;
  /** The git work tree. @default process.cwd() */
  readonly repoDir?: string;
  /** Plan and run the guards, apply nothing, record nothing. @default false */
  readonly planOnly?: boolean;
  /** Write each stack's JSON plan here as `<stack>.plan.json`. @default nowhere */
  readonly planOutDir?: string;
  /** The run says it is a rollback (may go back; may use break glass). @default false */
  readonly rollback?: boolean;
  /** An audited break-glass override (lib/deploy/break-glass.ts), recorded everywhere. @default none */
  readonly breakGlass?: BreakGlass;
}

/** What runDeploy returns: the record (its format is lib/deploy/run-record.ts's DeployRunRecord) and any error. */
export interface DeployResult {
  readonly record: DeployRunRecord;
  /** The error to exit with (its exitCode), when the outcome is not success/planned. */
  readonly error?: FleetflagsError;
}

// ---------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------

export async function runDeploy(input: DeployInput, deps: DeployDeps): Promise<DeployResult> {
  const clock = deps.clock ?? { now: () => new Date() };
  const log = deps.log ?? (() => undefined);
  const timed = <T>(phase: string, work: () => Promise<T>) => (deps.timer ? deps.timer.time(phase, work) : work());
  const started = clock.now();
  const env = input.environment;
  log(
    `deploy ${env} at ${input.commits.head.slice(0, 12)}` +
      (input.commits.base ? ` (last deployed: ${input.commits.base.slice(0, 12)}, from ${input.baseSource ?? 'history'})` : ' (no earlier deploy known)'),
  );

  let planned: PlannedStack[] = [];
  let guards: readonly GuardResult[] = [];
  let health: HealthOutcome | undefined;
  const applied = new Set<string>();
  let handle: DeploymentHandle | undefined;
  let historyState: DeployRunRecord['history'] = { recorded: false, reason: deps.historySkipped ?? 'no deploy history configured' };
  let markerState: DeployRunRecord['marker'] = { posted: false, reason: 'HONEYCOMB_API_KEY is not set' };
  const planFiles = new Map<string, string>();

  const totals = () => sumCounts(planned.map((p) => planCounts(p.plan)));
  const historyRecord = (): DeployRecord => ({
    environment: env,
    commit: input.commits.head,
    pr: input.pr,
    actor: input.actor,
    flagsChanged: input.flagsChanged,
    planCounts: totals(),
    guards,
    runUrl: input.runUrl,
    overrides: guardOverrides(guards),
    ...(input.breakGlass ? { breakGlass: input.breakGlass } : {}),
  });

  let historyAttempted = false;
  // The GitHub Deployment is created while the apply runs (it is no step of the apply); finish() waits for it.
  let historyStarting: Promise<void> | undefined;
  const startHistory = async () => {
    if (!deps.history) return;
    historyAttempted = true;
    try {
      handle = await deps.history.start(historyRecord(), started);
      historyState = { recorded: true, deploymentId: handle.id };
      log(`history: GitHub Deployment ${handle.id} (in_progress)`);
    } catch (e) {
      historyState = { recorded: false, reason: `recording failed: ${(e as Error).message}` };
      log(`warning: the deploy history could not be recorded (${(e as Error).message}); the deploy goes on, and out/deploy/${env}.json keeps the record`);
    }
  };

  const finish = async (outcome: RunOutcome, error?: FleetflagsError, summary?: string): Promise<DeployResult> => {
    if (historyStarting) await historyStarting;
    const finished = clock.now();
    const recordStarted = performance.now();
    if (outcome !== 'planned') {
      // A failed plan still leaves a trace in the history: what was attempted, and that it errored.
      if (deps.history && !historyAttempted) await startHistory();
      if (deps.history && handle) {
        try {
          await deps.history.finish(handle, outcome, { summary, finishedAt: finished });
          log(`history: GitHub Deployment ${handle.id} → ${outcome}`);
        } catch (e) {
          historyState = { ...historyState, reason: `final status failed: ${(e as Error).message}` };
          log(`warning: the final deployment status could not be recorded (${(e as Error).message})`);
        }
      } else if (!deps.history) {
        log(`history: not recorded in GitHub Deployments (${historyState.reason})`);
      }
      // A marker for each deploy that touched the environment (or was meant to).
      if (deps.markers && outcome !== 'guard-refused' && outcome !== 'error') {
        try {
          await deps.markers.post({
            message: `${deployMarkerMessage({ environment: env, commit: input.commits.head, pr: input.pr, actor: input.actor, outcome, overrides: guardOverrides(guards) })}${breakGlassNote(input.breakGlass)}`,
            url: input.runUrl,
            type: 'deploy',
            startTime: started,
            endTime: finished,
          });
          markerState = { posted: true };
        } catch (e) {
          markerState = { posted: false, reason: (e as Error).message };
          log(`warning: ${(e as Error).message}`);
        }
      } else if (deps.markers) {
        markerState = { posted: false, reason: `no marker for a deploy that applied nothing (${outcome})` };
      }
    } else {
      historyState = { recorded: false, reason: 'plan only: nothing deployed' };
      markerState = { posted: false, reason: 'plan only: nothing deployed' };
    }
    if (deps.history || deps.markers) deps.timer?.add('history and marker', performance.now() - recordStarted);
    const freezeResult = guards.find((g) => g.guard === 'DeployNotFrozen');
    const record: DeployRunRecord = {
      format: 'fleetflags.deploy-record/1',
      environment: env,
      commit: input.commits.head,
      commits: { ...input.commits, ...(input.baseSource ? { baseSource: input.baseSource } : {}) },
      pr: input.pr ?? null,
      actor: input.actor,
      runUrl: input.runUrl ?? null,
      mode: deps.planner.mode,
      simulated: false,
      flagsChanged: input.flagsChanged,
      planCounts: totals(),
      stacks: planned.map((p) => ({
        stack: p.stack,
        counts: planCounts(p.plan),
        speculative: (p.plan as { fleetflags?: { speculative?: boolean } }).fleetflags?.speculative === true,
        applied: applied.has(p.stack),
        ...(planFiles.has(p.stack) ? { planJson: planFiles.get(p.stack) } : {}),
      })),
      guards,
      overrides: guardOverrides(guards),
      ...(budgetDetails(guards) ? { errorBudget: budgetDetails(guards) } : {}),
      ...(freezeResult?.details
        ? {
            freeze: {
              state: freezeResult.details.state,
              policy: freezeResult.details.policy,
              policySource: freezeResult.details.policySource,
              ...('frozen' in freezeResult.details ? { frozen: freezeResult.details.frozen } : {}),
            },
          }
        : {}),
      ...(health ? { health } : {}),
      history: historyState,
      marker: markerState,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationSeconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
      outcome,
      exitCode: error?.exitCode ?? 0,
      ...(error ? { error: error.message } : {}),
      ...(input.breakGlass ? { breakGlass: input.breakGlass } : {}),
      ...(input.rollback ? { rollback: true } : {}),
    };
    log(`${outcome === 'planned' ? 'planned' : `deploy ${outcome}`} in ${formatDuration(record.durationSeconds)}${summary ? `: ${summary}` : ''}`);
    return { record, error };
  };

  // 1. Plan.
  try {
    planned = await timed('plan', () => deps.planner.plan());
  } catch (e) {
    const err = e instanceof FleetflagsError ? e : runErrors.planFailed(env, (e as Error).message);
    return finish('error', err, 'the plan failed; nothing applied');
  }
  if (input.planOutDir) {
    mkdirSync(input.planOutDir, { recursive: true });
    for (const p of planned) {
      const file = path.join(input.planOutDir, `${p.stack}.plan.json`);
      writeFileSync(file, JSON.stringify(p.plan));
      planFiles.set(p.stack, file);
    }
  }
  for (const p of planned) log(`plan ${p.stack}: ${formatCounts(planCounts(p.plan))}${isSpeculative(p) ? ' (speculative)' : ''}`);

  // 2. Every guard, before any apply.
  const report = await timed('guards', () => runGuards(deps.guards, {
    environment: env,
    flagsFile: input.flagsFile,
    flags: input.flags,
    plans: planned.map((p) => ({ stack: p.stack, plan: p.plan })),
    commits: input.commits,
    repoDir: input.repoDir,
    now: clock.now(),
    rollback: input.rollback,
    breakGlass: input.breakGlass,
  }));
  guards = report.results;
  log(`guards:\n${formatGuardResults(guards)}`);
  if (input.planOnly) {
    return finish('planned', undefined, report.blocked ? 'a guard would refuse this deploy' : 'plan only; nothing applied');
  }
  if (deps.history) historyStarting = timed('history start', startHistory);
  if (report.blocked) {
    const blocked = guards.filter((g) => g.outcome === 'block');
    return finish('guard-refused', deployErrors.guardRefused(env, blocked), `${blocked.map((b) => b.guard).join(', ')} refused; nothing applied`);
  }

  // 3. Apply exactly the checked plans, only where something changes.
  const changed = planned.filter((p) => hasChanges(planCounts(p.plan)));
  const applyStarted = clock.now();
  if (changed.length === 0) log('no changes in any stack; nothing to apply');
  for (const p of changed) {
    try {
      await timed(`apply ${p.stack}`, () => deps.applier.apply(p));
      applied.add(p.stack);
      log(`applied ${p.stack}`);
    } catch (e) {
      const err = runErrors.applyFailed(env, p.stack, (e as Error).message, [...applied]);
      return finish('apply-failed', err, `apply of ${p.stack} failed`);
    }
  }

  // 4. Health of what changed in AWS (a move, an import, a forget or an output changes only the state).
  const inAws = changed.filter((p) => changesAws(planCounts(p.plan)));
  if (inAws.length > 0) {
    const groups = autoScalingGroupsOf(inAws);
    health = await timed('health', () => deps.health.verify({ autoScalingGroups: groups, since: applyStarted }));
    if (health.status === 'skipped') log(`health: skipped (${health.reason})`);
    else log(`health: ${health.status}${health.problems.length ? `\n  ${health.problems.join('\n  ')}` : ''}`);
    if (!health.healthy && health.status !== 'skipped') {
      return finish('unhealthy', deployErrors.unhealthyAfterApply(env, health.problems, health.rolledBack), health.rolledBack ? 'rolled back by AWS' : health.status);
    }
  } else {
    const reason = changed.length === 0 ? 'nothing was applied' : 'the apply changed only Terraform\'s state (moves, imports, forgets or outputs), nothing in AWS';
    health = { status: 'skipped', healthy: true, rolledBack: false, problems: [], reason, autoScalingGroups: [] };
    if (changed.length > 0) log(`health: skipped (${reason})`);
  }

  const t = totals();
  return finish('success', undefined, changed.length === 0 ? 'no changes' : `${formatCounts(t)}${health.status === 'healthy' ? ', healthy' : ''}`);
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** The ErrorBudget guard's facts for the record: state, policy and its source, the change kind, budgets. */
function budgetDetails(guards: readonly GuardResult[]): Record<string, unknown> | undefined {
  const d = guards.find((g) => g.guard === 'ErrorBudget')?.details;
  if (!d) return undefined;
  const keys = ['state', 'policy', 'policySource', 'change', 'budgets', 'exhausted', 'reason', 'checked'];
  const facts = keys.filter((k) => d[k] !== undefined);
  return facts.length ? Object.fromEntries(facts.map((k) => [k, d[k]])) : undefined;
}

function isSpeculative(p: PlannedStack): boolean {
  return (p.plan as { fleetflags?: { speculative?: boolean } }).fleetflags?.speculative === true;
}

/**
 * The Auto Scaling groups to watch after an apply: every group (not being deleted)
 * in a stack that changed. Groups whose launch template changed start an instance
 * refresh; the others must still have healthy targets behind a changed load balancer.
 */
export function autoScalingGroupsOf(stacks: readonly PlannedStack[]): string[] {
  const names = new Set<string>();
  for (const s of stacks) {
    for (const rc of (s.plan.resource_changes ?? []) as { type: string; change: { actions: string[]; after?: { name?: unknown } } }[]) {
      if (rc.type !== 'aws_autoscaling_group') continue;
      if (rc.change.actions.length === 1 && rc.change.actions[0] === 'delete') continue;
      const name = rc.change.after?.name;
      if (typeof name === 'string' && name) names.add(name);
    }
  }
  return [...names].sort();
}

/** The HealthVerifier of health.ts's waitForHealthy. */
export function healthVerifier(
  wait: (request: { autoScalingGroups: readonly string[]; since: Date }) => Promise<HealthReport>,
): HealthVerifier {
  return {
    verify: async ({ autoScalingGroups, since }) => {
      if (autoScalingGroups.length === 0) {
        return { status: 'skipped', healthy: true, rolledBack: false, problems: [], reason: 'no Auto Scaling group in the changed stacks', autoScalingGroups: [] };
      }
      const r = await wait({ autoScalingGroups, since });
      return {
        status: r.status,
        healthy: r.healthy,
        rolledBack: r.rolledBack,
        problems: r.problems,
        autoScalingGroups,
        elapsedSeconds: r.elapsedSeconds,
      };
    },
  };
}

/** "$.ingest.buildId: \"a\" → \"b\"" lines of a deep diff of two flags files. */
export function formatFlagChanges(changes: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[]): string[] {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return changes.map((c) => `${c.path}: ${show(c.before)} → ${show(c.after)}`);
}
