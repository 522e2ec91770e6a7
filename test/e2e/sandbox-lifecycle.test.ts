/**
 * The sandbox end to end, offline, through the real scripts in a temporary git
 * repository (a copy of the project with a bare `origin`):
 *
 *   first deploy → change a flag → see the speculative plan (exactly the expected
 *   update) → deploy (simulation: the new baseline is recorded) → the next plan
 *   shows no changes → roll back (revert; its plan is the exact inverse) → deploy
 *   again (back to the first baseline) → a zero-byte build is refused, a published
 *   one passes.
 *
 * Only AWS API calls are left out: the sandbox is offline, so the deploy is a
 * simulation (lib/deploy/simulation.ts). Terraform is real (speculative plans);
 * baselines are cached between runs (SHARED_BASELINE_CACHE).
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonical } from '../../lib/plan/speculative';
import { changedLeaves, changesOf, expectInverse } from './inverse';
import { makeTempRepo, type TempRepo } from './temp-repo';

const ASG = 'aws_autoscaling_group.Ingest_AutoScalingGroup_3456BF42';
const ON_DEMAND = '$.mixed_instances_policy[0].instances_distribution[0].on_demand_percentage_above_base_capacity';

describe('the sandbox lifecycle', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeTempRepo({ withOrigin: true });
  });
  afterAll(() => repo?.remove());

  const deploy = (...args: string[]) => repo.run('scripts/deploy.ts', ['--env', 'sandbox', ...args]);
  const plan = (stack: string) => repo.readJson(`out/deploy/sandbox/${stack}.plan.json`);
  const record = () => repo.readJson('out/deploy/sandbox.json');
  const deployed = (stack: string) => repo.readJson(`.fleetflags/deployed/sandbox/${stack}.tf.json`);
  let firstBaseline: unknown;
  let changePlan: unknown;
  let changeCommit: string;

  test('1. the first deploy records a baseline, labelled as a simulation', async () => {
    const r = await deploy();
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/\*\*\* SIMULATION: offline environment; nothing is applied to AWS/);
    expect(r.stdout).toMatch(/history: not recorded in GitHub Deployments \(GITHUB_TOKEN is not set/);
    expect(record()).toMatchObject({
      environment: 'sandbox',
      mode: 'simulation',
      simulated: true,
      label: expect.stringMatching(/^SIMULATION/),
      outcome: 'success',
      exitCode: 0,
      commit: repo.git('rev-parse', 'HEAD'),
      freeze: { state: 'not configured', policy: 'proceed' },
      health: { status: 'skipped', reason: expect.stringMatching(/simulation/) },
    });
    expect(record().planCounts.add).toBeGreaterThan(30);
    expect(record().planCounts).toMatchObject({ change: 0, destroy: 0 });
    firstBaseline = deployed('sandbox-fleet');
    // The state directory is ignored by git: nothing to commit.
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  test('2. a flag change: the speculative plan is exactly the expected update', async () => {
    // GIVEN more on-demand capacity in the main fleet
    repo.editFlags('sandbox', (f) => (f.ingest.spot.onDemandPercentageAboveBaseCapacity = 75));
    changeCommit = repo.commitAll('sandbox: 75% on-demand above base');

    // WHEN
    const r = await deploy('--plan-only');

    // THEN one resource changes, one attribute, 50 → 75, and the data stack is untouched
    expect(r).toMatchObject({ code: 0 });
    changePlan = plan('sandbox-fleet');
    expect((changePlan as { fleetflags: { speculative: boolean } }).fleetflags.speculative).toBe(true);
    const changes = changesOf(changePlan as never);
    expect([...changes.keys()]).toEqual([ASG]);
    expect(changes.get(ASG)!.change.actions).toEqual(['update']);
    expect(changedLeaves(changes.get(ASG)!)).toEqual({ [ON_DEMAND]: [50, 75] });
    expect(changesOf(plan('sandbox-data')).size).toBe(0);
    // AND nothing was recorded
    expect(record()).toMatchObject({ outcome: 'planned', history: { recorded: false } });
    expect(canonical(deployed('sandbox-fleet'))).toBe(canonical(firstBaseline));
  });

  test('3. deploy: the change is "applied" by recording the new baseline', async () => {
    const r = await deploy();
    expect(r).toMatchObject({ code: 0 });
    expect(record()).toMatchObject({
      outcome: 'success',
      simulated: true,
      flagsChanged: ['$.ingest.spot.onDemandPercentageAboveBaseCapacity: 50 → 75'],
      planCounts: { add: 0, change: 1, destroy: 0 },
      commits: { head: changeCommit, baseSource: 'simulation' },
    });
    expect(record().stacks.map((s: { stack: string; applied: boolean }) => [s.stack, s.applied])).toEqual([
      ['sandbox-data', false],
      ['sandbox-fleet', true],
    ]);
    // The plan applied is the one seen in step 2.
    expect(changedLeaves(changesOf(plan('sandbox-fleet')).get(ASG)!)).toEqual({ [ON_DEMAND]: [50, 75] });
    const asg = deployed('sandbox-fleet').resource.aws_autoscaling_group.Ingest_AutoScalingGroup_3456BF42;
    expect(asg.mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity).toBe(75);
  });

  test('4. the next plan shows no changes (planned by Terraform, not skipped)', async () => {
    const r = await deploy('--plan-only', '--plan-unchanged');
    expect(r).toMatchObject({ code: 0 });
    for (const stack of ['sandbox-data', 'sandbox-fleet']) {
      expect(plan(stack).fleetflags.unchanged).toBeUndefined();
      expect(changesOf(plan(stack)).size).toBe(0);
      expect(plan(stack).resource_changes.length).toBeGreaterThan(5);
    }
  });

  test('5. roll back: the last deployed change is reverted, and its plan is the exact inverse', async () => {
    // WHEN (the emergency path: the revert goes straight to main)
    const r = await repo.run('scripts/rollback.ts', ['--env', 'sandbox', '--push']);

    // THEN
    expect(r).toMatchObject({ code: 0 });
    const result = repo.readJson('out/rollback/sandbox.json');
    expect(result).toMatchObject({ reverted: { commit: changeCommit, source: 'simulation' }, mode: 'push', pushed: true, branch: 'main' });
    expect(repo.git('log', '-1', '--format=%s')).toBe('Revert "sandbox: 75% on-demand above base"');
    expect(execOrigin(repo, 'main')).toBe(result.revertCommit);
    expectInverse(changePlan as never, repo.readJson('out/rollback/sandbox/sandbox-fleet.plan.json'));
    expect(result.plans.find((p: { stack: string }) => p.stack === 'sandbox-data')).toMatchObject({ unchanged: true });
    expect(result.flagsChanged).toEqual(['flags/sandbox.json $.ingest.spot.onDemandPercentageAboveBaseCapacity: 75 → 50']);
  });

  test('6. deploy again: the inverse is applied and the baseline is the first one again', async () => {
    const r = await deploy();
    expect(r).toMatchObject({ code: 0 });
    expect(record()).toMatchObject({ outcome: 'success', flagsChanged: ['$.ingest.spot.onDemandPercentageAboveBaseCapacity: 75 → 50'] });
    expectInverse(changePlan as never, plan('sandbox-fleet'));
    expect(canonical(deployed('sandbox-fleet'))).toBe(canonical(firstBaseline));
  });

  test('7. the outage in the talk: a zero-byte build is refused (exit 10, nothing recorded); a published one passes', async () => {
    // GIVEN a local artifacts "bucket" with the quarantine's build published and the main build zero bytes
    const artifacts = path.join(repo.dir, 'artifacts');
    const bucket = path.join(artifacts, 'fleetflags-sandbox-artifacts', 'builds');
    const publish = (build: string, bytes: Buffer) => {
      mkdirSync(path.join(bucket, build), { recursive: true });
      writeFileSync(path.join(bucket, build, 'ingest-agent-linux-arm64'), bytes);
      writeFileSync(path.join(bucket, build, 'ingest-agent-linux-arm64.sha256'), `${createHash('sha256').update(bytes).digest('hex')}  ingest-agent-linux-arm64\n`);
    };
    publish('2026.11.20-1', Buffer.alloc(0));
    publish('2026.11.20-1-debug', Buffer.from('a debug build'));
    const before = readFileSync(path.join(repo.dir, '.fleetflags/deployed/sandbox/deploy.json'), 'utf8');

    // WHEN
    const refused = await deploy('--artifacts-dir', artifacts);

    // THEN
    expect(refused.code).toBe(10);
    expect(refused.stderr).toMatch(/refused by 1 guard; nothing was applied[\s\S]*ArtifactsPublished: flags\/sandbox.json: fleet ingest \(\$\.ingest\.buildId\) runs build 2026\.11\.20-1 \(arm64\), but the artifact s3:\/\/fleetflags-sandbox-artifacts\/builds\/2026\.11\.20-1\/ingest-agent-linux-arm64 is zero bytes/);
    expect(record()).toMatchObject({ outcome: 'guard-refused', exitCode: 10 });
    expect(readFileSync(path.join(repo.dir, '.fleetflags/deployed/sandbox/deploy.json'), 'utf8')).toBe(before);

    // WHEN the build is republished whole
    publish('2026.11.20-1', Buffer.from('a real build'));
    const passed = await deploy('--artifacts-dir', artifacts);

    // THEN
    expect(passed.code).toBe(0);
    expect(record().guards.find((g: { guard: string }) => g.guard === 'ArtifactsPublished')).toMatchObject({ outcome: 'pass' });
  });
});

function execOrigin(repo: TempRepo, branch: string): string {
  return execFileSync('git', ['--git-dir', repo.origin!, 'rev-parse', branch], { encoding: 'utf8' }).trim();
}
