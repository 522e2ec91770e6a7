import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { AutoscalingSchedule } from '@cdktf/provider-aws/lib/autoscaling-schedule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { LaunchTemplate } from './launch-template';

/** Spot strategy: the lowest-priced pools among those least likely to be interrupted. */
export const SPOT_ALLOCATION_STRATEGY = 'price-capacity-optimized';

/** Group metrics every group sends to CloudWatch (free of charge for Auto Scaling). */
export const GROUP_METRICS = ['GroupMinSize', 'GroupMaxSize', 'GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupTotalInstances'] as const;

export interface SpotRatio {
  /** Instances that are always on-demand, before any spot. */
  readonly onDemandBaseCapacity: number;
  /** Percentage (0-100) of the capacity above the base that is on-demand; the rest is spot. */
  readonly onDemandPercentageAboveBaseCapacity: number;
}

export interface TargetTracking {
  /** "cpu": average CPU utilization (%); "requestsPerTarget": ALB requests per target. */
  readonly metric: 'cpu' | 'requestsPerTarget';
  readonly targetValue: number;
  /**
   * `<load balancer arn_suffix>/<target group arn_suffix>`; required for "requestsPerTarget".
   * @default - none
   */
  readonly resourceLabel?: string;
}

export interface AutoScalingGroupProps {
  /** Name of the group. */
  readonly name: string;
  readonly launchTemplate: LaunchTemplate;
  /** Instance types, all of the launch template's architecture; several keep spot capacity diverse. */
  readonly instanceTypes: readonly string[];
  readonly subnetIds: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly spot: SpotRatio;
  /**
   * Target group the instances register in; the group then uses ELB health checks.
   * @default - none: EC2 health checks
   */
  readonly targetGroupArn?: string;
  /**
   * Autoscaling on: a target-tracking policy scales between minSize and maxSize, and
   * Terraform stops managing desiredCapacity (the policy owns it). Off: a fixed size.
   * @default - off
   */
  readonly targetTracking?: TargetTracking;
  /**
   * A scheduled action scales the group to zero at this time (ephemeral fleets).
   * @default - none
   */
  readonly scaleToZeroAt?: Date;
  /** Tags of the group, propagated to its instances. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Seconds a new instance has before health checks count.
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Percentage of the group kept healthy during an instance refresh.
   * @default 100 (launch before terminate)
   */
  readonly refreshMinHealthyPercentage?: number;
  /**
   * Largest size during an instance refresh, as a percentage of the desired capacity.
   * @default 125
   */
  readonly refreshMaxHealthyPercentage?: number;
}

