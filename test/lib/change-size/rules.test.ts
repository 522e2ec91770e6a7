import {
  CHANGE_SIZE_RULES,
  evaluateChangeSize,
  parseBaseFlags,
  type ChangeSizeInput,
  type ChangeSizePlan,
  type ChangeSizeRule,
} from '../../../lib/change-size';
import { CapacityMoveWithinLimit } from '../../../lib/change-size/capacity-move-within-limit';
import { FleetsReplacedOrCreatedWithinLimit } from '../../../lib/change-size/fleets-replaced-or-created-within-limit';
import { InstanceRefreshBatchWithinLimit } from '../../../lib/change-size/instance-refresh-batch-within-limit';
import { OnDemandShareMoveWithinLimit } from '../../../lib/change-size/on-demand-share-move-within-limit';
import type { FlagsInput } from '../../../lib/flags/schema';
import { flagsFor } from '../deploy/helpers';

describe('CapacityMoveWithinLimit', () => {
  it('GIVEN a fat-fingered desiredCapacity 2 → 200 WHEN checked THEN non-compliant, naming file, path, values and limits', () => {
    // GIVEN
    const input = inputOf({ ingest: ingest({ desiredCapacity: 2, maxSize: 4 }) }, { ingest: ingest({ desiredCapacity: 200, maxSize: 200 }) });

    // WHEN
    const verdict = CapacityMoveWithinLimit.check(input);

    // THEN
    expect(verdict.status).toBe('non-compliant');
    expect(verdict.findings).toHaveLength(2);
    expect(verdict.findings[0]).toBe(
      'flags/production.json: $.ingest.desiredCapacity: moves 2 → 200 (+198 instances, +9900%) in one deploy; got 200; ' +
        'allowed: within ±10 instances or ±100% of 2 ($.changeLimits.capacityMoveAbsolute, $.changeLimits.capacityMovePercent); ' +
        'fix: step it over several deploys, or add the trailer "Allow-Change-Size: CapacityMoveWithinLimit" to the commit if the size is intended',
    );
    expect(verdict.findings[1]).toMatch(/^flags\/production\.json: \$\.ingest\.maxSize: moves 4 → 200/);
  });

  it.each([
    ['2 → 4 (doubling a small fleet)', 2, 4],
    ['10 → 20 (+100%)', 10, 20],
    ['40 → 50 (+10 instances)', 40, 50],
    ['100 → 180 (+80%)', 100, 180],
    ['8 → 1 (scale in by 7)', 8, 1],
  ])('GIVEN a routine move %s WHEN checked THEN compliant', (_what, before, after) => {
    const input = inputOf({ ingest: ingest({ desiredCapacity: before, maxSize: 200, minSize: 0 }) }, { ingest: ingest({ desiredCapacity: after, maxSize: 200, minSize: 0 }) });

    const verdict = CapacityMoveWithinLimit.check(input);

    expect(verdict.status).toBe('compliant');
    expect(verdict.summary).toContain(`ingest.desiredCapacity ${before} → ${after}`);
  });

  it('GIVEN a quarantine raised 1 → 20 by name, though it moved in the array WHEN checked THEN non-compliant at its head path', () => {
    const q = (name: string, instanceCount: number) => ({ name, pathPatterns: [`/1/events/${name}-*`], instanceCount });
    const input = inputOf({ quarantines: [q('acme', 1), q('zeta', 1)] }, { quarantines: [q('zeta', 1), q('acme', 20)] }, { capacityMoveAbsolute: 5 });

    const verdict = CapacityMoveWithinLimit.check(input);

    expect(verdict.status).toBe('non-compliant');
    expect(verdict.findings).toEqual([expect.stringMatching(/^flags\/production\.json: \$\.quarantines\[1\]\.instanceCount: moves 1 → 20 /)]);
  });

  it('GIVEN a catch-up fleet turned off WHEN checked THEN not applicable (risk goes down)', () => {
    const input = inputOf({ catchUp: { enabled: true, expiresAt: '2026-12-01T00:00:00Z', size: 300 } }, { catchUp: { enabled: false } });

    expect(CapacityMoveWithinLimit.check(input).status).toBe('not-applicable');
  });

  it('GIVEN no deployed flags (a first deploy) WHEN checked THEN not applicable', () => {
    expect(CapacityMoveWithinLimit.check({ ...inputOf({}, {}), before: undefined }).status).toBe('not-applicable');
  });
});

