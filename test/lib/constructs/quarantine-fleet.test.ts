import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { QuarantineFleet, type QuarantineFleetProps } from '../../../lib/constructs/quarantine-fleet';
import { SANDBOX_FLEET_ENVIRONMENT } from '../../helpers/fleet-flags';
import { synthScope } from '../../helpers/cdktf-app';

describe('QuarantineFleet', () => {
  it('routes its path patterns at its priority to its own target group', () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(LbTargetGroup, { name: 'ff-sandbox-q-acme', port: 8080 });
    const rule = Object.values(JSON.parse(out).resource.aws_lb_listener_rule)[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rule.priority).toBe(4242);
    expect(rule.listener_arn).toBe('arn:listener');
    expect(rule.condition).toEqual([{ path_pattern: { values: ['/1/events/acme-*'] } }]);
    expect(rule.action[0].target_group_arn).toMatch(/^\$\{aws_lb_target_group\.[^.]+\.arn\}$/);
    expect(out).toHaveResource(LbListenerRule);
  });

  it('runs a fixed-size, on-demand fleet of its own build, type and arch, with ELB health checks', () => {
    const group = Object.values(JSON.parse(synth()).resource.aws_autoscaling_group)[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(group).toMatchObject({
      name: 'fleetflags-sandbox-q-acme',
      min_size: 2,
      max_size: 2,
      desired_capacity: 2,
      health_check_type: 'ELB',
      mixed_instances_policy: {
        instances_distribution: { on_demand_percentage_above_base_capacity: 100 },
        launch_template: { override: [{ instance_type: 'c7i.large' }] },
      },
    });
    expect(group.tag).toContainEqual({ key: 'fleetflags:build-id', value: 'debug-1', propagate_at_launch: true });
    expect(synth()).toHaveResource(AutoscalingGroup);
  });

  it('rejects more than 5 path patterns and a priority outside 1-50000', () => {
    expect(() => synth({ pathPatterns: ['/a', '/b', '/c', '/d', '/e', '/f'] })).toThrow(/pathPatterns must have 1-5 values; got 6/);
    expect(() => synth({ priority: 0 })).toThrow(/priority must be a whole number 1-50000; got 0/);
  });
});

const TEST_ENV = SANDBOX_FLEET_ENVIRONMENT;

function synth(props: Partial<QuarantineFleetProps> = {}): string {
  return synthScope((scope) => {
    new QuarantineFleet(scope, 'Quarantine-acme', {
      env: TEST_ENV,
      name: 'acme',
      targetGroupName: 'ff-sandbox-q-acme',
      vpcId: 'vpc-1',
      listenerArn: 'arn:listener',
      pathPatterns: ['/1/events/acme-*'],
      priority: 4242,
      instanceCount: 2,
      buildId: 'debug-1',
      arch: 'amd64',
      instanceType: 'c7i.large',
      backfillMinutes: 60,
      ...props,
    });
  });
}
