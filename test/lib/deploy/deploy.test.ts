/**
 * The deploy orchestration (runDeploy) with every service injected: a planner that
 * returns JSON plans, the real guards (or small ones), an applier and a health check
 * that record their calls, and the real GitHub Deployments history against a local
 * stand-in for the API. No Terraform, no AWS.
 */
import { ExitCode } from '../../../lib/errors';
import {
  autoScalingGroupsOf,
  healthVerifier,
  runDeploy,
  type DeployDeps,
  type DeployInput,
  type HealthOutcome,
  type HistoryRecorder,
  type PlannedStack,
} from '../../../lib/deploy/deploy';
import { deployNotFrozen, statefulChangesAllowed, type Guard } from '../../../lib/deploy/guards';
import { pass, warn } from '../../../lib/deploy/guards/guard';
import { DeployHistory } from '../../../lib/deploy/history';
import type { HealthReport } from '../../../lib/deploy/health';
import { startFakeGitHub, type FakeGitHub } from './fake-github';
import { flagsFor } from './helpers';
import { PhaseTimer } from '../../../lib/deploy/phases';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);

describe('runDeploy', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
  });
  afterEach(() => gh.close());

  test('a guard that blocks: nothing is applied, exit 10, recorded as guard-refused with every guard result', async () => {
    // GIVEN production, LaunchDarkly not configured (production fails closed), and a plan that replaces the lock table
    const { deps, applied, healthCalls } = fakes({
      plans: [stack('production-data', [tableReplace()]), stack('production-fleet', [asgUpdate('ff-production-ingest')])],
      guards: [deployNotFrozen({ sdkKey: '' }), statefulChangesAllowed({ overrides: async () => [] })],
      history: history(gh),
    });

    // WHEN
    const { record, error } = await runDeploy(input('production'), deps);

    // THEN nothing was applied or health-checked
    expect(applied).toEqual([]);
    expect(healthCalls).toEqual([]);
    expect(error?.exitCode).toBe(ExitCode.GuardRefused);
    expect(error?.message).toMatch(/refused by 2 guards; nothing was applied/);
    // AND the record says why, and which LaunchDarkly-unreachable policy applied
    expect(record).toMatchObject({ outcome: 'guard-refused', exitCode: 10, environment: 'production', commit: HEAD, simulated: false });
    expect(record.guards.map((g) => [g.guard, g.outcome])).toEqual([
      ['DeployNotFrozen', 'block'],
      ['StatefulChangesAllowed', 'block'],
    ]);
    expect(record.freeze).toEqual({ state: 'not configured', policy: 'fail closed', policySource: 'production always fails closed' });
    expect(record.stacks.every((s) => !s.applied)).toBe(true);
    // AND the GitHub Deployment ends in "error" (it did not run)
    const statuses = gh.statuses.get(gh.deployments[0].id)!.map((s) => s.state);
    expect(statuses).toEqual(['error', 'in_progress']);
    expect(gh.deployments[0].payload.guards).toHaveLength(2);
  });

  test('a warning does not stop the deploy', async () => {
    const { deps, applied } = fakes({
      plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])],
      guards: [guard('CatchUpNotExpired', () => warn('CatchUpNotExpired', 'expired'))],
    });

    const { record, error } = await runDeploy(input('dogfood'), deps);

    expect(error).toBeUndefined();
    expect(applied).toEqual(['dogfood-fleet']);
    expect(record.outcome).toBe('success');
  });

  test('the apply fails: exit 11, the later stacks are not applied, recorded as a failure', async () => {
    // GIVEN two stacks with changes; the first apply fails
    const { deps, applied, healthCalls } = fakes({
      plans: [stack('dogfood-data', [bucketUpdate()]), stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])],
      failApply: 'dogfood-data',
      history: history(gh),
    });

    // WHEN
    const { record, error } = await runDeploy(input('dogfood'), deps);

    // THEN
    expect(error?.exitCode).toBe(ExitCode.ApplyFailed);
    expect(error?.message).toMatch(/terraform apply of dogfood-data failed[\s\S]*AccessDenied[\s\S]*Nothing was applied before it/);
    expect(applied).toEqual([]);
    expect(healthCalls).toEqual([]);
    expect(record).toMatchObject({ outcome: 'apply-failed', exitCode: 11 });
    expect(gh.statuses.get(gh.deployments[0].id)![0]).toMatchObject({ state: 'failure' });
    expect(gh.statuses.get(gh.deployments[0].id)![0].description).toMatch(/^apply-failed in /);
  });

  test('unhealthy after the apply: exit 12, says AWS rolled back, recorded as a failure', async () => {
    // GIVEN the instance refresh rolls back
    const { deps, applied, healthCalls } = fakes({
      plans: [stack('dogfood-data', []), stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest'), asgNoop('ff-dogfood-q-acme')])],
      health: {
        status: 'unhealthy',
        healthy: false,
        rolledBack: true,
        problems: ['Auto Scaling group ff-dogfood-ingest: instance refresh r-1 ended RollbackSuccessful'],
        autoScalingGroups: [],
      },
      history: history(gh),
    });

    // WHEN
    const { record, error } = await runDeploy(input('dogfood'), deps);

    // THEN only the changed stack was applied, and every group of it was checked, for refreshes since the apply
    // started (third reading of the clock: start, guards, apply)
    expect(applied).toEqual(['dogfood-fleet']);
    expect(healthCalls).toEqual([{ autoScalingGroups: ['ff-dogfood-ingest', 'ff-dogfood-q-acme'], since: new Date('2026-11-25T12:00:02Z') }]);
    expect(error?.exitCode).toBe(ExitCode.UnhealthyAfterApply);
    expect(error?.message).toMatch(/unhealthy after the apply[\s\S]*rolled back[\s\S]*npm run rollback -- --env dogfood/);
    expect(record).toMatchObject({ outcome: 'unhealthy', exitCode: 12, health: { status: 'unhealthy', rolledBack: true } });
    expect(gh.statuses.get(gh.deployments[0].id)![0]).toMatchObject({ state: 'failure' });
  });

  test('success: applies the checked plans in order, waits for health, records everything', async () => {
    // GIVEN
    const { deps, applied } = fakes({
      plans: [stack('dogfood-data', [bucketUpdate()]), stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])],
      history: history(gh),
    });

    // WHEN
    const { record, error } = await runDeploy(input('dogfood'), deps);

    // THEN
    expect(error).toBeUndefined();
    expect(applied).toEqual(['dogfood-data', 'dogfood-fleet']);
    expect(record).toMatchObject({
      format: 'fleetflags.deploy-record/1',
      environment: 'dogfood',
      commit: HEAD,
      commits: { base: BASE, head: HEAD, baseSource: 'github' },
      pr: 42,
      actor: 'alice',
      mode: 'terraform',
      simulated: false,
      flagsChanged: ['$.ingest.desiredCapacity: 2 → 3'],
      planCounts: { add: 0, change: 2, destroy: 0, replace: 0, forget: 0 },
      health: { status: 'healthy' },
      history: { recorded: true, deploymentId: gh.deployments[0].id },
      marker: { posted: false, reason: 'HONEYCOMB_API_KEY is not set' },
      startedAt: '2026-11-25T12:00:00.000Z',
      outcome: 'success',
      exitCode: 0,
    });
    expect(record.durationSeconds).toBeGreaterThan(0);
    expect(record.stacks.map((s) => [s.stack, s.applied])).toEqual([
      ['dogfood-data', true],
      ['dogfood-fleet', true],
    ]);
    const statuses = gh.statuses.get(gh.deployments[0].id)!;
    expect(statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(statuses[0].description).toMatch(/^success in \d+s: \+0 ~2 -0, healthy/);
  });

  test('a marker is posted when Honeycomb is configured', async () => {
    const markers: unknown[] = [];
    const { deps } = fakes({ plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])] });

    const { record } = await runDeploy(input('dogfood'), { ...deps, markers: { post: async (m) => void markers.push(m) } });

    expect(markers).toEqual([expect.objectContaining({ message: 'deploy dogfood aaaaaaa (#42) by alice: success', type: 'deploy', url: 'https://ci/run/7' })]);
    expect(record.marker).toEqual({ posted: true });
  });

  test('GIVEN a guard let through by an override trailer WHEN deployed THEN the override is in the record, the history payload and the marker', async () => {
    // GIVEN the error-budget guard warns: overridden by Allow-Error-Budget
    const markers: { message: string }[] = [];
    const override = { trailer: 'Allow-Error-Budget', value: 'capacity for the sale', commit: HEAD };
    const { deps } = fakes({
      plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])],
      guards: [guard('ErrorBudget', () => warn('ErrorBudget', 'error budget below threshold; overridden', { overrides: [override] }))],
      history: history(gh),
    });

    // WHEN
    const { record } = await runDeploy(input('dogfood'), { ...deps, markers: { post: async (m) => void markers.push(m) } });

    // THEN
    expect(record.outcome).toBe('success');
    expect(record.overrides).toEqual([{ guard: 'ErrorBudget', ...override }]);
    expect(record.errorBudget).toBeUndefined(); // this stand-in guard recorded no facts
    expect(gh.deployments[0].payload.overrides).toEqual([{ guard: 'ErrorBudget', ...override }]);
    expect(markers[0].message).toBe('deploy dogfood aaaaaaa (#42) by alice: success (override Allow-Error-Budget: capacity for the sale)');
  });

  test('GIVEN Honeycomb unreachable and a policy that proceeds WHEN deployed THEN the record states the policy that applied', async () => {
    const details = { state: 'unreachable', policy: 'proceed', policySource: 'slos.whenApiUnreachable = "proceed"', change: 'feature', reason: 'HONEYCOMB_API_KEY is not set', changeReasons: ['x'] };
    const { deps } = fakes({ plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])], guards: [guard('ErrorBudget', () => pass('ErrorBudget', 'proceed', details))] });

    const { record } = await runDeploy(input('dogfood'), deps);

    expect(record.errorBudget).toEqual({ state: 'unreachable', policy: 'proceed', policySource: 'slos.whenApiUnreachable = "proceed"', change: 'feature', reason: 'HONEYCOMB_API_KEY is not set' });
  });

  test('no changes: nothing applied, no health wait, success', async () => {
    const { deps, applied, healthCalls } = fakes({ plans: [stack('dogfood-data', []), stack('dogfood-fleet', [asgNoop('ff-dogfood-ingest')])] });

    const { record } = await runDeploy(input('dogfood'), deps);

    expect(applied).toEqual([]);
    expect(healthCalls).toEqual([]);
    expect(record).toMatchObject({ outcome: 'success', health: { status: 'skipped', reason: 'nothing was applied' } });
  });

  test('GIVEN a data stack whose plan only forgets a resource (a removed block, destroy = false) WHEN deployed THEN that stack is applied, and the record counts it', async () => {
    // GIVEN
    const forgotten = { address: 'aws_s3_bucket.Old', type: 'aws_s3_bucket', change: { actions: ['forget'], before: { bucket: 'old' }, after: null } };
    const { deps, applied } = fakes({ plans: [stack('dogfood-data', [forgotten]), stack('dogfood-fleet', [asgNoop('ff-dogfood-ingest')])] });

    // WHEN
    const { record } = await runDeploy(input('dogfood'), deps);

    // THEN the forget is applied (else Terraform would plan it again at every deploy), nothing else is
    expect(applied).toEqual(['dogfood-data']);
    expect(record).toMatchObject({ outcome: 'success', planCounts: { add: 0, change: 0, destroy: 0, forget: 1 } });
    expect(record.stacks.map((x) => [x.stack, x.applied])).toEqual([
      ['dogfood-data', true],
      ['dogfood-fleet', false],
    ]);
  });

  test('GIVEN a data stack whose plan only moves the lock table (a moved block) and a fleet stack whose only change is an output WHEN deployed THEN both are applied, the record counts the move and the output, and no health is waited for', async () => {
    // GIVEN two plans Terraform would apply although no resource has an action but no-op
    const moved = { address: 'aws_dynamodb_table.Locks', previous_address: 'aws_dynamodb_table.LockTable', type: 'aws_dynamodb_table', change: { actions: ['no-op'] } };
    const data = stack('dogfood-data', [moved]);
    const fleet: PlannedStack = { stack: 'dogfood-fleet', plan: { format_version: '1.2', resource_changes: [asgNoop('ff-dogfood-ingest')], output_changes: { ingest_auto_scaling_group: { actions: ['create'] } } } };
    const { deps, applied, healthCalls } = fakes({ plans: [data, fleet] });

    const lines: string[] = [];

    // WHEN
    const { record } = await runDeploy(input('dogfood'), { ...deps, log: (line) => lines.push(line) });

    // THEN the move is applied (else Terraform plans it again at every deploy) and so is the output (else it never reaches the state)
    expect(applied).toEqual(['dogfood-data', 'dogfood-fleet']);
    expect(record).toMatchObject({ outcome: 'success', planCounts: { add: 0, change: 0, destroy: 0, move: 1, output: 1 } });
    // AND the log says what each plan does
    expect(lines).toEqual(expect.arrayContaining(['plan dogfood-data: +0 ~0 -0 (1 moved)', 'plan dogfood-fleet: +0 ~0 -0 (1 output changed)']));
    // AND no health wait: nothing in AWS changed, only Terraform's state
    expect(healthCalls).toEqual([]);
    expect(record.health).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/only Terraform's state/) });
  });

  test('without GITHUB_TOKEN the history is skipped, and the record says so', async () => {
    const { deps } = fakes({ plans: [stack('dogfood-fleet', [])] });

    const { record } = await runDeploy(input('dogfood'), { ...deps, history: undefined, historySkipped: 'GITHUB_TOKEN is not set' });

    expect(record.history).toEqual({ recorded: false, reason: 'GITHUB_TOKEN is not set' });
  });

  test('plan only: guards run, nothing is applied or recorded', async () => {
    const { deps, applied } = fakes({ plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])], history: history(gh) });

    const { record, error } = await runDeploy({ ...input('dogfood'), planOnly: true }, deps);

    expect(error).toBeUndefined();
    expect(applied).toEqual([]);
    expect(gh.deployments).toEqual([]);
    expect(record).toMatchObject({ outcome: 'planned', exitCode: 0 });
  });

  test('a planning failure is recorded as an error, and nothing runs after it', async () => {
    const { deps, applied } = fakes({ plans: [], history: history(gh) });
    const failing = { ...deps, planner: { mode: 'terraform' as const, plan: async () => Promise.reject(new Error('backend unreachable')) } };

    const { record, error } = await runDeploy(input('dogfood'), failing);

    expect(error?.exitCode).toBe(ExitCode.TerraformFailed);
    expect(error?.message).toBe('Planning dogfood failed: backend unreachable\nNothing was applied. fix: correct what the error names, then run the deploy again.');
    expect(applied).toEqual([]);
    expect(record).toMatchObject({ outcome: 'error', exitCode: ExitCode.TerraformFailed });
    expect(gh.statuses.get(gh.deployments[0].id)![0]).toMatchObject({ state: 'error' });
  });

  test('a guard that throws blocks (a guard that cannot check must not let the deploy through)', async () => {
    const { deps, applied } = fakes({
      plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])],
      guards: [guard('ArtifactsPublished', async () => Promise.reject(new Error('S3 unreachable')))],
    });

    const { error } = await runDeploy(input('dogfood'), deps);

    expect(error?.exitCode).toBe(ExitCode.GuardRefused);
    expect(applied).toEqual([]);
  });
});