describe('OnDemandShareMoveWithinLimit', () => {
  it('GIVEN on-demand 100% → 0% (all spot at once) WHEN checked THEN non-compliant', () => {
    const input = inputOf({ ingest: ingest({ spot: { onDemandPercentageAboveBaseCapacity: 100 } }) }, { ingest: ingest({ spot: { onDemandPercentageAboveBaseCapacity: 0 } }) });

    const verdict = OnDemandShareMoveWithinLimit.check(input);

    expect(verdict.status).toBe('non-compliant');
    expect(verdict.findings[0]).toMatch(
      /^flags\/production\.json: \$\.ingest\.spot\.onDemandPercentageAboveBaseCapacity: moves 100% → 0% \(100 points\) in one deploy; got 0; allowed: within ±50 points of 100/,
    );
  });

  it('GIVEN on-demand 100% → 50% WHEN checked THEN compliant', () => {
    const input = inputOf({ ingest: ingest({ spot: { onDemandPercentageAboveBaseCapacity: 100 } }) }, { ingest: ingest({ spot: { onDemandPercentageAboveBaseCapacity: 50 } }) });

    expect(OnDemandShareMoveWithinLimit.check(input)).toMatchObject({ status: 'compliant', findings: [] });
  });
});

describe('FleetsReplacedOrCreatedWithinLimit', () => {
  it('GIVEN a plan that creates two quarantine groups and replaces the main one WHEN checked with the default limit 2 THEN non-compliant', () => {
    const input = { ...inputOf({}, {}), plans: [fleetPlan([asg('q_a', ['create']), asg('q_b', ['create']), asg('main', ['create', 'delete'])])] };

    const verdict = FleetsReplacedOrCreatedWithinLimit.check(input);

    expect(verdict.status).toBe('non-compliant');
    expect(verdict.findings[0]).toMatch(/^production: the plan creates or replaces 3 Auto Scaling groups at once \(create aws_autoscaling_group\.q_a in production-fleet; create aws_autoscaling_group\.q_b in production-fleet; replace aws_autoscaling_group\.main/);
    expect(verdict.findings[0]).toMatch(/allowed: at most 2 \(\$\.changeLimits\.fleetsReplacedOrCreated\)/);
  });

  it('GIVEN a plan that creates one group and updates another WHEN checked THEN compliant', () => {
    const input = { ...inputOf({}, {}), plans: [fleetPlan([asg('q_a', ['create']), asg('main', ['update'])])] };

    expect(FleetsReplacedOrCreatedWithinLimit.check(input)).toMatchObject({ status: 'compliant', summary: '1 of at most 2: create aws_autoscaling_group.q_a' });
  });
});

describe('InstanceRefreshBatchWithinLimit', () => {
  it('GIVEN a launch-template change on a group whose refresh keeps only 20% healthy WHEN checked THEN non-compliant', () => {
    const input = { ...inputOf({}, {}), plans: [fleetPlan([refreshing('main', 20, 10)])] };

    const verdict = InstanceRefreshBatchWithinLimit.check(input);

    expect(verdict.status).toBe('non-compliant');
    expect(verdict.findings[0]).toBe(
      'production-fleet: aws_autoscaling_group.main: an instance refresh with min_healthy_percentage 20 takes 80% of the fleet out of service at once ' +
        '(up to 8 of 10 instances); got 20; allowed: a minimum healthy percentage of at least 50 ($.changeLimits.refreshBatchPercent = 50); ' +
        'fix: raise refreshMinHealthyPercentage of the group, or add the trailer "Allow-Change-Size: InstanceRefreshBatchWithinLimit" to the commit',
    );
  });

  it('GIVEN the same change with min healthy 100% WHEN checked THEN compliant', () => {
    const input = { ...inputOf({}, {}), plans: [fleetPlan([refreshing('main', 100, 10)])] };

    expect(InstanceRefreshBatchWithinLimit.check(input).status).toBe('compliant');
  });

  it('GIVEN a low min healthy but only desired capacity changes (no refresh starts) WHEN checked THEN not applicable', () => {
    const rc = refreshing('main', 20, 10);
    const lt = (rc.change.before as { launch_template: unknown }).launch_template;
    const input = { ...inputOf({}, {}), plans: [fleetPlan([{ ...rc, change: { ...rc.change, after: { ...(rc.change.after as object), launch_template: lt }, after_unknown: {} } }])] };

    expect(InstanceRefreshBatchWithinLimit.check(input).status).toBe('not-applicable');
  });
});

describe('the change-size pack', () => {
  it('GIVEN a 2 → 200 and a compliant plan WHEN evaluated THEN every rule has a verdict and only the capacity rule needs an override', () => {
    const input = inputOf({ ingest: ingest({ desiredCapacity: 2, maxSize: 4 }) }, { ingest: ingest({ desiredCapacity: 200, maxSize: 200 }) });

    const report = evaluateChangeSize(input);

    expect(report.verdicts.map((v) => v.rule)).toEqual(CHANGE_SIZE_RULES.map((r: ChangeSizeRule) => r.id));
    expect(report.needsOverride).toEqual(['CapacityMoveWithinLimit']);
  });

  it('GIVEN a base flags file the current schema refuses WHEN parsed THEN undefined, not a guess', () => {
    expect(parseBaseFlags({ environment: 'production' })).toBeUndefined();
    expect(parseBaseFlags(undefined)).toBeUndefined();
    expect(parseBaseFlags(JSON.parse(JSON.stringify(flagsFor('production'))))?.ingest.desiredCapacity).toBe(2);
  });
});

// ---------------------------------------------------------------------------

function ingest(overrides: Record<string, unknown>): FlagsInput['ingest'] {
  return { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2, ...overrides } as FlagsInput['ingest'];
}

function inputOf(before: Partial<FlagsInput>, after: Partial<FlagsInput>, limits: Record<string, number> = {}): ChangeSizeInput {
  const head = flagsFor('production', after);
  return {
    environment: 'production',
    flagsFile: 'flags/production.json',
    before: flagsFor('production', before),
    after: head,
    plans: [],
    limits: { ...head.changeLimits, ...limits },
  };
}

function fleetPlan(resource_changes: ChangeSizePlan['plan']['resource_changes']): ChangeSizePlan {
  return { stack: 'production-fleet', plan: { resource_changes } };
}

function asg(name: string, actions: string[]) {
  return { address: `aws_autoscaling_group.${name}`, type: 'aws_autoscaling_group', mode: 'managed', change: { actions, before: {}, after: {} } };
}

/** An in-place update of a group whose launch template version changes (as Terraform plans it), with its refresh preferences. */
function refreshing(name: string, minHealthy: number, desired: number) {
  const refresh = [{ strategy: 'Rolling', preferences: [{ min_healthy_percentage: minHealthy, auto_rollback: true }] }];
  return {
    address: `aws_autoscaling_group.${name}`,
    type: 'aws_autoscaling_group',
    mode: 'managed',
    change: {
      actions: ['update'],
      before: { desired_capacity: desired, launch_template: [{ id: 'lt-0abc', version: '3' }], instance_refresh: refresh },
      after: { desired_capacity: desired, launch_template: [{ id: 'lt-0abc' }], instance_refresh: refresh },
      after_unknown: { launch_template: [{ version: true }] },
    },
  };
}
