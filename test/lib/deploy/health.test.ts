import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeInstanceRefreshesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  awsHealthApi,
  waitForHealthy,
  type Clock,
  type HealthApi,
  type InstanceRefreshInfo,
  type TargetInfo,
} from '../../../lib/deploy/health';
import { deployErrors } from '../../../lib/errors';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/ff-production-ingest/0123456789abcdef';
const APPLY_STARTED = new Date('2026-11-25T12:00:00Z');

describe('waitForHealthy', () => {
  test('healthy when the refresh succeeds and every target is healthy, at least the desired count', async () => {
    // GIVEN a refresh that finishes on the third poll, and targets that become healthy on the fourth
    const api = fakeApi({
      refreshes: [[refresh('InProgress', 10)], [refresh('InProgress', 60)], [refresh('Successful', 100)]],
      targets: [
        [target('i-1', 'healthy'), target('i-2', 'initial')],
        [target('i-1', 'healthy'), target('i-2', 'healthy'), target('i-0', 'draining')],
      ],
    });
    const clock = fakeClock();
    const progress: string[] = [];

    // WHEN
    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], since: APPLY_STARTED, clock, onProgress: (l) => progress.push(l) });

    // THEN
    expect(report).toMatchObject({ status: 'healthy', healthy: true, rolledBack: false, problems: [] });
    expect(report.targetGroups).toEqual([expect.objectContaining({ arn: TG, healthy: 2, expected: 2, ok: true })]);
    expect(clock.sleeps).toEqual([15000, 15000, 15000]);
    expect(report.elapsedSeconds).toBe(45);
    expect(progress[0]).toMatch(/waiting for instance refresh r-1 of ff-production-ingest: InProgress 10%/);
    expect(progress[2]).toMatch(/target group ff-production-ingest\/0123456789abcdef: 1 healthy of at least 2; not healthy: i-2 initial/);
  });

  test('unhealthy when the refresh rolled back, and says the AWS side rolled back', async () => {
    const api = fakeApi({
      refreshes: [[refresh('InProgress', 40)], [refresh('RollbackInProgress', 40)], [refresh('RollbackSuccessful', 100, 'Instance health checks failed')]],
    });

    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], since: APPLY_STARTED, clock: fakeClock() });

    expect(report).toMatchObject({ status: 'unhealthy', healthy: false, rolledBack: true });
    expect(report.problems).toEqual([
      'Auto Scaling group ff-production-ingest: instance refresh r-1 ended RollbackSuccessful (Instance health checks failed); ' +
        'the AWS side rolled back to the previous launch template',
    ]);
    expect(deployErrors.unhealthyAfterApply('production', report.problems, report.rolledBack).message).toMatch(
      /production is unhealthy after the apply; the promotion stops here:\n.*\nThe AWS side rolled back/,
    );
    expect(deployErrors.unhealthyAfterApply('production', report.problems, report.rolledBack).exitCode).toBe(12);
  });

  test('unhealthy at once when a refresh failed', async () => {
    const api = fakeApi({ refreshes: [[refresh('Failed', 30, 'launch template is invalid')]] });

    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], clock: fakeClock() });

    expect(report.status).toBe('unhealthy');
    expect(report.rolledBack).toBe(false);
    expect(report.problems[0]).toMatch(/ended Failed \(launch template is invalid\); the new instances did not become healthy/);
  });

  test('times out when the refresh never finishes, listing what it waited for', async () => {
    const api = fakeApi({ refreshes: [[refresh('InProgress', 50)]] });
    const clock = fakeClock();

    const report = await waitForHealthy(api, {
      autoScalingGroups: ['ff-production-ingest'],
      since: APPLY_STARTED,
      timeoutSeconds: 60,
      intervalSeconds: 15,
      clock,
    });

    expect(report.status).toBe('timeout');
    expect(report.healthy).toBe(false);
    expect(report.problems).toEqual(['not healthy within 60s; still waiting for:', 'instance refresh r-1 of ff-production-ingest: InProgress 50%']);
    expect(clock.now() - clock.start).toBeLessThanOrEqual(60000);
  });

  test('times out when targets stay unhealthy, naming them', async () => {
    const api = fakeApi({ refreshes: [[refresh('Successful', 100)]], targets: [[target('i-1', 'unhealthy', 'Target.FailedHealthChecks'), target('i-2', 'healthy')]] });

    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], timeoutSeconds: 30, clock: fakeClock() });

    expect(report.status).toBe('timeout');
    expect(report.problems[1]).toBe('target group ff-production-ingest/0123456789abcdef: 1 healthy of at least 2; not healthy: i-1 unhealthy (Target.FailedHealthChecks)');
  });

  test('fewer healthy targets than desired is not healthy, even if all registered are', async () => {
    const api = fakeApi({ refreshes: [[refresh('Successful', 100)]], targets: [[target('i-1', 'healthy')]] });

    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], timeoutSeconds: 15, clock: fakeClock() });

    expect(report.status).toBe('timeout');
    expect(report.targetGroups[0]).toMatchObject({ healthy: 1, expected: 2, ok: false });
  });

  test('a refresh older than the apply is not this deploy\'s; a group without one needs only healthy targets', async () => {
    const old = { ...refresh('Failed', 0), startTime: new Date('2026-11-20T00:00:00Z') };
    const api = fakeApi({ refreshes: [[old]], targets: [[target('i-1', 'healthy'), target('i-2', 'healthy')]] });

    const report = await waitForHealthy(api, { autoScalingGroups: ['ff-production-ingest'], since: APPLY_STARTED, clock: fakeClock() });

    expect(report.status).toBe('healthy');
    expect(report.groups[0]).toMatchObject({ state: 'done', refresh: undefined });
  });
});

