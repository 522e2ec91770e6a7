/**
 * The sandbox end to end, for real: one AWS emulator and one first deploy shared by
 * every step, each step a small flag change in a temporary git repository, run through
 * the real scripts (`npm run sandbox`, `npm run deploy`, `npm run drift`), asserting
 * the JSON plan and the emulator's state read back through the AWS SDK.
 *
 * Slow by nature: the provider waits ~55 s on each new S3 lifecycle configuration and
 * ~60 s on a new load balancer (its own consistency waits, the same against AWS), so
 * the first deploy takes minutes; each later step is one plan and one apply.
 *
 * A plan right after the first deploy is empty (the emulator's read-back patches,
 * emulator/patches/read_back.py): a flag change applies that change alone, so an
 * instance stopped through the SDK is still stopped when the health step looks.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { readFileSync } from 'node:fs';
import {
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeScheduledActionsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ListTagsOfResourceCommand, PutItemCommand, UntagResourceCommand } from '@aws-sdk/client-dynamodb';
import { buildClaimRequest, LOCK_TABLE_TTL_ATTRIBUTE } from '../../lib/contract/lock-table';
import { artifactKey, checksumKey } from '../../lib/arch';
import { autoScalingClient, clientConfig, ec2Client, elbv2Client, s3Client } from '../../lib/emulator/clients';
import { loadBalancerName } from '../../lib/naming';
import { ExitCode } from '../../lib/errors';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { makeTempRepo, type TempRepo } from './temp-repo';

const REGION = 'us-east-1';
const INGEST = 'fleetflags-sandbox-ingest';

let emulator: TestEmulator;
let repo: TempRepo;
let env: NodeJS.ProcessEnv;
let first: { code: number; stdout: string; stderr: string };
let catchUpGroup: string;

beforeAll(async () => {
  repo = makeTempRepo();
  const stateDir = `${repo.dir}/.fleetflags`;
  emulator = await startTestEmulator({ stateDir });
  env = { FLEETFLAGS_STATE_DIR: stateDir };
  repo.editFlags('sandbox', (f) => (f.aws.endpoint = emulator.endpoint));
  repo.commitAll('sandbox: this test\'s emulator');
  first = await run('scripts/sandbox.ts', []);
}, 900_000);

afterAll(async () => {
  await emulator?.stop();
  repo?.remove();
});

/**
 * Runs a script in the test's repository against its emulator. When the script fails, its
 * stderr ends with the requests the emulator answered with an error meanwhile (its request
 * log): a failed step then shows which AWS calls failed, and whether one was sent twice.
 */
