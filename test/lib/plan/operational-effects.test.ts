/**
 * What a plan does to the running fleet, on real plans of our sandbox-fleet stack
 * (test/fixtures/plans/fleet-*, made by scripts/gen-plan-fixtures.ts with the real
 * AWS provider).
 */
import path from 'node:path';
import { diffFlags, readFlagsDir } from '../../../lib/plan/flags-diff';
import { stackPlan, type StackPlan } from '../../../lib/plan/plan-model';
import { readPlanFile } from '../../../lib/plan/plan-json';
import { fleetEffects } from '../../../lib/plan/operational-effects';
import { renderMarkdown, summarize } from '../../../lib/plan/render';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');

function fleet(scenario: string): StackPlan {
  return stackPlan(readPlanFile(path.join(FIXTURES, scenario, 'sandbox-fleet.plan.json')), 'sandbox-fleet');
}

describe('operational effects', () => {
  test('GIVEN the arch switched to amd64 WHEN rendered THEN Terraform says "0 to replace" and the comment says every instance is replaced, per group, with its count and min healthy %', () => {
    // GIVEN the real plan of the flags edit arm64 -> amd64
    const plan = fleet('fleet-arch');
    expect(plan.counts).toMatchObject({ replace: 0, destroy: 0 });

    // WHEN its effects are read and the comment rendered
    const effects = fleetEffects([plan]);
    const md = renderMarkdown([plan], { flagChanges: diffFlags(readFlagsDir(path.join(FIXTURES, 'fleet-arch', 'flags', 'base')), readFlagsDir(path.join(FIXTURES, 'fleet-arch', 'flags', 'head'))) });

    // THEN each group with an instance refresh is a rolling replacement of all its instances
    expect(effects.map((e) => [e.group, e.kind, e.instances])).toEqual([
      ['fleetflags-sandbox-ingest', 'rolling-replacement', 2],
      ['fleetflags-sandbox-q-acme', 'rolling-replacement', 1],
    ]);
    expect(md).toContain('**What happens to the fleet** (read this first): 2 fleets replace every instance (3 instances in all), although Terraform counts them as in-place changes.');
    expect(md).toContain(
      '| `fleetflags-sandbox-ingest` | `sandbox-fleet` | 🔁 rolling replacement of every instance: the launch template changes, and the instance refresh replaces all 2 instances, keeping at least 100% healthy (auto rollback on failure) |',
    );
    // Read first: before the environment sections.
    expect(md.indexOf('What happens to the fleet')).toBeLessThan(md.indexOf('### Environment'));
    // And in the JSON summary (--format json), for scripts.
    expect(summarize([plan]).fleetEffects).toEqual(effects);
  });

  test('GIVEN capacity, spot ratio and quarantine fleets changed WHEN read THEN one row each: capacity, spot ratio, new fleet, removed fleet', () => {
    const effects = fleetEffects([fleet('fleet-capacity')]);
    expect(effects.map((e) => `${e.group}: ${e.detail}`)).toEqual([
      'fleetflags-sandbox-ingest: capacity: min 2 → 3, max 6 → 10',
      'fleetflags-sandbox-ingest: spot ratio: on-demand above base 50% → 25% (spot 50% → 75%)',
      'fleetflags-sandbox-q-acme: fleet removed: its 1 instance is terminated',
      'fleetflags-sandbox-q-globex: new fleet: 1-1 instances, 1 desired',
    ]);
    // No launch template changed: no rolling replacement is claimed.
    expect(effects.some((e) => e.kind === 'rolling-replacement')).toBe(false);
  });

  test('GIVEN a plan of the data stack only WHEN rendered THEN no fleet table', () => {
    const data = stackPlan(readPlanFile(path.join(FIXTURES, 'update', 'sandbox-data.plan.json')), 'sandbox-data');
    expect(fleetEffects([data])).toEqual([]);
    expect(renderMarkdown([data])).not.toContain('What happens to the fleet');
  });
});