/** An AWS scheduled-action start time: UTC, whole seconds, "Z" (the provider refuses offsets). */
export function scheduleTime(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('scaleToZeroAt is not a valid time');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * An EC2 Auto Scaling group for one ingest fleet:
 * - a mixed instances policy: on-demand base and percentage above base, the
 *   `price-capacity-optimized` spot strategy, several instance types as overrides;
 * - the launch template pinned to its `latest_version` (not `$Latest`), so every
 *   template change changes the group and starts an instance refresh, which rolls
 *   back automatically when the new instances do not become healthy;
 * - ELB health checks when attached to a target group; capacity rebalancing;
 * - tags (environment, fleet, build ID) propagated to the instances;
 * - autoscaling on or off without replacing the group (see `targetTracking`).
 * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html
 */
export class AutoScalingGroup extends Construct {
  readonly group: AutoscalingGroup;
  readonly policy?: AutoscalingPolicy;
  readonly schedule?: AutoscalingSchedule;

  constructor(scope: Construct, id: string, props: AutoScalingGroupProps) {
    super(scope, id);
    const grace = props.healthCheckGracePeriodSeconds ?? 300;
    const minHealthy = props.refreshMinHealthyPercentage ?? 100;
    const maxHealthy = props.refreshMaxHealthyPercentage ?? 125;
    validateProps(props);

    this.group = new AutoscalingGroup(this, 'Resource', {
      name: props.name,
      vpcZoneIdentifier: [...props.subnetIds],
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity,
      capacityRebalance: true,
      // Group metrics (1-minute): the in-service-below-minimum and catch-up-overrun
      // alarms and the dashboard watch them (lib/constructs/fleet-monitoring.ts).
      enabledMetrics: [...GROUP_METRICS],
      metricsGranularity: '1Minute',
      healthCheckType: props.targetGroupArn ? 'ELB' : 'EC2',
      healthCheckGracePeriod: grace,
      defaultInstanceWarmup: grace,
      targetGroupArns: props.targetGroupArn ? [props.targetGroupArn] : undefined,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandAllocationStrategy: 'prioritized',
          onDemandBaseCapacity: props.spot.onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity: props.spot.onDemandPercentageAboveBaseCapacity,
          spotAllocationStrategy: SPOT_ALLOCATION_STRATEGY,
        },
        launchTemplate: {
          launchTemplateSpecification: {
            launchTemplateId: props.launchTemplate.launchTemplate.id,
            // Never "$Latest": a pinned version makes every template change a change of
            // the group, which triggers the instance refresh (and allows auto rollback).
            version: Token.asString(props.launchTemplate.launchTemplate.latestVersion),
          },
          override: props.instanceTypes.map((instanceType) => ({ instanceType })),
        },
      },
      instanceRefresh: {
        strategy: 'Rolling',
        preferences: {
          minHealthyPercentage: minHealthy,
          maxHealthyPercentage: maxHealthy,
          instanceWarmup: String(grace),
          autoRollback: true,
        },
      },
      tag: Object.entries(props.tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      // Autoscaling on: the policy owns the desired capacity, so Terraform must not
      // reset it on every apply. Toggling ignore_changes is a lifecycle change only:
      // it never replaces the group (proved by test/stacks/fleet-plan-regressions).
      lifecycle: props.targetTracking ? { ignoreChanges: ['desired_capacity'] } : undefined,
    });

    if (props.targetTracking) {
      const t = props.targetTracking;
      this.policy = new AutoscalingPolicy(this, 'TargetTracking', {
        name: `${props.name}-target-tracking`,
        autoscalingGroupName: this.group.name,
        policyType: 'TargetTrackingScaling',
        targetTrackingConfiguration: {
          targetValue: t.targetValue,
          predefinedMetricSpecification:
            t.metric === 'cpu'
              ? { predefinedMetricType: 'ASGAverageCPUUtilization' }
              : { predefinedMetricType: 'ALBRequestCountPerTarget', resourceLabel: t.resourceLabel },
        },
      });
    }

    if (props.scaleToZeroAt) {
      this.schedule = new AutoscalingSchedule(this, 'ScaleToZero', {
        scheduledActionName: `${props.name}-expires`,
        autoscalingGroupName: this.group.name,
        startTime: scheduleTime(props.scaleToZeroAt),
        minSize: 0,
        maxSize: 0,
        desiredCapacity: 0,
      });
    }
  }
}

function validateProps(props: AutoScalingGroupProps): void {
  const { minSize, maxSize, desiredCapacity, spot } = props;
  if (minSize > maxSize) throw new Error(`minSize (${minSize}) must be at most maxSize (${maxSize})`);
  if (desiredCapacity < minSize || desiredCapacity > maxSize) {
    throw new Error(`desiredCapacity must be between minSize (${minSize}) and maxSize (${maxSize}); got ${desiredCapacity}`);
  }
  const pct = spot.onDemandPercentageAboveBaseCapacity;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) {
    throw new Error(`onDemandPercentageAboveBaseCapacity must be a whole number 0-100; got ${pct}`);
  }
  if (spot.onDemandBaseCapacity < 0 || spot.onDemandBaseCapacity > maxSize) {
    throw new Error(`onDemandBaseCapacity must be between 0 and maxSize (${maxSize}); got ${spot.onDemandBaseCapacity}`);
  }
  if (props.instanceTypes.length === 0) throw new Error('instanceTypes must list at least one instance type');
  if (props.targetTracking?.metric === 'requestsPerTarget' && !props.targetTracking.resourceLabel) {
    throw new Error('targetTracking with metric "requestsPerTarget" needs a resourceLabel (a target group)');
  }
}