describe('helpers', () => {
  test('a timed deploy: the plan, the guards, the apply of the changed stack only, and health each get their wall time', async () => {
    // GIVEN a data stack with no changes (only a refresh difference) and a fleet stack with one update, and a timer on a clock the fakes move
    let now = 0;
    const timer = new PhaseTimer(() => now);
    const { deps, applied } = fakes({
      plans: [
        { stack: 'sandbox-data', plan: { format_version: '1.2', resource_changes: [], resource_drift: [{ address: 'aws_dynamodb_table.LockTable', change: { actions: ['update'] } }] } },
        stack('sandbox-fleet', [asgUpdate('ff-sandbox-ingest')]),
      ],
    });
    const tick = <T>(ms: number, work: () => Promise<T>) => async () => {
      now += ms;
      return work();
    };
    const timed: DeployDeps = {
      ...deps,
      timer,
      planner: { mode: 'terraform', plan: tick(3000, deps.planner.plan) },
      applier: { apply: (s) => tick(2000, () => deps.applier.apply(s))() },
      health: { verify: (r) => tick(500, () => deps.health.verify(r))() },
    };

    // WHEN
    const { record } = await runDeploy(input('sandbox'), timed);

    // THEN only the stack with changes was applied
    expect(record.outcome).toBe('success');
    expect(applied).toEqual(['sandbox-fleet']);
    // AND each phase has its time
    expect(timer.timings.map((t) => [t.phase, t.seconds])).toEqual([
      ['plan', 3],
      ['guards', 0],
      ['apply sandbox-fleet', 2],
      ['health', 0.5],
    ]);
  });

  test('autoScalingGroupsOf names every group that is not being deleted', () => {
    const deleted = { address: 'aws_autoscaling_group.old', type: 'aws_autoscaling_group', change: { actions: ['delete'], before: { name: 'old' }, after: null } };
    expect(autoScalingGroupsOf([stack('s', [asgUpdate('b'), asgNoop('a'), deleted, bucketUpdate()])])).toEqual(['a', 'b']);
  });

  test('healthVerifier skips the wait when no Auto Scaling group changed, and passes the report through otherwise', async () => {
    const report: HealthReport = { status: 'timeout', healthy: false, rolledBack: false, problems: ['p'], groups: [], targetGroups: [], elapsedSeconds: 1800 };
    const verifier = healthVerifier(async () => report);
    await expect(verifier.verify({ autoScalingGroups: [], since: new Date() })).resolves.toMatchObject({ status: 'skipped' });
    await expect(verifier.verify({ autoScalingGroups: ['g'], since: new Date() })).resolves.toMatchObject({ status: 'timeout', problems: ['p'], elapsedSeconds: 1800 });
  });
});

