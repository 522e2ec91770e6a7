/**
 * The fleet stack and its five flags. Per flag: the "off" and "on" states differ in
 * exactly the intended resources and nothing else (all other flags off), and the
 * "on" state has the intended properties.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { AutoscalingSchedule } from '@cdktf/provider-aws/lib/autoscaling-schedule';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { ARCH_PROFILES } from '../../lib/arch';
import type { Flags } from '../../lib/flags/schema';
import { quarantinePriority } from '../../lib/naming';
import { CATCH_UP_EXPIRES_AT, fleetFlags, resourcesOf, type FleetFlag } from '../helpers/fleet-flags';
import { synthFleetStack, synthFleetString } from '../helpers/fleet-synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Diff {
  readonly added: string[];
  readonly removed: string[];
  /** Changed resources: address -> top-level keys that differ. */
  readonly changed: Record<string, string[]>;
}

/** What turning `flag` on changes in the synthesized stack, all other flags off. */
function flagDiff(flag: FleetFlag): Diff {
  const off = resourcesOf(synthFleetStack(fleetFlags({ [flag]: false })));
  const on = resourcesOf(synthFleetStack(fleetFlags({ [flag]: true })));
  const changed: Record<string, string[]> = {};
  for (const [address, config] of on) {
    const before = off.get(address);
    if (!before) continue;
    const keys = [...new Set([...Object.keys(before), ...Object.keys(config)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(config[k]));
    if (keys.length) changed[address] = keys.sort();
  }
  return {
    added: [...on.keys()].filter((a) => !off.has(a)).sort(),
    removed: [...off.keys()].filter((a) => !on.has(a)).sort(),
    changed,
  };
}

const type = (address: string) => address.split('.')[0];
const resourceOfType = (json: Json, t: string, nameEndsWith: string): Json =>
  Object.values(json.resource[t] as Record<string, Json>).find((r) => String(r.name).endsWith(nameEndsWith))!;

describe('FleetStack', () => {
  describe('flag 1: spot-to-on-demand ratio', () => {
    it('changes only the main group\'s instances distribution', () => {
      const diff = flagDiff('spot');
      expect(diff.added).toEqual([]);
      expect(diff.removed).toEqual([]);
      expect(Object.entries(diff.changed)).toEqual([[expect.stringMatching(/^aws_autoscaling_group\.Ingest_AutoScalingGroup_/), ['mixed_instances_policy']]]);
    });

    it('on: on-demand base and percentage above base, price-capacity-optimized spot', () => {
      const group = resourceOfType(synthFleetStack(fleetFlags({ spot: true })), 'aws_autoscaling_group', '-ingest');
      expect(group.mixed_instances_policy.instances_distribution).toEqual({
        on_demand_allocation_strategy: 'prioritized',
        on_demand_base_capacity: 1,
        on_demand_percentage_above_base_capacity: 25,
        spot_allocation_strategy: 'price-capacity-optimized',
      });
    });
  });

  describe('flag 2: ARM64 vs AMD64', () => {
    it('changes only the main fleet\'s template, group and role policy', () => {
      const diff = flagDiff('arch');
      expect(diff.added).toEqual([]);
      expect(diff.removed).toEqual([]);
      expect(Object.keys(diff.changed).map(type).sort()).toEqual(['aws_autoscaling_group', 'aws_iam_role_policy', 'aws_launch_template']);
      const byType = Object.fromEntries(Object.entries(diff.changed).map(([a, keys]) => [type(a), keys]));
      expect(byType.aws_launch_template).toEqual(['image_id', 'user_data']);
      expect(byType.aws_autoscaling_group).toEqual(['mixed_instances_policy', 'tag']);
      expect(byType.aws_iam_role_policy).toEqual(['policy']);
    });

    it.each(['arm64', 'amd64'] as const)('%s: the AMI parameter, instance types and artifact of the arch', (arch) => {
      const json = synthFleetStack(fleetFlags({ arch: arch === 'arm64' }));
      const template = resourceOfType(json, 'aws_launch_template', '-ingest');
      expect(template.image_id).toBe(`resolve:ssm:${ARCH_PROFILES[arch].amiParameter}`);
      expect(Buffer.from(template.user_data, 'base64').toString()).toContain(`ingest-agent-linux-${arch}'`);
      const group = resourceOfType(json, 'aws_autoscaling_group', '-ingest');
      expect(group.mixed_instances_policy.launch_template.override.map((o: Json) => o.instance_type)).toEqual(ARCH_PROFILES[arch].instanceTypes);
    });
  });

  describe('flag 3: autoscaling', () => {
    it('adds only the target-tracking policy and hands the desired capacity to it; never replaces the group', () => {
      const diff = flagDiff('autoscaling');
      expect(diff.added).toEqual([expect.stringMatching(/^aws_autoscaling_policy\.Ingest_AutoScalingGroup_TargetTracking_/)]);
      expect(diff.removed).toEqual([]);
      // Only the lifecycle changes; name, sizes and everything else stay (the plan regressions prove no replacement).
      expect(Object.values(diff.changed)).toEqual([['lifecycle']]);
    });

    it('on: tracks CPU (or requests per target) between min and max', () => {
      const out = synthFleetString(fleetFlags({ autoscaling: true }));
      expect(out).toHaveResourceWithProperties(AutoscalingPolicy, {
        policy_type: 'TargetTrackingScaling',
        target_tracking_configuration: { target_value: 60, predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' } },
      });
      const requests = synthFleetStack(fleetFlags({ autoscaling: true }, (f) => { f.ingest.autoscaling = { enabled: true, metric: 'requestsPerTarget', targetValue: 1000 }; }));
      const policy = Object.values(requests.resource.aws_autoscaling_policy as Record<string, Json>)[0];
      expect(policy.target_tracking_configuration.predefined_metric_specification).toEqual({
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label: expect.stringMatching(/^\$\{aws_lb\.[^.]+\.arn_suffix\}\/\$\{aws_lb_target_group\.[^.]+\.arn_suffix\}$/),
      });
    });

    it('off: a fixed size of desiredCapacity', () => {
      const out = synthFleetString(fleetFlags({ autoscaling: false }));
      expect(out).not.toHaveResource(AutoscalingPolicy);
      expect(out).toHaveResourceWithProperties(AutoscalingGroup, { name: 'fleetflags-sandbox-ingest', min_size: 2, max_size: 6, desired_capacity: 2 });
    });
  });

  describe('flag 4: catch-up fleet', () => {
    it('adds only the catch-up fleet (role, policy, profile, template, group, its expiry) and its overrun alarm, graphed on the dashboard', () => {
      const diff = flagDiff('catchUp');
      expect(diff.removed).toEqual([]);
      // The dashboard graphs the new fleet's signals.
      expect(Object.entries(diff.changed)).toEqual([[expect.stringMatching(/^aws_cloudwatch_dashboard\.Monitoring_Dashboard_/), ['dashboard_body']]]);
      const fleet = diff.added.filter((a) => !a.includes('.Monitoring_'));
      expect(fleet.map(type).sort()).toEqual([
        'aws_autoscaling_group',
        'aws_autoscaling_schedule',
        'aws_iam_instance_profile',
        'aws_iam_role',
        'aws_iam_role_policy',
        'aws_launch_template',
      ]);
      for (const address of fleet) expect(address).toMatch(/^aws_[a-z_]+\.CatchUp_/);
      expect(diff.added.filter((a) => a.includes('.Monitoring_'))).toEqual([expect.stringMatching(/^aws_cloudwatch_metric_alarm\.Monitoring_Alarm-catch-up-overrun_/)]);
    });

    it('on: spot-first, its own size, no target group, scaled to zero at the expiry', () => {
      const flags = fleetFlags({ catchUp: true }, (f) => { f.catchUp!.buildId = 'older-build'; f.catchUp!.arch = 'amd64'; });
      const json = synthFleetStack(flags);
      const group = resourceOfType(json, 'aws_autoscaling_group', '-catch-up');
      expect(group).toMatchObject({ min_size: 0, max_size: 3, desired_capacity: 3, health_check_type: 'EC2' });
      expect(group.target_group_arns).toBeUndefined();
      expect(group.mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity).toBe(0);
      expect(group.tag).toContainEqual({ key: 'fleetflags:build-id', value: 'older-build', propagate_at_launch: true });
      expect(resourceOfType(json, 'aws_launch_template', '-catch-up').image_id).toContain('x86_64');
      expect(synthFleetString(flags)).toHaveResourceWithProperties(AutoscalingSchedule, {
        start_time: CATCH_UP_EXPIRES_AT,
        min_size: 0,
        max_size: 0,
        desired_capacity: 0,
      });
    });

    it('past its expiry (a deploy only warns): stays at zero, and its consumed one-time schedule is not re-created', () => {
      // GIVEN a catch-up fleet whose scheduled action has run (AWS then deletes a one-time action)
      const flags = fleetFlags({ catchUp: true }, (f) => { f.catchUp!.spot = { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0 }; });
      const afterExpiry = new Date(Date.parse(CATCH_UP_EXPIRES_AT) + 60_000);
      // WHEN the stack is synthesized after the expiry
      const json = synthFleetStack(flags, afterExpiry);
      // THEN the group is not scaled back up, and no schedule with a past start time is planned
      const group = resourceOfType(json, 'aws_autoscaling_group', '-catch-up');
      expect(group).toMatchObject({ min_size: 0, max_size: 0, desired_capacity: 0 });
      expect(group.mixed_instances_policy.instances_distribution.on_demand_base_capacity).toBe(0);
      expect(synthFleetString(flags, afterExpiry)).not.toHaveResource(AutoscalingSchedule);
      // and every other catch-up resource keeps its address
      const before = [...resourcesOf(synthFleetStack(flags)).keys()].filter((a) => !a.startsWith('aws_autoscaling_schedule.'));
      expect([...resourcesOf(json).keys()]).toEqual(before);
    });
  });

  describe('flag 5: quarantine fleets', () => {
    it('adds only each quarantine\'s own resources, keyed by name', () => {
      const diff = flagDiff('quarantines');
      expect(diff.removed).toEqual([]);
      // The dashboard graphs the new fleet's signals.
      expect(Object.entries(diff.changed)).toEqual([[expect.stringMatching(/^aws_cloudwatch_dashboard\.Monitoring_Dashboard_/), ['dashboard_body']]]);
      for (const name of ['acme', 'globex']) {
        expect(diff.added.filter((a) => a.includes(`.Quarantine-${name}_`)).map(type).sort()).toEqual([
          'aws_autoscaling_group',
          'aws_iam_instance_profile',
          'aws_iam_role',
          'aws_iam_role_policy',
          'aws_launch_template',
          'aws_lb_listener_rule',
          'aws_lb_target_group',
        ]);
        // and its alarms: unhealthy hosts of its target group, in-service below its minimum
        expect(diff.added.filter((a) => a.includes(`.Monitoring_Alarm-`) && a.includes(`-q-${name}_`)).sort()).toEqual([
          expect.stringMatching(new RegExp(`^aws_cloudwatch_metric_alarm\\.Monitoring_Alarm-in-service-below-min-q-${name}_`)),
          expect.stringMatching(new RegExp(`^aws_cloudwatch_metric_alarm\\.Monitoring_Alarm-unhealthy-hosts-q-${name}_`)),
        ]);
      }
      expect(diff.added).toHaveLength(14 + 4);
    });

    it('on: stable priorities from the names, own target groups, own builds and arch', () => {
      const flags = fleetFlags({ quarantines: true });
      const json = synthFleetStack(flags);
      const rules = Object.values(json.resource.aws_lb_listener_rule as Record<string, Json>);
      expect(rules.map((r) => r.priority).sort()).toEqual(flags.quarantines.map((q) => quarantinePriority(q)).sort());
      expect(synthFleetString(flags)).toHaveResourceWithProperties(LbTargetGroup, { name: 'ff-sandbox-q-globex' });
      const globex = resourceOfType(json, 'aws_autoscaling_group', '-q-globex');
      expect(globex.mixed_instances_policy.launch_template.override).toEqual([{ instance_type: 'c7i.large' }]);
      expect(resourceOfType(json, 'aws_launch_template', '-q-globex').image_id).toContain('x86_64');
      expect(resourceOfType(json, 'aws_autoscaling_group', '-q-acme').tag).toContainEqual({ key: 'fleetflags:build-id', value: '2026.11.20-1-debug', propagate_at_launch: true });
    });

    it('a quarantine\'s priority does not depend on the others', () => {
      const priorities = (flags: Flags) =>
        Object.fromEntries(
          Object.entries(synthFleetStack(flags).resource.aws_lb_listener_rule as Record<string, Json>).map(([k, r]) => [k, r.priority]),
        );
      const both = priorities(fleetFlags({ quarantines: true }));
      const onlyGlobex = priorities(fleetFlags({ quarantines: true }, (f) => { f.quarantines = f.quarantines!.slice(1); }));
      for (const [key, priority] of Object.entries(onlyGlobex)) expect(both[key]).toBe(priority);
    });
  });

  describe('load balancer and network', () => {
    it('writes access logs to the environment\'s log bucket and listens on HTTP without a certificate', () => {
      const out = synthFleetString(fleetFlags());
      expect(out).toHaveResourceWithProperties(Lb, { name: 'ff-sandbox', access_logs: { bucket: 'fleetflags-sandbox-access-logs', prefix: 'alb', enabled: true } });
      expect(out).toHaveResourceWithProperties(LbListener, { port: 80, protocol: 'HTTP' });
      expect(out).toHaveResourceWithProperties(LbTargetGroup, { name: 'ff-sandbox-ingest', health_check: expect.anything() });
    });

    it('listens on HTTPS when the flags give a certificate', () => {
      const cert = 'arn:aws:acm:us-east-1:000000000000:certificate/0a0a0a0a-0a0a-0a0a-0a0a-0a0a0a0a0a0a';
      const out = synthFleetString(fleetFlags({}, (f) => { f.network.certificateArn = cert; }));
      expect(out).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', certificate_arn: cert });
    });

    it('uses no data sources and no cross-stack references', () => {
      const json = synthFleetStack(fleetFlags({ spot: true, arch: true, autoscaling: true, catchUp: true, quarantines: true }));
      expect(json.data).toBeUndefined();
      expect(JSON.stringify(json)).not.toMatch(/terraform_remote_state|\$\{data\./);
    });
  });
});
