/**
 * What a deploy counts of a stack's JSON plan: resources added, changed, destroyed, and
 * replaced (a replacement also counts in added and destroyed, as Terraform counts it). The
 * deploy record keeps these per stack and in all; the deploy and rollback logs print them.
 */
import { kindOf } from '../plan/plan-model';

export interface SimplePlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements, also counted in add and destroy as Terraform does. */
  readonly replace: number;
}

/** Counts of a JSON plan's resource changes; a replacement counts in add, destroy and replace. */
export function planCounts(plan: { resource_changes?: readonly { change: { actions: readonly string[] } }[] }): SimplePlanCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  for (const rc of plan.resource_changes ?? []) {
    const { kind } = kindOf(rc.change.actions);
    if (kind === 'create') add++;
    else if (kind === 'update') change++;
    else if (kind === 'delete') destroy++;
    else if (kind === 'replace') {
      add++;
      destroy++;
      replace++;
    }
  }
  return { add, change, destroy, replace };
}

export function sumCounts(counts: readonly SimplePlanCounts[]): SimplePlanCounts {
  return counts.reduce((a, c) => ({ add: a.add + c.add, change: a.change + c.change, destroy: a.destroy + c.destroy, replace: a.replace + c.replace }), {
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
  });
}

export function hasChanges(c: SimplePlanCounts): boolean {
  return c.add + c.change + c.destroy > 0;
}

/** "+1 ~2 -0 (1 replaced)" */
export function formatCounts(c: SimplePlanCounts): string {
  return `+${c.add} ~${c.change} -${c.destroy}${c.replace ? ` (${c.replace} replaced)` : ''}`;
}