describe('runDeploy: the GitHub Deployment and the apply', () => {
  test('GIVEN a deploy history slow to answer WHEN deployed THEN the Deployment is created while the apply runs, not before it, and the deploy still ends with its final status', async () => {
    // GIVEN a history whose start answers only once the apply has begun (or after 2 s, were they one after the other)
    const events: string[] = [];
    let applyBegun: () => void = () => undefined;
    const applyHasBegun = new Promise<void>((resolve) => (applyBegun = resolve));
    const slowHistory: HistoryRecorder = {
      start: async () => {
        events.push('history start begun');
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([applyHasBegun, new Promise((resolve) => (timeout = setTimeout(resolve, 2000)))]);
        clearTimeout(timeout);
        events.push('history start done');
        return { id: 7, environment: 'dogfood', startedAt: new Date('2026-11-25T12:00:00Z') };
      },
      finish: async (_handle, outcome) => {
        events.push(`history finish ${outcome}`);
      },
    };
    const { deps } = fakes({ plans: [stack('dogfood-fleet', [asgUpdate('ff-dogfood-ingest')])] });
    const timer = new PhaseTimer();
    const overlapping: DeployDeps = {
      ...deps,
      history: slowHistory,
      timer,
      applier: {
        apply: async () => {
          events.push('apply begun');
          applyBegun();
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push('apply done');
        },
      },
    };

    // WHEN
    const { record, error } = await runDeploy(input('dogfood'), overlapping);

    // THEN the apply did not wait for GitHub
    expect(error).toBeUndefined();
    expect(events).toEqual(['history start begun', 'apply begun', 'history start done', 'apply done', 'history finish success']);
    // AND the record has the Deployment, and the timings its start
    expect(record.history).toEqual({ recorded: true, deploymentId: 7 });
    expect(timer.timings.map((t) => t.phase)).toEqual(expect.arrayContaining(['history start', 'apply dogfood-fleet']));
  });
});

