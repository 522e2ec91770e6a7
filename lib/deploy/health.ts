/**
 * Health after apply: the apply is done only when the changed Auto Scaling groups'
 * instance refreshes have finished and their target groups report healthy targets.
 * An unhealthy environment stops the promotion (exit UnhealthyAfterApply).
 *
 * The AWS side rolls back by itself: the instance refresh's auto rollback puts the
 * previous launch template back when the new instances fail their health checks.
 * This module waits for that verdict and reports it; it changes nothing.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { healthMessages } from '../errors';

export interface AutoScalingGroupInfo {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly targetGroupArns: readonly string[];
}

export interface InstanceRefreshInfo {
  readonly id: string;
  /** Pending, InProgress, Successful, Failed, Cancelling, Cancelled, RollbackInProgress, RollbackFailed, RollbackSuccessful, Baking. */
  readonly status: string;
  readonly statusReason?: string;
  readonly percentageComplete?: number;
  readonly startTime?: Date;
}

export interface TargetInfo {
  readonly id: string;
  readonly port?: number;
  /** initial, healthy, unhealthy, unused, draining, unavailable. */
  readonly state: string;
  readonly reason?: string;
  readonly description?: string;
}

/** The AWS calls the health check makes, behind an interface tests can fake. */
export interface HealthApi {
  /** The groups that exist among `names`. */
  describeGroups(names: readonly string[]): Promise<AutoScalingGroupInfo[]>;
  /** The group's instance refreshes, newest first. */
  instanceRefreshes(groupName: string): Promise<InstanceRefreshInfo[]>;
  targetHealth(targetGroupArn: string): Promise<TargetInfo[]>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitForHealthyOptions {
  /** Names of the Auto Scaling groups the apply changed. */
  readonly autoScalingGroups: readonly string[];
  /**
   * When the apply started: refreshes that started earlier are not this deploy's.
   * @default every refresh counts (the latest one is checked)
   */
  readonly since?: Date;
  /** Give up after this long. @default 1800 (30 minutes; an instance refresh with warm-up takes minutes) */
  readonly timeoutSeconds?: number;
  /** Time between polls. @default 15 */
  readonly intervalSeconds?: number;
  /** @default the real clock */
  readonly clock?: Clock;
  /** Called with a line of progress after each poll. @default nothing */
  readonly onProgress?: (line: string) => void;
}

export type HealthStatus = 'healthy' | 'unhealthy' | 'timeout';

export interface GroupHealth {
  readonly name: string;
  /** The refresh this deploy started, if any. */
  readonly refresh?: InstanceRefreshInfo;
  /** done: finished well or no refresh; failed: ended badly; waiting: still going (or group not found yet). */
  readonly state: 'done' | 'failed' | 'waiting';
}

export interface TargetGroupHealth {
  readonly arn: string;
  readonly healthy: number;
  /** The desired capacity of the checked groups that register in it. */
  readonly expected: number;
  /** Registered targets that are not healthy (draining ones are leaving and not counted). */
  readonly notHealthy: readonly TargetInfo[];
  readonly ok: boolean;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly healthy: boolean;
  /** True when an instance refresh rolled back on the AWS side. */
  readonly rolledBack: boolean;
  /** One line per problem, for the error and the deploy record. */
  readonly problems: readonly string[];
  readonly groups: readonly GroupHealth[];
  readonly targetGroups: readonly TargetGroupHealth[];
  readonly elapsedSeconds: number;
}

const REFRESH_OK = new Set(['Successful']);
const REFRESH_FAILED = new Set(['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed']);

/** Polls until the changed groups are refreshed and their targets healthy, or they fail, or time runs out. */
export async function waitForHealthy(api: HealthApi, options: WaitForHealthyOptions): Promise<HealthReport> {
  const clock = options.clock ?? realClock;
  const intervalMs = (options.intervalSeconds ?? 15) * 1000;
  const timeoutMs = (options.timeoutSeconds ?? 1800) * 1000;
  const started = clock.now();
  const log = options.onProgress ?? (() => undefined);

  for (;;) {
    const poll = await pollOnce(api, options);
    const elapsedSeconds = Math.round((clock.now() - started) / 1000);
    const report = (status: HealthStatus, problems: string[]): HealthReport => ({
      status,
      healthy: status === 'healthy',
      rolledBack: poll.groups.some((g) => g.refresh?.status === 'RollbackSuccessful'),
      problems,
      groups: poll.groups,
      targetGroups: poll.targetGroups,
      elapsedSeconds,
    });

    const failed = poll.groups.filter((g) => g.state === 'failed');
    if (failed.length > 0) return report('unhealthy', failed.map((g) => healthMessages.refreshFailed(g.name, g.refresh!)));

    const waiting = poll.groups.filter((g) => g.state === 'waiting');
    const badTargets = poll.targetGroups.filter((t) => !t.ok);
    if (waiting.length === 0 && badTargets.length === 0) return report('healthy', []);

    const pending = [
      ...waiting.map((g) => healthMessages.refreshPending(g.name, g.refresh)),
      ...badTargets.map((t) => healthMessages.targetsNotHealthy(t.arn, t.healthy, t.expected, t.notHealthy)),
    ];
    log(`health after ${elapsedSeconds}s: waiting for ${pending.join('; ')}`);
    if (clock.now() - started + intervalMs > timeoutMs) {
      return report('timeout', [healthMessages.timedOut(Math.round(timeoutMs / 1000)), ...pending]);
    }
    await clock.sleep(intervalMs);
  }
}

async function pollOnce(
  api: HealthApi,
  options: WaitForHealthyOptions,
): Promise<{ groups: GroupHealth[]; targetGroups: TargetGroupHealth[] }> {
  const found = await api.describeGroups(options.autoScalingGroups);
  const groups: GroupHealth[] = [];
  for (const name of options.autoScalingGroups) {
    if (!found.some((g) => g.name === name)) {
      groups.push({ name, state: 'waiting' });
      continue;
    }
    const refresh = (await api.instanceRefreshes(name)).find(
      (r) => !options.since || !r.startTime || r.startTime.getTime() >= options.since.getTime(),
    );
    const state = !refresh || REFRESH_OK.has(refresh.status) ? 'done' : REFRESH_FAILED.has(refresh.status) ? 'failed' : 'waiting';
    groups.push({ name, refresh, state });
  }
  // Target groups are only worth asking about once every refresh is over.
  if (groups.some((g) => g.state !== 'done')) return { groups, targetGroups: [] };

  const expected = new Map<string, number>();
  for (const g of found) for (const arn of g.targetGroupArns) expected.set(arn, (expected.get(arn) ?? 0) + g.desiredCapacity);
  const targetGroups: TargetGroupHealth[] = [];
  for (const [arn, want] of expected) {
    const targets = (await api.targetHealth(arn)).filter((t) => t.state !== 'draining');
    const healthy = targets.filter((t) => t.state === 'healthy').length;
    const notHealthy = targets.filter((t) => t.state !== 'healthy');
    targetGroups.push({ arn, healthy, expected: want, notHealthy, ok: notHealthy.length === 0 && healthy >= want });
  }
  return { groups, targetGroups };
}

/** The HealthApi of the real AWS SDK clients. */
export function awsHealthApi(options: {
  readonly region: string;
  readonly autoScaling?: AutoScalingClient;
  readonly elb?: ElasticLoadBalancingV2Client;
}): HealthApi {
  // The SDK is loaded here, not at import: most importers of this file never check health.
  const { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeInstanceRefreshesCommand } = require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling');
  const { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  const autoScaling = options.autoScaling ?? new AutoScalingClient({ region: options.region });
  const elb = options.elb ?? new ElasticLoadBalancingV2Client({ region: options.region });
  return {
    describeGroups: async (names) => {
      if (names.length === 0) return [];
      const out = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [...names] }));
      return (out.AutoScalingGroups ?? []).map((g) => ({
        name: g.AutoScalingGroupName ?? '',
        desiredCapacity: g.DesiredCapacity ?? 0,
        targetGroupArns: g.TargetGroupARNs ?? [],
      }));
    },
    instanceRefreshes: async (groupName) => {
      const out = await autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName, MaxRecords: 10 }));
      const refreshes = (out.InstanceRefreshes ?? []).map((r) => ({
        id: r.InstanceRefreshId ?? '',
        status: r.Status ?? 'Unknown',
        statusReason: r.StatusReason,
        percentageComplete: r.PercentageComplete,
        startTime: r.StartTime,
      }));
      // AWS lists the newest first; sort anyway so the contract does not depend on it.
      return refreshes.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
    },
    targetHealth: async (arn) => {
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      return (out.TargetHealthDescriptions ?? []).map((d) => ({
        id: d.Target?.Id ?? '',
        port: d.Target?.Port,
        state: d.TargetHealth?.State ?? 'unavailable',
        reason: d.TargetHealth?.Reason,
        description: d.TargetHealth?.Description,
      }));
    },
  };
}