const run = async (script: string, args: readonly string[]) => {
  const offset = emulator.logOffset();
  const r = await repo.run(script, args, env);
  const failed = r.code === 0 ? [] : emulator.failedRequestsSince(offset);
  if (failed.length === 0) return r;
  const shown = failed.slice(-40);
  return { ...r, stderr: `${r.stderr}\n--- the emulator's failed requests during this run (${shown.length} of ${failed.length}, newest last) ---\n${shown.join('\n')}\n` };
};
const asg = () => autoScalingClient({ region: REGION, endpoint: emulator.endpoint });
const group = async (name = INGEST) => (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
type PlanJson = { resource_changes: { address: string; type: string; change: { actions: string[]; before: any; after: any } }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
const stackPlan = (stack: string) => repo.readJson(`out/deploy/sandbox/${stack}.plan.json`) as PlanJson;
const fleetPlan = () => stackPlan('sandbox-fleet');
const changes = (plan: PlanJson = fleetPlan()) => plan.resource_changes.filter((rc) => rc.change.actions.join() !== 'no-op');
const changeOf = (type: string, name?: string) => changes().find((rc) => rc.type === type && (name === undefined || rc.change.after?.name === name));
const changesOf = (type: string, action: string) => changes().filter((rc) => rc.type === type && rc.change.actions.join() === action);
const listenerRules = async () => {
  const elb = elbv2Client({ region: REGION, endpoint: emulator.endpoint });
  const lb = (await elb.send(new DescribeLoadBalancersCommand({ Names: [loadBalancerName('sandbox')] }))).LoadBalancers![0];
  const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? [];
  // The sandbox has one listener (HTTP:80, no certificate). More means a create was made twice: say so, with the
  // emulator's CreateListener requests (a retried call shows as two), rather than look for rules on the wrong one.
  if (listeners.length !== 1) {
    const creates = readFileSync(emulator.record.log, 'utf8').split('\n').filter((line) => / CreateListener /.test(line));
    throw new Error(`the sandbox's load balancer has ${listeners.length} listeners (${listeners.map((l) => `${l.Protocol}:${l.Port}`).join(', ')}), not 1; the emulator's CreateListener requests:\n${creates.join('\n')}`);
  }
  return (await elb.send(new DescribeRulesCommand({ ListenerArn: listeners[0].ListenerArn }))).Rules ?? [];
};
const pathsOf = (rule: { Conditions?: { Field?: string; Values?: string[]; PathPatternConfig?: { Values?: string[] } }[] }) =>
  (rule.Conditions ?? []).filter((c) => c.Field === 'path-pattern').flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []);
const deployChange = async (edit: (flags: any) => void, message: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  repo.editFlags('sandbox', edit);
  repo.commitAll(message);
  return deploy();
};
const deploy = () => run('scripts/deploy.ts', ['--env', 'sandbox', '--health-timeout', '5']);
const onDemandPercentage = (g: Awaited<ReturnType<typeof group>>) => g?.MixedInstancesPolicy?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity;

describe('the sandbox lifecycle against the emulator', () => {
  it('first deploy: npm run sandbox creates both stacks and reports health and the load balancer', async () => {
    expect(first.stderr).not.toMatch(/Error:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/sandbox: success in/);
    expect(first.stdout).toMatch(/health: healthy/);
    expect(first.stdout).toMatch(/load balancer: ff-sandbox-\d+\.us-east-1\.elb\.amazonaws\.com/);
    // THEN the emulator runs the fleet: the full desired capacity of the mixed-instances group
    const g = await group();
    expect(g?.DesiredCapacity).toBe(2);
    expect(g?.Instances).toHaveLength(2);
    expect(onDemandPercentage(g)).toBe(50);
  });

  it('a re-plan right after the first deploy is empty in both stacks (the emulator reads back what was written)', async () => {
    const r = await run('scripts/deploy.ts', ['--env', 'sandbox', '--plan-only']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plan sandbox-data: \+0 ~0 -0$/m);
    expect(r.stdout).toMatch(/^plan sandbox-fleet: \+0 ~0 -0$/m);
    for (const stack of ['sandbox-data', 'sandbox-fleet']) expect(changes(stackPlan(stack)).map((rc) => `${rc.address} ${rc.change.actions.join()}`)).toEqual([]);
  }, 600_000);

  it('lock-table contract: the claim protocol holds on the table the apply created (TTL on, one winner)', async () => {
    const { forcePathStyle: _, ...config } = clientConfig({ region: REGION, endpoint: emulator.endpoint });
    const dynamo = new DynamoDBClient(config);
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: 'fleetflags-sandbox-locks' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: LOCK_TABLE_TTL_ATTRIBUTE });
    const now = Math.floor(Date.now() / 1000);
    const claims = await Promise.allSettled(
      ['agent-a', 'agent-b', 'agent-c'].map((owner) =>
        dynamo.send(new PutItemCommand(buildClaimRequest({ tableName: 'fleetflags-sandbox-locks', objectKey: 'logs/2026/11/27/a.gz', owner, nowSeconds: now }))),
      ),
    );
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    for (const c of claims.filter((c) => c.status === 'rejected')) expect((c as PromiseRejectedResult).reason).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('spot ratio change: the group is updated in place and its on-demand percentage really changes', async () => {
    repo.editFlags('sandbox', (f) => (f.ingest.spot.onDemandPercentageAboveBaseCapacity = 20));
    repo.commitAll('sandbox: more spot');
    const r = await deploy();
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    const change = changeOf('aws_autoscaling_group', INGEST);
    expect(change?.change.actions).toEqual(['update']);
    expect(change?.change.after.mixed_instances_policy[0].instances_distribution[0].on_demand_percentage_above_base_capacity).toBe(20);
    expect(onDemandPercentage(await group())).toBe(20);
  }, 600_000);

  it('rollback: git revert of the change, then deploy, applies the inverse', async () => {
    repo.git('revert', '--no-edit', 'HEAD');
    const r = await deploy();
    expect(r.code).toBe(0);
    expect(changeOf('aws_autoscaling_group', INGEST)?.change.after.mixed_instances_policy[0].instances_distribution[0].on_demand_percentage_above_base_capacity).toBe(50);
    expect(onDemandPercentage(await group())).toBe(50);
  }, 600_000);

  it('unhealthy: an instance stopped through the SDK fails the health step of the next deploy (exit 12)', async () => {
    // GIVEN a running fleet, one of whose instances is stopped out of band (its target becomes "unused")
    const [victim] = (await group())!.Instances!.map((i) => i.InstanceId!);
    const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [victim] }));
    try {
      // WHEN a flag change that leaves the fleet's instances alone (an alarm threshold) is deployed
      const r = await deployChange((f) => (f.alarms = { ...f.alarms, unhealthyHosts: 2 }), 'sandbox: unhealthy-hosts alarm at 2');
      // THEN only monitoring changed (the alarms and the dashboard that shows their thresholds), it was
      // applied, and the health step reports the stopped target: exit 12
      expect(new Set(changes().map((rc) => rc.type))).toEqual(new Set(['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_dashboard']));
      expect(r.stdout).toMatch(/i-[0-9a-f]+ unused/);
      expect(r.code).toBe(ExitCode.UnhealthyAfterApply);
      expect(repo.readJson('out/deploy/sandbox.json')).toMatchObject({ exitCode: 12, health: { healthy: false } });
    } finally {
      await ec2.send(new StartInstancesCommand({ InstanceIds: [victim] }));
    }
  }, 600_000);

  it('catch-up fleet on: its group and its scale-to-zero scheduled action exist in the emulator', async () => {
    const expiresAt = new Date(Date.now() + 2 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const r = await deployChange((f) => (f.catchUp = { enabled: true, expiresAt, size: 1 }), 'sandbox: a catch-up fleet');
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    const [created] = changesOf('aws_autoscaling_group', 'create');
    const [schedule] = changesOf('aws_autoscaling_schedule', 'create');
    expect(created?.change.after.name).toMatch(/catch-up/);
    expect(schedule?.change.after).toMatchObject({ autoscaling_group_name: created.change.after.name, min_size: 0, max_size: 0, desired_capacity: 0 });
    const g = await group(created.change.after.name);
    expect(g?.DesiredCapacity).toBe(1);
    const actions = await asg().send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: created.change.after.name }));
    expect(actions.ScheduledUpdateGroupActions?.map((a) => a.ScheduledActionName)).toEqual([schedule.change.after.scheduled_action_name]);
    catchUpGroup = created.change.after.name;
  }, 600_000);

  it('catch-up fleet off: its group and scheduled action are gone', async () => {
    const r = await deployChange((f) => (f.catchUp = { enabled: false }), 'sandbox: catch-up done');
    expect(r.code).toBe(0);
    expect(changesOf('aws_autoscaling_group', 'delete').map((rc) => rc.change.before.name)).toEqual([catchUpGroup]);
    expect(changesOf('aws_autoscaling_schedule', 'delete')).toHaveLength(1);
    expect(await group(catchUpGroup)).toBeUndefined();
  }, 600_000);

  it('quarantine added: a listener rule with its path patterns routes to its own fleet', async () => {
    const paths = ['/1/events/globex-*', '/1/batch/globex-*'];
    const r = await deployChange((f) => f.quarantines.push({ name: 'globex', pathPatterns: paths, instanceCount: 1 }), 'sandbox: quarantine globex');
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    const [rule] = changesOf('aws_lb_listener_rule', 'create');
    expect(rule).toBeDefined();
    expect(changesOf('aws_autoscaling_group', 'create').map((rc) => rc.change.after.name)).toEqual([expect.stringMatching(/globex/)]);
    const found = (await listenerRules()).filter((x) => pathsOf(x).length && pathsOf(x).every((p) => paths.includes(p)));
    expect(found).toHaveLength(1);
    expect([...pathsOf(found[0])].sort()).toEqual([...paths].sort());
  }, 600_000);

  it('quarantine removed: its listener rule is gone, the other quarantine stays', async () => {
    const r = await deployChange((f) => (f.quarantines = f.quarantines.filter((q: { name: string }) => q.name !== 'globex')), 'sandbox: quarantine globex over');
    expect(r.code).toBe(0);
    expect(changesOf('aws_lb_listener_rule', 'delete')).toHaveLength(1);
    const rules = await listenerRules();
    expect(rules.some((x) => pathsOf(x).some((p) => p.includes('globex')))).toBe(false);
    expect(rules.some((x) => pathsOf(x).some((p) => p.includes('acme')))).toBe(true);
  }, 600_000);

  it('arch switch: the main fleet goes amd64; its launch template image and instance types change and an instance refresh starts', async () => {
    // GIVEN the main fleet's build published for amd64 too
    const published = await run('scripts/publish-build.ts', ['--env', 'sandbox', '--build', '2026.11.20-1', '--arch', 'amd64', '--file', 'package.json']);
    expect(published.code).toBe(0);
    const before = (await group())!;
    const started = new Date(Date.now() - 1000);
    // WHEN the main fleet switches to amd64
    const r = await deployChange((f) => (f.ingest.arch = 'amd64'), 'sandbox: ingest on amd64');
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    // THEN the plan updates the launch template's image and the group's instance types, in place
    const template = changesOf('aws_launch_template', 'update').find((rc) => rc.address.startsWith('aws_launch_template.Ingest_'));
    expect(template?.change.before.image_id).toMatch(/arm64/);
    expect(template?.change.after.image_id).toMatch(/x86_64/);
    const typesOf = (g: any) => g.mixed_instances_policy[0].launch_template[0].override.map((o: { instance_type: string }) => o.instance_type); // eslint-disable-line @typescript-eslint/no-explicit-any
    const groupChange = changeOf('aws_autoscaling_group', INGEST)!;
    expect(groupChange.change.actions).toEqual(['update']);
    expect(typesOf(groupChange.change.after)).not.toEqual(typesOf(groupChange.change.before));
    // AND the emulator has the new template version, the new types, and a refresh that started with this deploy
    const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
    const spec = before.MixedInstancesPolicy!.LaunchTemplate!.LaunchTemplateSpecification!;
    const latest = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: spec.LaunchTemplateId, Versions: ['$Latest'] }))).LaunchTemplateVersions![0];
    expect(latest.LaunchTemplateData?.ImageId).toMatch(/x86_64/);
    const after = (await group())!;
    const types = after.MixedInstancesPolicy!.LaunchTemplate!.Overrides!.map((o) => o.InstanceType);
    expect(types).toEqual(typesOf(groupChange.change.after));
    expect(types.some((t) => before.MixedInstancesPolicy!.LaunchTemplate!.Overrides!.some((o) => o.InstanceType === t))).toBe(false);
    const refreshes = await asg().send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: INGEST }));
    expect(refreshes.InstanceRefreshes?.[0]).toMatchObject({ Status: 'Successful' });
    expect(refreshes.InstanceRefreshes![0].StartTime!.getTime()).toBeGreaterThanOrEqual(started.getTime());
  }, 600_000);

  type DriftReportJson = { clean: boolean; driftCount: number; pendingCount: number; stacks: { stack: string; drift: { address: string; attributes: { path: string }[] }[] }[] };
  const drift = async () => {
    const r = await run('scripts/drift.ts', ['--env', 'sandbox', '--exit-code']);
    return { ...r, report: repo.readJson('out/drift/report.json') as DriftReportJson };
  };

  it('drift: none right after a deploy (the refresh differences a fresh apply leaves are not drift)', async () => {
    const { code, report } = await drift();
    expect(report).toMatchObject({ clean: true, driftCount: 0, pendingCount: 0 });
    expect(code).toBe(0);
  }, 600_000);

  it('drift: a max size changed and a lock-table tag removed through the SDK are reported by npm run drift', async () => {
    await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: INGEST, MaxSize: 9 }));
    const { forcePathStyle: _, ...config } = clientConfig({ region: REGION, endpoint: emulator.endpoint });
    const dynamo = new DynamoDBClient(config);
    const table = await dynamo.send(new DescribeTableCommand({ TableName: 'fleetflags-sandbox-locks' }));
    const { Tags = [] } = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: table.Table!.TableArn! }));
    expect(Tags.map((t) => t.Key)).toContain('fleetflags:stack');
    await dynamo.send(new UntagResourceCommand({ ResourceArn: table.Table!.TableArn!, TagKeys: ['fleetflags:stack'] }));
    dynamo.destroy();
    const { code, report } = await drift();
    expect(code).toBe(ExitCode.DriftFound);
    const fleet = report.stacks.find((s) => s.stack === 'sandbox-fleet');
    expect(fleet?.drift.find((d) => d.address === 'aws_autoscaling_group.Ingest_AutoScalingGroup_3456BF42')?.attributes.map((a) => a.path)).toContain('max_size');
    const data = report.stacks.find((s) => s.stack === 'sandbox-data');
    expect(data?.drift).toEqual([expect.objectContaining({ address: expect.stringMatching(/^aws_dynamodb_table\.LockTable_/) })]);
    // A default tag (the provider's default_tags): it lives in tags_all.
    expect(data?.drift[0].attributes.map((a) => a.path)).toEqual(['tags_all["fleetflags:stack"]']);
  }, 600_000);

  it('zero-byte build: the ArtifactsPublished guard reads the real bucket and refuses it (exit 10)', async () => {
    const s3 = s3Client({ region: REGION, endpoint: emulator.endpoint });
    const bucket = 'fleetflags-sandbox-artifacts';
    // The main fleet's architecture now (the arch switch above moved it to amd64).
    const flags = repo.readJson('flags/sandbox.json');
    const arch = flags.ingest.arch ?? flags.arch;
    // New keys, so conditional writes: the bucket refuses any other write under builds/ (a build ID names one binary).
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: artifactKey('2026.11.27-broken', arch), Body: '', ContentLength: 0, IfNoneMatch: '*' })); // a length, or the SDK warns of a stream of unknown length
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: checksumKey('2026.11.27-broken', arch), Body: `${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}  x\n`, IfNoneMatch: '*' }));
    repo.editFlags('sandbox', (f) => (f.ingest.buildId = '2026.11.27-broken'));
    repo.commitAll('sandbox: a broken build');
    const r = await deploy();
    repo.git('revert', '--no-edit', 'HEAD');
    expect(r.code).toBe(ExitCode.GuardRefused);
    expect(r.stderr).toMatch(/ArtifactsPublished: .*2026\.11\.27-broken.* is zero bytes \(a broken build\)/);
  }, 600_000);

  it('change size: a fat-fingered desiredCapacity 2 → 30 is refused by ChangeSize (exit 10), and ErrorBudget states its policy', async () => {
    // GIVEN the deployed sandbox WHEN its size jumps far beyond the limits
    repo.editFlags('sandbox', (f) => {
      f.ingest.desiredCapacity = 30;
      f.ingest.maxSize = 30;
    });
    repo.commitAll('Scale the sandbox');
    const r = await deploy();
    // THEN nothing is applied, and the log says which rule and which value
    expect(r.code).toBe(ExitCode.GuardRefused);
    expect(r.stdout).toMatch(/^block ChangeSize: non-compliant CapacityMoveWithinLimit: 2 size moves beyond ±10 instances and ±100%$/m);
    expect(r.stdout).toMatch(/flags\/sandbox\.json: \$\.ingest\.desiredCapacity: moves 2 → 30 \(\+28 instances, \+1400%\)/);
    expect(r.stdout).toMatch(/^pass  ErrorBudget: Honeycomb could not be asked .* proceed, the deploy goes ahead \(slos\.whenApiUnreachable = "proceed"\)$/m);
    expect(repo.readJson('out/deploy/sandbox.json')).toMatchObject({ outcome: 'guard-refused', exitCode: 10 });
    expect((await group())?.DesiredCapacity).toBe(2);
  }, 600_000);

  it('change size: the same change with "Allow-Change-Size: CapacityMoveWithinLimit" deploys, and the override is recorded', async () => {
    repo.git('commit', '--allow-empty', '-q', '-m', 'Scale the sandbox on purpose\n\nAllow-Change-Size: CapacityMoveWithinLimit');
    const r = await deploy();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^warn  ChangeSize: overridden CapacityMoveWithinLimit: /m);
    expect(repo.readJson('out/deploy/sandbox.json').overrides).toEqual([
      { guard: 'ChangeSize', trailer: 'Allow-Change-Size', value: 'CapacityMoveWithinLimit', commit: repo.git('rev-parse', 'HEAD') },
    ]);
    // The sandbox autoscales: its policy owns the desired capacity, and the group may now grow to 30.
    expect((await group())?.MaxSize).toBe(30);
  }, 600_000);

  it('handoff: npm run handoff --env sandbox lists the deploys, the refusal and why, and the override', async () => {
    const r = await run('scripts/handoff.ts', ['--since', '1d', '--env', 'sandbox']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*\*\d+ deploys\*\* \(\d+ succeeded, [1-9]\d* failed or refused\)/m);
    expect(r.stdout).toMatch(/\*\*guard-refused\*\*: ChangeSize: non-compliant CapacityMoveWithinLimit/);
    expect(r.stdout).toMatch(/^\| [\d-]+ [\d:]+Z \| override `Allow-Change-Size` \(ChangeSize\) \| `[0-9a-f]{12}` \(success\) \| Ada Operator \| CapacityMoveWithinLimit /m);
    expect(r.stdout).toContain('`$.ingest.desiredCapacity: 2 → 30`');
  }, 120_000);
});
