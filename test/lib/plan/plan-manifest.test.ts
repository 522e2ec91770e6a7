/**
 * What `npm run plan` counts and prints per stack (lib/plan/plan-manifest.ts); merging two
 * runs' manifests is merge-manifests.test.ts.
 */
import { countActions, describeCounts, describeStackResult, type ManifestStack } from '../../../lib/plan/plan-manifest';

describe('the counts of a stack\'s plan', () => {
  test('GIVEN one change of each kind WHEN counted THEN a replacement counts once, as a replace, and the line lists each kind', () => {
    const plan = {
      resource_changes: [
        { change: { actions: ['create'] } },
        { change: { actions: ['update'] } },
        { change: { actions: ['delete', 'create'] } },
        { change: { actions: ['create', 'delete'] } },
        { change: { actions: ['delete'] } },
        { change: { actions: ['no-op'] } },
      ],
    };
    expect(countActions(plan)).toEqual({ create: 1, update: 1, replace: 2, delete: 1, forget: 0, noop: 1 });
    expect(describeCounts(countActions(plan))).toBe('1 to create, 1 to update, 2 to replace, 1 to destroy');
    expect(describeCounts(countActions({ resource_changes: [] }))).toBe('no changes');
  });

  test('GIVEN a forget and a create-then-forget WHEN counted THEN two to forget, one to create, and the line says so (a forget-only plan is not "no changes")', () => {
    const plan = { resource_changes: [{ change: { actions: ['forget'] } }, { change: { actions: ['create', 'forget'] } }, { mode: 'data', change: { actions: ['read'] } }] };
    expect(countActions(plan)).toEqual({ create: 1, update: 0, replace: 0, delete: 0, forget: 2, noop: 0 });
    expect(describeCounts(countActions(plan))).toBe('1 to create, 0 to update, 0 to replace, 0 to destroy, 2 to forget');
    expect(describeCounts(countActions({ resource_changes: [{ change: { actions: ['forget'] } }] }))).toBe('0 to create, 0 to update, 0 to replace, 0 to destroy, 1 to forget');
  });

  test('GIVEN a speculative stack with a prevent_destroy violation WHEN described THEN its base, time and the violation are on its line', () => {
    const s: ManifestStack = {
      stack: 'sandbox-data',
      environment: 'sandbox',
      planFile: 'sandbox-data.plan.json',
      speculative: true,
      mode: 'speculative',
      baseRef: 'origin/main',
      changed: true,
      counts: { create: 0, update: 0, delete: 1, replace: 0, forget: 0, noop: 3 },
      preventDestroy: ['aws_dynamodb_table.LockTable'],
      seconds: 4,
    };
    expect(describeStackResult(s)).toBe('sandbox-data: 0 to create, 0 to update, 0 to replace, 1 to destroy [speculative, base origin/main, 4s] — prevent_destroy violated: aws_dynamodb_table.LockTable');
  });
});
