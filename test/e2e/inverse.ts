/**
 * "The revert's plan is the exact inverse of the change", checked from JSON plans:
 * the same resource addresses change, each with the inverse action, and for every
 * attribute the change touches, the revert's before is the change's after and its
 * after is the change's before (and no other attribute moves).
 */
import { diffValues } from '../../lib/plan/flags-diff';
import { jsonPath } from '../../lib/errors';

type Rc = { address: string; change: { actions: string[]; before?: unknown; after?: unknown } };
type Plan = { resource_changes?: Rc[] };

const INVERSE: Record<string, string> = { create: 'delete', delete: 'create', update: 'update', 'delete,create': 'delete,create', 'create,delete': 'create,delete' };

/** Changed resources of a plan: address -> resource change (no-ops and reads left out). */
export function changesOf(plan: Plan): Map<string, Rc> {
  return new Map(
    (plan.resource_changes ?? [])
      .filter((rc) => !rc.change.actions.every((a) => a === 'no-op' || a === 'read'))
      .map((rc) => [rc.address, rc]),
  );
}

/** Attribute path -> [before, after] of every changed leaf. */
export function changedLeaves(rc: Rc): Record<string, [unknown, unknown]> {
  return Object.fromEntries(diffValues(rc.change.before ?? null, rc.change.after ?? null).map((d) => [jsonPath(d.path), [d.before, d.after]]));
}

export function expectInverse(change: Plan, revert: Plan): void {
  const a = changesOf(change);
  const b = changesOf(revert);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  expect(a.size).toBeGreaterThan(0);
  for (const [address, rc] of a) {
    const back = b.get(address)!;
    expect({ address, actions: back.change.actions.join(',') }).toEqual({ address, actions: INVERSE[rc.change.actions.join(',')] });
    const forward = changedLeaves(rc);
    const swapped = Object.fromEntries(Object.entries(forward).map(([p, [before, after]]) => [p, [after, before]]));
    expect({ address, leaves: changedLeaves(back) }).toEqual({ address, leaves: swapped });
  }
}
