/**
 * What a deploy counts of a stack's JSON plan: resources added, changed, destroyed,
 * replaced (a replacement also counts in added and destroyed, as Terraform counts it),
 * forgotten (a `removed` block with `destroy = false`: Terraform stops managing the object
 * and leaves it in the cloud; a create-then-forget replacement counts in added and
 * forgotten), moved (a `moved` block: the state's address changes, the object does not),
 * imported (an `import` block), and the root module's outputs that change. The deploy
 * record keeps these per stack and in all; the deploy and rollback logs print them; a
 * stack with any of them is applied, and its health checked when it changes something in
 * AWS (added, changed or destroyed). That is Terraform's rule for a plan with changes (its
 * `applyable`, and exit code 2 of `plan -detailed-exitcode`; a refresh that found drift is
 * not a change by itself), but for data sources read during the apply, which change
 * nothing and which the stacks do not have.
 */
import { isImported, isOutputChange, kindOf, movedFrom } from '../plan/plan-model';

export interface SimplePlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replacements, also counted in add and destroy as Terraform does. */
  readonly replace: number;
  /** Objects Terraform stops managing (left in the cloud, not destroyed). */
  readonly forget: number;
  /** Instances whose state address changes (a `moved` block), also counted under their action. */
  readonly move: number;
  /** Instances brought under management (an `import` block), also counted under their action. */
  readonly import: number;
  /** Root-module outputs created, changed or removed. */
  readonly output: number;
}

/** What planCounts reads of a JSON plan (`terraform show -json`). */
export interface CountablePlan {
  readonly resource_changes?: readonly {
    readonly address?: string;
    readonly previous_address?: string;
    readonly change: { readonly actions: readonly string[]; readonly importing?: unknown };
  }[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

const ZERO: SimplePlanCounts = { add: 0, change: 0, destroy: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0 };

/** Counts of a JSON plan's changes; a replacement counts in add, destroy and replace; a create-then-forget in add and forget. */
export function planCounts(plan: CountablePlan): SimplePlanCounts {
  const c = { ...ZERO };
  for (const rc of plan.resource_changes ?? []) {
    const { kind } = kindOf(rc.change.actions);
    if (kind === 'create') c.add++;
    else if (kind === 'update') c.change++;
    else if (kind === 'delete') c.destroy++;
    else if (kind === 'replace') {
      c.add++;
      c.destroy++;
      c.replace++;
    } else if (kind === 'forget') c.forget++;
    else if (kind === 'create-forget') {
      c.add++;
      c.forget++;
    }
    if (movedFrom(rc) !== undefined) c.move++;
    if (isImported(rc)) c.import++;
  }
  for (const out of Object.values(plan.output_changes ?? {})) if (isOutputChange(out.actions)) c.output++;
  return c;
}

export function sumCounts(counts: readonly SimplePlanCounts[]): SimplePlanCounts {
  return counts.reduce((a, c) => {
    const sum = { ...a };
    for (const k of Object.keys(ZERO) as (keyof SimplePlanCounts)[]) sum[k] = a[k] + c[k];
    return sum;
  }, ZERO);
}

/** Whether applying the plan would do anything: add, change, destroy, forget, move, import or change an output. */
export function hasChanges(c: SimplePlanCounts): boolean {
  return c.add + c.change + c.destroy + c.forget + c.move + c.import + c.output > 0;
}

/** Whether applying the plan changes anything in AWS (adds, changes or destroys; a move, an import, a forget or an output changes only the state). */
export function changesAws(c: SimplePlanCounts): boolean {
  return c.add + c.change + c.destroy > 0;
}

/**
 * The counts a record carries: add, change and destroy are in every one; a record of an earlier
 * version lacks the later counts (replace, forget, move, import, output), which read as 0.
 */
export type RecordedPlanCounts = Pick<SimplePlanCounts, 'add' | 'change' | 'destroy'> & Partial<SimplePlanCounts>;

/**
 * "+1 ~2 -0 (1 replaced, 1 forgotten, 1 moved, 1 imported, 2 outputs changed)": the notes only
 * when there are some. The counts a deploy record of an older version has not are 0.
 */
export function formatCounts(c: RecordedPlanCounts): string {
  const notes = [
    c.replace ? `${c.replace} replaced` : '',
    c.forget ? `${c.forget} forgotten` : '',
    c.move ? `${c.move} moved` : '',
    c.import ? `${c.import} imported` : '',
    c.output ? `${c.output} ${c.output === 1 ? 'output' : 'outputs'} changed` : '',
  ].filter(Boolean);
  return `+${c.add} ~${c.change} -${c.destroy}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
