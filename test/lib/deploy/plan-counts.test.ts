/**
 * What a deploy counts of a JSON plan (lib/deploy/plan-counts.ts): the deploy record's
 * counts per stack and in all, and the line the deploy and rollback logs print.
 */
import { formatCounts, hasChanges, planCounts, sumCounts } from '../../../lib/deploy/plan-counts';

const change = (...actions: string[]) => ({ change: { actions } });

describe('planCounts', () => {
  test('GIVEN a replacement, an update, a no-op and a create WHEN counted THEN the replacement counts in add, destroy and replace', () => {
    expect(planCounts({ resource_changes: [change('delete', 'create'), change('update'), change('no-op'), change('create')] })).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      replace: 1,
      forget: 0,
    });
  });

  test('GIVEN a create-before-destroy replacement, a delete and a read WHEN counted THEN the replacement counts as one, the read not at all', () => {
    expect(planCounts({ resource_changes: [change('create', 'delete'), change('delete'), change('read')] })).toEqual({ add: 1, change: 0, destroy: 2, replace: 1, forget: 0 });
  });

  test('GIVEN a forget and a create-then-forget replacement WHEN counted THEN both are forgotten, the replacement also added, and the plan has changes', () => {
    const counts = planCounts({ resource_changes: [change('forget'), change('create', 'forget')] });
    expect(counts).toEqual({ add: 1, change: 0, destroy: 0, replace: 0, forget: 2 });
    expect(hasChanges(planCounts({ resource_changes: [change('forget')] }))).toBe(true);
    expect(formatCounts(counts)).toBe('+1 ~0 -0 (2 forgotten)');
  });

  test('GIVEN a plan without resource changes WHEN counted THEN nothing, and no changes', () => {
    expect(planCounts({})).toEqual({ add: 0, change: 0, destroy: 0, replace: 0, forget: 0 });
    expect(hasChanges(planCounts({ resource_changes: [change('no-op')] }))).toBe(false);
  });
});

describe('sumCounts, hasChanges and formatCounts', () => {
  test('GIVEN two stacks\' counts WHEN summed and formatted THEN each count adds up, and replacements show only when there are some', () => {
    const total = sumCounts([
      { add: 1, change: 2, destroy: 0, replace: 0, forget: 0 },
      { add: 1, change: 0, destroy: 1, replace: 1, forget: 1 },
    ]);
    expect(total).toEqual({ add: 2, change: 2, destroy: 1, replace: 1, forget: 1 });
    expect(hasChanges(total)).toBe(true);
    expect(formatCounts(total)).toBe('+2 ~2 -1 (1 replaced, 1 forgotten)');
    expect(formatCounts({ add: 0, change: 1, destroy: 0, replace: 0, forget: 0 })).toBe('+0 ~1 -0');
    expect(sumCounts([])).toEqual({ add: 0, change: 0, destroy: 0, replace: 0, forget: 0 });
  });
});