// -- factories ---------------------------------------------------------------

function input(environment: string): DeployInput {
  return {
    environment,
    flagsFile: `flags/${environment}.json`,
    flags: flagsFor(environment),
    commits: { base: BASE, head: HEAD },
    baseSource: 'github',
    pr: 42,
    actor: 'alice',
    runUrl: 'https://ci/run/7',
    flagsChanged: ['$.ingest.desiredCapacity: 2 → 3'],
  };
}

function history(gh: FakeGitHub): DeployHistory {
  return DeployHistory.fromEnv({ GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url });
}

function fakes(options: {
  plans: PlannedStack[];
  guards?: Guard[];
  failApply?: string;
  health?: HealthOutcome;
  history?: DeployHistory;
}): { deps: DeployDeps; applied: string[]; healthCalls: unknown[] } {
  const applied: string[] = [];
  const healthCalls: unknown[] = [];
  let t = Date.parse('2026-11-25T12:00:00Z');
  const deps: DeployDeps = {
    planner: { mode: 'terraform', plan: async () => options.plans },
    guards: options.guards ?? [guard('DeployNotFrozen', () => pass('DeployNotFrozen', 'not frozen'))],
    applier: {
      apply: async (s) => {
        if (s.stack === options.failApply) throw new Error('Error: creating S3 bucket lifecycle: AccessDenied');
        applied.push(s.stack);
      },
    },
    health: {
      verify: async (request) => {
        healthCalls.push(request);
        return options.health ?? { status: 'healthy', healthy: true, rolledBack: false, problems: [], autoScalingGroups: request.autoScalingGroups };
      },
    },
    history: options.history,
    // Each reading of the clock is one second later.
    clock: { now: () => new Date((t += 1000) - 1000) },
  };
  return { deps, applied, healthCalls };
}

function guard(id: string, run: () => ReturnType<typeof pass> | Promise<ReturnType<typeof pass>>): Guard {
  return { id, description: id, run: async () => run() };
}

function stack(name: string, changes: unknown[]): PlannedStack {
  return { stack: name, plan: { format_version: '1.2', resource_changes: changes } };
}

function asgUpdate(name: string) {
  return {
    address: `aws_autoscaling_group.${name.replace(/-/g, '_')}`,
    type: 'aws_autoscaling_group',
    change: { actions: ['update'], before: { name }, after: { name, desired_capacity: 3 } },
  };
}

function asgNoop(name: string) {
  return { address: `aws_autoscaling_group.${name.replace(/-/g, '_')}`, type: 'aws_autoscaling_group', change: { actions: ['no-op'], before: { name }, after: { name } } };
}

function bucketUpdate() {
  return { address: 'aws_s3_bucket_lifecycle_configuration.AccessLogs', type: 'aws_s3_bucket_lifecycle_configuration', change: { actions: ['update'] } };
}

function tableReplace() {
  return { address: 'aws_dynamodb_table.LockTable', type: 'aws_dynamodb_table', change: { actions: ['delete', 'create'] } };
}

