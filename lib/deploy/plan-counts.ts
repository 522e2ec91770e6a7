/**
 * What a deploy counts of a stack's JSON plan: resources added, changed, destroyed,
 * replaced (a replacement also counts in added and destroyed, as Terraform counts it), and
 * forgotten (a `removed` block with `destroy = false`: Terraform stops managing the object
 * and leaves it in the cloud; a create-then-forget replacement counts in added and
 * forgotten). The deploy record keeps these per stack and in all; the deploy and rollback
 * logs print them; a stack with any of them is applied.
 */
import { kindOf } from '../plan/plan-model';

export interface SimplePlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements, also counted in add and destroy as Terraform does. */
  readonly replace: number;
  /** Objects Terraform stops managing (left in the cloud, not destroyed). */
  readonly forget: number;
}

/** Counts of a JSON plan's resource changes; a replacement counts in add, destroy and replace; a create-then-forget in add and forget. */
export function planCounts(plan: { resource_changes?: readonly { change: { actions: readonly string[] } }[] }): SimplePlanCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  let forget = 0;
  for (const rc of plan.resource_changes ?? []) {
    const { kind } = kindOf(rc.change.actions);
    if (kind === 'create') add++;
    else if (kind === 'update') change++;
    else if (kind === 'delete') destroy++;
    else if (kind === 'replace') {
      add++;
      destroy++;
      replace++;
    } else if (kind === 'forget') forget++;
    else if (kind === 'create-forget') {
      add++;
      forget++;
    }
  }
  return { add, change, destroy, replace, forget };
}

export function sumCounts(counts: readonly SimplePlanCounts[]): SimplePlanCounts {
  return counts.reduce(
    (a, c) => ({ add: a.add + c.add, change: a.change + c.change, destroy: a.destroy + c.destroy, replace: a.replace + c.replace, forget: a.forget + c.forget }),
    { add: 0, change: 0, destroy: 0, replace: 0, forget: 0 },
  );
}

/** Whether applying the plan would do anything: add, change, destroy or forget. */
export function hasChanges(c: SimplePlanCounts): boolean {
  return c.add + c.change + c.destroy + c.forget > 0;
}

/** "+1 ~2 -0 (1 replaced, 1 forgotten)" */
export function formatCounts(c: SimplePlanCounts): string {
  const notes = [c.replace ? `${c.replace} replaced` : '', c.forget ? `${c.forget} forgotten` : ''].filter(Boolean);
  return `+${c.add} ~${c.change} -${c.destroy}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
