/**
 * Offline-plan regressions: real `terraform plan`s of a changed fleet stack against
 * the state of the unchanged one, "as if applied" (lib/plan/baselines.ts
 * buildBaselines: both baselines folded together, with the other suites' fleet
 * baselines, once per test run: test/helpers/shared-baselines.ts). Each asserts what a one-flag change
 * may touch. The changed configurations are modules of one root, each against its
 * baseline (moved into its module in one state file: moduleState): one `plan` and one
 * `show` for all of them.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Flags } from '../../lib/flags/schema';
import { modulePlan, writeModulesWorkdir } from '../../lib/terraform/modules-workdir';
import { planJson } from '../../lib/terraform/runner';
import { moduleState, type StateJson } from '../../lib/plan/baselines';
import { fleetFlags } from '../helpers/fleet-flags';
import { synthFleetStack } from '../helpers/fleet-synth';
import { sharedFleetBaselines } from '../helpers/shared-baselines';

interface Change {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/** The stateful resource types of the fleet stack: none may be replaced by a flag change. */
const STATEFUL_TYPES = new Set(['aws_lb', 'aws_lb_target_group', 'aws_lb_listener', 'aws_autoscaling_group', 'aws_security_group', 'aws_iam_role']);

let root: string;
const baselines = new Map<string, StateJson>();

/** GIVEN a baseline: everything on (spot ratio, arm64, autoscaling, catch-up, two quarantines). */
const base = (edit: Parameters<typeof fleetFlags>[1] = () => {}, autoscaling = true): Flags =>
  fleetFlags({ spot: true, arch: true, autoscaling, catchUp: true, quarantines: true }, edit);

/** Every case planned against its baseline in ONE Terraform plan: each case is a module of one root. */
async function planAgainst(cases: ReadonlyArray<readonly [string, string, Flags]>): Promise<Map<string, Change[]>> {
  const dir = path.join(root, 'cases');
  const { sharedProvider } = await writeModulesWorkdir(dir, new Map(cases.map(([name, , flags]) => [name, synthFleetStack(flags)])), { outputs: true });
  const stateFile = path.join(root, 'cases.tfstate');
  // Each case's baseline, moved into that case's module (baselines.ts moduleState).
  const states = cases.map(([name, baseline]) => [name, baselines.get(baseline)!] as const);
  writeFileSync(stateFile, JSON.stringify(moduleState(states, sharedProvider, { lineage: 'regressions', serial: 1, terraformVersion: states[0][1].terraform_version })));
  const plan = await planJson(dir, { stateFile });
  return new Map(
    cases.map(([name]) => [
      name,
      ((modulePlan(plan, name).resource_changes ?? []) as Array<{ address: string; type: string; change: Change }>)
        .filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
        .map((c) => ({ address: c.address, type: c.type, actions: c.change.actions, before: c.change.before, after: c.change.after })),
    ]),
  );
}

const summary = (changes: readonly Change[]) => changes.map((c) => `${c.actions.join('+')} ${c.address}`).sort();
const replaced = (changes: readonly Change[]) => changes.filter((c) => c.actions.includes('delete') && c.actions.includes('create'));

