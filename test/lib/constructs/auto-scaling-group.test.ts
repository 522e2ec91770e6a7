import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { AutoscalingSchedule } from '@cdktf/provider-aws/lib/autoscaling-schedule';
import type { Construct } from 'constructs';
import { AutoScalingGroup, scheduleTime, type AutoScalingGroupProps } from '../../../lib/constructs/auto-scaling-group';
import { LaunchTemplate } from '../../../lib/constructs/launch-template';
import { agentLockConfig } from '../../../lib/contract/lock-table';
import { synthScope } from '../../helpers/cdktf-app';

describe('AutoScalingGroup', () => {
  it('uses a mixed instances policy: on-demand base and percentage, price-capacity-optimized spot, several types', () => {
    // WHEN
    const synth = synthGroup({ spot: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 25 } });
    // THEN
    expect(groupConfig(synth)).toMatchObject({
      mixed_instances_policy: {
        instances_distribution: {
          on_demand_base_capacity: 1,
          on_demand_percentage_above_base_capacity: 25,
          spot_allocation_strategy: 'price-capacity-optimized',
        },
        launch_template: {
          override: [{ instance_type: 'c7g.xlarge' }, { instance_type: 'm7g.xlarge' }],
        },
      },
      capacity_rebalance: true,
    });
  });

  it('pins the launch template to its latest_version, never $Latest, so a template change triggers the refresh', () => {
    const group = groupConfig(synthGroup());
    const spec = group.mixed_instances_policy.launch_template.launch_template_specification;
    expect(spec.version).toMatch(/^\$\{aws_launch_template\.[^.]+\.latest_version\}$/);
    expect(spec.launch_template_id).toMatch(/^\$\{aws_launch_template\.[^.]+\.id\}$/);
    expect(JSON.stringify(group)).not.toContain('$Latest');
  });

  it('refreshes instances on change with auto rollback', () => {
    expect(groupConfig(synthGroup())).toMatchObject({
      instance_refresh: { strategy: 'Rolling', preferences: { auto_rollback: true, min_healthy_percentage: 100 } },
    });
  });

  it('uses ELB health checks when attached to a target group, EC2 otherwise', () => {
    expect(synthGroup({ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/1' })).toHaveResourceWithProperties(
      AutoscalingGroup,
      { health_check_type: 'ELB', target_group_arns: ['arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/1'] },
    );
    const ec2 = groupConfig(synthGroup());
    expect(ec2.health_check_type).toBe('EC2');
    expect(ec2.target_group_arns).toBeUndefined();
  });

  it('propagates its tags to the instances', () => {
    expect(synthGroup({ tags: { 'fleetflags:build-id': 'b-1' } })).toHaveResourceWithProperties(AutoscalingGroup, {
      tag: [{ key: 'fleetflags:build-id', value: 'b-1', propagate_at_launch: true }],
    });
  });

  describe('autoscaling', () => {
    it('off: a fixed size, no policy, Terraform manages the desired capacity', () => {
      const synth = synthGroup();
      expect(synth).not.toHaveResource(AutoscalingPolicy);
      const group = groupConfig(synth);
      expect(group.desired_capacity).toBe(2);
      expect(group.lifecycle).toBeUndefined();
    });

    it('on (CPU): a target-tracking policy, and the policy owns the desired capacity', () => {
      const synth = synthGroup({ targetTracking: { metric: 'cpu', targetValue: 55 } });
      expect(synth).toHaveResourceWithProperties(AutoscalingPolicy, {
        policy_type: 'TargetTrackingScaling',
        target_tracking_configuration: { target_value: 55, predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' } },
      });
      expect(groupConfig(synth).lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    });

    it('on (requests per target): tracks ALBRequestCountPerTarget of the target group', () => {
      const synth = synthGroup({ targetTracking: { metric: 'requestsPerTarget', targetValue: 1200, resourceLabel: 'app/lb/1/targetgroup/tg/2' } });
      expect(synth).toHaveResourceWithProperties(AutoscalingPolicy, {
        target_tracking_configuration: {
          target_value: 1200,
          predefined_metric_specification: { predefined_metric_type: 'ALBRequestCountPerTarget', resource_label: 'app/lb/1/targetgroup/tg/2' },
        },
      });
    });

    it('rejects requests per target without a target group', () => {
      expect(() => synthGroup({ targetTracking: { metric: 'requestsPerTarget', targetValue: 1 } })).toThrow(/needs a resourceLabel/);
    });
  });

  it('scales to zero at the expiry with a scheduled action, in UTC', () => {
    expect(synthGroup({ scaleToZeroAt: new Date('2026-11-24T19:00:00+01:00') })).toHaveResourceWithProperties(AutoscalingSchedule, {
      start_time: '2026-11-24T18:00:00Z',
      min_size: 0,
      max_size: 0,
      desired_capacity: 0,
    });
    expect(scheduleTime(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z');
  });

  it.each([
    [{ minSize: 3, maxSize: 2, desiredCapacity: 2 }, /minSize \(3\) must be at most maxSize \(2\)/],
    [{ minSize: 1, maxSize: 4, desiredCapacity: 5 }, /desiredCapacity must be between minSize \(1\) and maxSize \(4\); got 5/],
    [{ spot: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 101 } }, /onDemandPercentageAboveBaseCapacity must be a whole number 0-100; got 101/],
    [{ spot: { onDemandBaseCapacity: 9, onDemandPercentageAboveBaseCapacity: 50 } }, /onDemandBaseCapacity must be between 0 and maxSize \(4\); got 9/],
    [{ instanceTypes: [] }, /at least one instance type/],
  ] as Array<[Partial<AutoScalingGroupProps>, RegExp]>)('rejects contradictory sizes and ratios (%j)', (props, message) => {
    expect(() => synthGroup(props)).toThrow(message);
  });
});

type GroupConfig = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function groupConfig(synth: string): GroupConfig {
  return Object.values(JSON.parse(synth).resource.aws_autoscaling_group)[0] as GroupConfig;
}

function synthGroup(props: Partial<AutoScalingGroupProps> = {}): string {
  return synthScope((scope: Construct) => {
    const launchTemplate = new LaunchTemplate(scope, 'Template', {
      name: 'fleet',
      arch: 'arm64',
      instanceProfileArn: 'arn:aws:iam::000000000000:instance-profile/fleet',
      securityGroupIds: ['sg-1'],
      userData: {
        region: 'us-east-1',
        artifactsBucket: 'artifacts',
        buildId: 'b-1',
        arch: 'arm64',
        agentConfig: {
          lock: agentLockConfig('locks', 60),
          environment: 'test',
          fleet: 'ingest',
          buildId: 'b-1',
          arch: 'arm64',
          region: 'us-east-1',
          accessLogs: { bucket: 'logs', prefix: 'alb' },
          listenPort: 8080,
          healthCheckPath: '/healthz',
        },
      },
    });
    new AutoScalingGroup(scope, 'Group', {
      name: 'fleet',
      launchTemplate,
      instanceTypes: ['c7g.xlarge', 'm7g.xlarge'],
      subnetIds: ['subnet-1', 'subnet-2'],
      minSize: 1,
      maxSize: 4,
      desiredCapacity: 2,
      spot: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 },
      tags: { 'fleetflags:fleet': 'ingest' },
      ...props,
    });
  });
}