describe('awsHealthApi', () => {
  test('maps the AWS SDK responses', async () => {
    const asg = mockClient(AutoScalingClient);
    const elb = mockClient(ElasticLoadBalancingV2Client);
    asg.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['g'] }).resolves({
      AutoScalingGroups: [{ AutoScalingGroupName: 'g', DesiredCapacity: 3, TargetGroupARNs: [TG] } as never],
    });
    asg.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: [
        { InstanceRefreshId: 'old', Status: 'Successful', StartTime: new Date('2026-11-01T00:00:00Z') },
        { InstanceRefreshId: 'new', Status: 'InProgress', StatusReason: 'Waiting', PercentageComplete: 20, StartTime: new Date('2026-11-25T12:01:00Z') },
      ],
    });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
      TargetHealthDescriptions: [{ Target: { Id: 'i-1', Port: 8080 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'timed out' } }],
    });
    const api = awsHealthApi({ region: 'us-east-1', autoScaling: new AutoScalingClient({ region: 'us-east-1' }), elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }) });

    expect(await api.describeGroups(['g'])).toEqual([{ name: 'g', desiredCapacity: 3, targetGroupArns: [TG] }]);
    expect((await api.instanceRefreshes('g')).map((r) => r.id)).toEqual(['new', 'old']);
    expect(await api.targetHealth(TG)).toEqual([{ id: 'i-1', port: 8080, state: 'unhealthy', reason: 'Target.Timeout', description: 'timed out' }]);
    expect(await api.describeGroups([])).toEqual([]);
    asg.restore();
    elb.restore();
  });
});

// -- factories -----------------------------------------------------------------

function refresh(status: string, percentageComplete: number, statusReason?: string): InstanceRefreshInfo {
  return { id: 'r-1', status, percentageComplete, statusReason, startTime: new Date('2026-11-25T12:01:00Z') };
}

function target(id: string, state: string, reason?: string): TargetInfo {
  return { id, state, reason };
}

/** Each poll takes the next response of each list; the last one repeats. */
function fakeApi(script: { refreshes: InstanceRefreshInfo[][]; targets?: TargetInfo[][] }): HealthApi {
  let r = 0;
  let t = 0;
  const next = <T>(list: T[], i: number) => list[Math.min(i, list.length - 1)];
  return {
    describeGroups: async (names) => names.map((name) => ({ name, desiredCapacity: 2, targetGroupArns: [TG] })),
    instanceRefreshes: async () => next(script.refreshes, r++),
    targetHealth: async () => next(script.targets ?? [[]], t++),
  };
}

function fakeClock(): Clock & { sleeps: number[]; start: number } {
  const start = APPLY_STARTED.getTime();
  let now = start;
  const sleeps: number[] = [];
  return {
    start,
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