const plans = new Map<string, Change[]>();

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-regressions-'));
  // Both baselines (base() and base(() => {}, false)), folded together with the other suites' fleet
  // baselines, once per test run (helpers/shared-baselines.ts: one plan and one show per round for all).
  const built = await sharedFleetBaselines(['all-on', 'all-on-fixed-size']);
  baselines.set('on', built.get('all-on')!.state);
  baselines.set('off', built.get('all-on-fixed-size')!.state);

  const cases: Array<[string, string, Flags]> = [
    ['unchanged', 'on', base()],
    ['spot-ratio', 'on', base((f) => { f.ingest.spot = { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 60 }; })],
    ['arch-amd64', 'on', base((f) => { f.arch = 'amd64'; })],
    ['remove-acme', 'on', base((f) => { f.quarantines = f.quarantines!.filter((q) => q.name !== 'acme'); })],
    ['add-initech', 'on', base((f) => { f.quarantines!.splice(1, 0, { name: 'initech', pathPatterns: ['/1/events/initech-*'], instanceCount: 1 }); })],
    ['autoscaling-off', 'on', base(() => {}, false)],
    ['autoscaling-on', 'off', base()],
  ];
  for (const [name, changes] of await planAgainst(cases)) plans.set(name, changes);
}, 1_800_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fleet stack: offline plans against a baseline', () => {
  it('plans no change for the unchanged configuration (the baseline is a fixed point)', () => {
    expect(summary(plans.get('unchanged')!)).toEqual([]);
  });

  it('changing only the spot ratio plans exactly one in-place update of the Auto Scaling group', () => {
    const changes = plans.get('spot-ratio')!;
    expect(summary(changes)).toEqual([expect.stringMatching(/^update aws_autoscaling_group\.Ingest_AutoScalingGroup_/)]);
    const [asg] = changes;
    const distribution = (v: Record<string, unknown> | null) =>
      ((v!.mixed_instances_policy as Array<Record<string, unknown>>)[0].instances_distribution as Array<Record<string, unknown>>)[0];
    expect(distribution(asg.before).on_demand_percentage_above_base_capacity).toBe(25);
    expect(distribution(asg.after).on_demand_percentage_above_base_capacity).toBe(60);
  });

  it('switching arch replaces nothing: launch templates, groups and policies update in place', () => {
    const changes = plans.get('arch-amd64')!;
    expect(replaced(changes)).toEqual([]);
    expect(changes.every((c) => c.actions.length === 1 && c.actions[0] === 'update')).toBe(true);
    expect(changes.filter((c) => STATEFUL_TYPES.has(c.type) && c.actions.includes('delete'))).toEqual([]);
    // The main and catch-up fleets follow the top-level arch; globex pins amd64 and acme follows.
    const touched = summary(changes).join('\n');
    expect(touched).toMatch(/update aws_launch_template\.Ingest_LaunchTemplate_/);
    expect(touched).toMatch(/update aws_launch_template\.CatchUp_LaunchTemplate_/);
    expect(touched).toMatch(/update aws_launch_template\.Quarantine-acme_Fleet_LaunchTemplate_/);
    expect(touched).not.toMatch(/globex/);
  });

  it('removing a quarantine destroys only that quarantine\'s resources', () => {
    const changes = plans.get('remove-acme')!;
    const fleet = changes.filter((c) => !c.address.includes('.Monitoring_'));
    expect(fleet.length).toBe(7); // target group, listener rule, role, policy, profile, template, group
    for (const c of fleet) {
      expect(c.actions).toEqual(['delete']);
      expect(c.address).toMatch(/^aws_[a-z_]+\.Quarantine-acme_/);
    }
    // Its two alarms go with it, and the dashboard stops graphing it (in place).
    expect(summary(changes.filter((c) => c.address.includes('.Monitoring_')))).toEqual([
      expect.stringMatching(/^delete aws_cloudwatch_metric_alarm\.Monitoring_Alarm-in-service-below-min-q-acme_/),
      expect.stringMatching(/^delete aws_cloudwatch_metric_alarm\.Monitoring_Alarm-unhealthy-hosts-q-acme_/),
      expect.stringMatching(/^update aws_cloudwatch_dashboard\.Monitoring_Dashboard_/),
    ]);
  });

  it('adding a quarantine creates only its own resources and never renumbers or replaces other rules', () => {
    const changes = plans.get('add-initech')!;
    const fleet = changes.filter((c) => !c.address.includes('.Monitoring_'));
    expect(fleet.length).toBe(7);
    for (const c of fleet) {
      expect(c.actions).toEqual(['create']);
      expect(c.address).toMatch(/^aws_[a-z_]+\.Quarantine-initech_/);
    }
    // Its two alarms are created, and the dashboard graphs it (in place); no other alarm changes.
    expect(summary(changes.filter((c) => c.address.includes('.Monitoring_')))).toEqual([
      expect.stringMatching(/^create aws_cloudwatch_metric_alarm\.Monitoring_Alarm-in-service-below-min-q-initech_/),
      expect.stringMatching(/^create aws_cloudwatch_metric_alarm\.Monitoring_Alarm-unhealthy-hosts-q-initech_/),
      expect.stringMatching(/^update aws_cloudwatch_dashboard\.Monitoring_Dashboard_/),
    ]);
  });

  it('turning autoscaling off deletes the policy and leaves the group alone', () => {
    expect(summary(plans.get('autoscaling-off')!)).toEqual([expect.stringMatching(/^delete aws_autoscaling_policy\.Ingest_AutoScalingGroup_TargetTracking_/)]);
  });

  it('turning autoscaling on creates the policy and leaves the group alone', () => {
    expect(summary(plans.get('autoscaling-on')!)).toEqual([expect.stringMatching(/^create aws_autoscaling_policy\.Ingest_AutoScalingGroup_TargetTracking_/)]);
  });
});
