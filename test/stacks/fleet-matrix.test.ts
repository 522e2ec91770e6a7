/**
 * The flag matrix: every combination of the five fleet flags (32) synthesizes, passes
 * the real `terraform validate`, and plans offline; each JSON plan holds exactly the
 * resources the flags call for. All 32 are modules of one root configuration
 * (modules-workdir.ts writeModulesWorkdir), so one `validate` and one `plan` + `show -json`
 * judge them all: three Terraform processes instead of 96, one provider start each.
 * When that fails, each combination is judged on its own, so the failure names it.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARCH_PROFILES, archOfInstanceType } from '../../lib/arch';
import { modulePlan, writeModulesWorkdir } from '../../lib/terraform/modules-workdir';
import { writeOfflineWorkdir } from '../../lib/terraform/offline-workdir';
import { planJson, validate, type StackJson } from '../../lib/terraform/runner';
import { allCombinations, comboName, fleetFlags, QUARANTINES_ON, type FleetFlagStates } from '../helpers/fleet-flags';
import { synthFleetStack } from '../helpers/fleet-synth';
import { mapLimit } from '../../lib/concurrency';

interface Planned {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface ComboResult {
  readonly states: FleetFlagStates;
  readonly plan?: StackJson;
  readonly error?: unknown;
}

const combos = allCombinations();
const results = new Map<string, ComboResult>();
let root: string;
let seconds = 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-matrix-'));
  const started = Date.now();
  const moduleName = (i: number) => `combo_${String(i).padStart(2, '0')}`;
  const stacks = new Map(combos.map((states, i) => [moduleName(i), synthFleetStack(fleetFlags(states))]));
  try {
    const dir = path.join(root, 'all');
    await writeModulesWorkdir(dir, stacks);
    await validate(dir);
    const plan = await planJson(dir);
    combos.forEach((states, i) => results.set(comboName(states), { states, plan: modulePlan(plan, moduleName(i)) }));
  } catch {
    // Judge each combination on its own, so a failure names the combinations it comes from.
    await mapLimit(combos, 2, async (states, i) => {
      const dir = path.join(root, String(i).padStart(2, '0'));
      try {
        await writeOfflineWorkdir(dir, stacks.get(moduleName(i))!);
        await validate(dir);
        results.set(comboName(states), { states, plan: await planJson(dir) });
      } catch (error) {
        results.set(comboName(states), { states, error });
      }
    });
  }
  seconds = (Date.now() - started) / 1000;
}, 1_800_000);

afterAll(() => {
  console.log(`flag matrix: ${combos.length} combinations validated and planned in ${seconds.toFixed(0)} s`);
  rmSync(root, { recursive: true, force: true });
});

function planned(plan: StackJson): Planned[] {
  return (plan.planned_values?.root_module?.resources ?? []) as Planned[];
}

/** What the flags call for: resource type -> count. */
function expectedCounts(s: FleetFlagStates): Record<string, number> {
  const quarantines = s.quarantines ? QUARANTINES_ON.length : 0;
  const fleets = 1 + (s.catchUp ? 1 : 0) + quarantines;
  return {
    aws_lb: 1,
    aws_lb_listener: 1,
    aws_lb_target_group: 1 + quarantines,
    aws_lb_listener_rule: quarantines,
    aws_security_group: 2,
    aws_vpc_security_group_ingress_rule: 2,
    aws_vpc_security_group_egress_rule: 2,
    aws_iam_role: fleets,
    aws_iam_role_policy: fleets,
    aws_iam_instance_profile: fleets,
    aws_launch_template: fleets,
    aws_autoscaling_group: fleets,
    aws_autoscaling_policy: s.autoscaling ? 1 : 0,
    aws_autoscaling_schedule: s.catchUp ? 1 : 0,
    // Monitoring: the topic, the dashboard, and the alarms: 7 of the load balancer, the main
    // fleet and the lock table, 2 per quarantine (its target group's unhealthy hosts, its group's
    // in-service count), 1 for the catch-up fleet (running after its expiry).
    aws_sns_topic: 1,
    aws_cloudwatch_dashboard: 1,
    aws_cloudwatch_metric_alarm: 7 + 2 * quarantines + (s.catchUp ? 1 : 0),
  };
}

describe('flag matrix', () => {
  it('covers all 32 combinations, the quarantine "on" case with at least two entries', () => {
    expect(new Set(combos.map(comboName)).size).toBe(32);
    expect(QUARANTINES_ON.length).toBeGreaterThanOrEqual(2);
  });

  it.each(combos.map((s) => [comboName(s), s] as const))('%s: validates and plans exactly the resources its flags call for', (name, states) => {
    // GIVEN the combination's flags, synthesized, validated and planned (beforeAll)
    const result = results.get(name)!;
    // THEN terraform validate and plan succeeded
    expect(result.error).toBeUndefined();
    const plan = result.plan!;

    // AND the plan creates exactly the expected resources, nothing else
    const changes = plan.resource_changes as Array<{ type: string; change: { actions: string[] } }>;
    expect(changes.every((c) => c.change.actions.join() === 'create')).toBe(true);
    const counts: Record<string, number> = {};
    for (const c of changes) counts[c.type] = (counts[c.type] ?? 0) + 1;
    const expected = Object.fromEntries(Object.entries(expectedCounts(states)).filter(([, n]) => n > 0));
    expect(counts).toEqual(expected);

    // AND the main fleet follows the spot and arch flags
    const resources = planned(plan);
    const arch = states.arch ? 'arm64' : 'amd64';
    const mainAsg = resources.find((r) => r.type === 'aws_autoscaling_group' && r.values.name.endsWith('-ingest'))!;
    const policy = mainAsg.values.mixed_instances_policy[0];
    expect(policy.instances_distribution[0]).toMatchObject({
      on_demand_percentage_above_base_capacity: states.spot ? 25 : 100,
      spot_allocation_strategy: 'price-capacity-optimized',
    });
    const types = policy.launch_template[0].override.map((o: { instance_type: string }) => o.instance_type);
    expect(types.length).toBeGreaterThan(1);
    expect(types.every((t: string) => archOfInstanceType(t) === arch)).toBe(true);
    expect(mainAsg.values.health_check_type).toBe('ELB');
    const mainTemplate = resources.find((r) => r.type === 'aws_launch_template' && r.values.name.endsWith('-ingest'))!;
    expect(mainTemplate.values.image_id).toBe(`resolve:ssm:${ARCH_PROFILES[arch].amiParameter}`);
    expect(mainTemplate.values.metadata_options[0].http_tokens).toBe('required');

    // AND quarantine listener rules carry their path patterns
    const rules = resources.filter((r) => r.type === 'aws_lb_listener_rule');
    expect(rules.map((r) => r.values.condition[0].path_pattern[0].values).sort()).toEqual(
      states.quarantines ? QUARANTINES_ON.map((q) => [...q.pathPatterns].sort()).sort() : [],
    );
  });
});
