/**
 * What a deploy counts of a JSON plan (lib/deploy/plan-counts.ts): the deploy record's
 * counts per stack and in all, the line the deploy and rollback logs print, and whether
 * a stack is applied at all (judged against Terraform's own `applyable` on real plans).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { changesAws, formatCounts, hasChanges, planCounts, sumCounts, type CountablePlan } from '../../../lib/deploy/plan-counts';

const change = (...actions: string[]) => ({ change: { actions } });
const NONE = { add: 0, change: 0, destroy: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0 };

describe('planCounts', () => {
  test('GIVEN a replacement, an update, a no-op and a create WHEN counted THEN the replacement counts in add, destroy and replace', () => {
    expect(planCounts({ resource_changes: [change('delete', 'create'), change('update'), change('no-op'), change('create')] })).toEqual({
      ...NONE,
      add: 2,
      change: 1,
      destroy: 1,
      replace: 1,
    });
  });

  test('GIVEN a create-before-destroy replacement, a delete and a read WHEN counted THEN the replacement counts as one, the read not at all', () => {
    expect(planCounts({ resource_changes: [change('create', 'delete'), change('delete'), change('read')] })).toEqual({ ...NONE, add: 1, destroy: 2, replace: 1 });
  });

  test('GIVEN a forget and a create-then-forget replacement WHEN counted THEN both are forgotten, the replacement also added, and the plan has changes', () => {
    const counts = planCounts({ resource_changes: [change('forget'), change('create', 'forget')] });
    expect(counts).toEqual({ ...NONE, add: 1, forget: 2 });
    expect(hasChanges(planCounts({ resource_changes: [change('forget')] }))).toBe(true);
    expect(formatCounts(counts)).toBe('+1 ~0 -0 (2 forgotten)');
  });

  test('GIVEN a moved instance, an imported one and a changed output, each with no action of its own WHEN counted THEN each counts, and each alone is a change', () => {
    // GIVEN three plans Terraform would apply (exit code 2 of plan -detailed-exitcode), none with an action but no-op
    const moved = { resource_changes: [{ address: 'aws_dynamodb_table.New', previous_address: 'aws_dynamodb_table.Old', change: { actions: ['no-op'] } }] };
    const imported = { resource_changes: [{ address: 'aws_s3_bucket.Logs', change: { actions: ['no-op'], importing: { id: 'ff-logs' } } }] };
    const output = { resource_changes: [change('no-op')], output_changes: { lock_table: { actions: ['update'] }, same: { actions: ['no-op'] } } };

    // WHEN / THEN
    expect(planCounts(moved)).toEqual({ ...NONE, move: 1 });
    expect(planCounts(imported)).toEqual({ ...NONE, import: 1 });
    expect(planCounts(output)).toEqual({ ...NONE, output: 1 });
    for (const plan of [moved, imported, output]) expect(hasChanges(planCounts(plan))).toBe(true);
    // AND an instance whose previous address is its own did not move
    expect(planCounts({ resource_changes: [{ address: 'a.b', previous_address: 'a.b', change: { actions: ['no-op'] } }] })).toEqual(NONE);
  });

  test('GIVEN a plan without resource changes WHEN counted THEN nothing, and no changes', () => {
    expect(planCounts({})).toEqual(NONE);
    expect(hasChanges(planCounts({ resource_changes: [change('no-op')], output_changes: { o: { actions: ['no-op'] } } }))).toBe(false);
  });
});

describe('changesAws', () => {
  test.each([
    ['an add', { add: 1 }, true],
    ['a change', { change: 1 }, true],
    ['a destroy', { destroy: 1 }, true],
    ['a move', { move: 1 }, false],
    ['an import', { import: 1 }, false],
    ['a forget', { forget: 1 }, false],
    ['an output', { output: 1 }, false],
  ])('GIVEN a plan with only %s WHEN asked whether it changes AWS THEN %s (what the health check waits for)', (_what, counts, expected) => {
    expect(changesAws({ ...NONE, ...counts })).toBe(expected);
    expect(hasChanges({ ...NONE, ...counts })).toBe(true);
  });
});

describe('hasChanges on real Terraform plans', () => {
  const root = path.join(__dirname, '../../fixtures/plans');
  const plans = readdirSync(root, { recursive: true, encoding: 'utf8' })
    // The stacks' plans, and terraform-data/'s plans of small configurations (its state.json is a state, not a plan)
    .filter((f) => /\.plan\.json(\.gz)?$/.test(f) || (f.startsWith('terraform-data/') && /\.json(\.gz)?$/.test(f) && f !== 'terraform-data/state.json'))
    .sort();
  const read = (file: string): CountablePlan & { applyable?: boolean; resource_drift?: unknown[] } => {
    const raw = readFileSync(path.join(root, file));
    return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  };

  test('GIVEN the fixtures WHEN listed THEN they hold a move-only, a forget-only, an import-only, an output-only and a no-change plan', () => {
    expect(plans).toEqual(expect.arrayContaining(['moved/sandbox-data.plan.json', 'terraform-data/forget-only.json', 'terraform-data/import-only.json', 'terraform-data/outputs-only.json', 'no-changes/sandbox-data.plan.json']));
  });

  test.each(plans)('GIVEN %s, a plan made by the real Terraform WHEN counted THEN the stack has changes exactly when Terraform says the plan is applyable', (file) => {
    const plan = read(file);
    expect(typeof plan.applyable).toBe('boolean');
    expect(hasChanges(planCounts(plan))).toBe(plan.applyable);
  });
});

describe('sumCounts, hasChanges and formatCounts', () => {
  test('GIVEN two stacks\' counts WHEN summed and formatted THEN each count adds up, and replacements show only when there are some', () => {
    const total = sumCounts([
      { ...NONE, add: 1, change: 2 },
      { ...NONE, add: 1, destroy: 1, replace: 1, forget: 1, move: 2, output: 1 },
    ]);
    expect(total).toEqual({ ...NONE, add: 2, change: 2, destroy: 1, replace: 1, forget: 1, move: 2, output: 1 });
    expect(hasChanges(total)).toBe(true);
    expect(formatCounts(total)).toBe('+2 ~2 -1 (1 replaced, 1 forgotten, 2 moved, 1 output changed)');
    expect(formatCounts({ ...NONE, import: 1, output: 3 })).toBe('+0 ~0 -0 (1 imported, 3 outputs changed)');
    expect(formatCounts({ ...NONE, change: 1 })).toBe('+0 ~1 -0');
    expect(sumCounts([])).toEqual(NONE);
  });

  test('GIVEN the counts of a deploy record of an earlier version (add, change, destroy only) WHEN formatted THEN the missing counts read as 0', () => {
    expect(formatCounts({ add: 3, change: 0, destroy: 1 })).toBe('+3 ~0 -1');
  });
});
