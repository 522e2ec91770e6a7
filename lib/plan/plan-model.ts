/**
 * A Terraform JSON plan (lib/plan/plan-json.ts reads and validates it) as the PR comment
 * shows it: per resource change, one kind (create, update, replace, ...) with its reason,
 * its moves and imports, and counts per stack.
 *
 * Only the JSON output is read, never the human text: its format is a documented
 * contract, the text is not.
 * @see https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */
import path from 'node:path';
import type { TerraformChange, TerraformOutputChange, TerraformPlan, TerraformResourceChange } from './plan-json';

// ---------------------------------------------------------------------------
// What we show
// ---------------------------------------------------------------------------

/**
 * What happens to one resource instance. A replacement is its own kind, never an
 * add plus a destroy: hiding replacements inside those counts is the complaint
 * reviewers of plan comments make most.
 */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'forget' | 'create-forget' | 'read' | 'no-op';

/** The order of a replacement: `["delete","create"]` (the default) or `["create","delete"]` (create_before_destroy). */
export type ReplaceOrder = 'delete-then-create' | 'create-then-delete';

export interface ResourceChangeView {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  readonly replaceOrder?: ReplaceOrder;
  /** Set when the instance moved (a `moved` block or a renamed module). */
  readonly previousAddress?: string;
  /** Set when the instance is imported; the import ID (or "" when imported by identity). */
  readonly importId?: string;
  /** Terraform's `action_reason`, e.g. "replace_because_tainted". */
  readonly actionReason?: string;
  /** Attribute paths that forced the replacement. */
  readonly replacePaths: readonly (readonly (string | number)[])[];
  /** Set for a deposed object (a leftover of a failed create_before_destroy). */
  readonly deposed?: string;
  /** A data-holding resource (see STATEFUL_RESOURCE_TYPES). */
  readonly stateful: boolean;
  /**
   * Its `prevent_destroy` blocks this change: a speculative plan lifted it to show
   * what the change does, and an apply will fail.
   */
  readonly preventDestroy: boolean;
  readonly change: TerraformChange;
}

export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
  replace: number;
  move: number;
  import: number;
  forget: number;
  /** Root-module outputs that change (an output-only change is a change). */
  output: number;
  read: number;
  noOp: number;
  drift: number;
}

export interface StackPlan {
  /** Stack name, e.g. "sandbox-data". */
  readonly stack: string;
  /** Environment: the stack name before "-data" / "-fleet". */
  readonly environment: string;
  /** Where the plan was read from, when from a file. */
  readonly source?: string;
  readonly terraformVersion?: string;
  readonly changes: readonly ResourceChangeView[];
  readonly drift: readonly ResourceChangeView[];
  readonly outputs: readonly { readonly name: string; readonly change: TerraformOutputChange }[];
  readonly counts: PlanCounts;
  /** The plan errored and cannot be applied. */
  readonly errored: boolean;
  /** `"complete": false`: a targeted (`-target`) or deferred plan; applying it leaves other changes for later. */
  readonly partial: boolean;
  /** Made without credentials against a baseline (marked by lib/plan/speculative.ts). */
  readonly speculative: boolean;
  /**
   * Every string value the plan marks sensitive, at any length. Values are masked by
   * the plan's own marks first; as defence in depth, an attribute value equal to one
   * of these (or containing one of 6+ characters) is masked too, because a provider
   * can copy a sensitive value into an attribute Terraform does not mark (e.g. a
   * sensitive tag into `tags_all`). Only values: never addresses, types or our text.
   */
  readonly secrets: readonly string[];
}

/**
 * Resource types whose destruction loses data that no apply can bring back: the
 * lock table and the buckets of our data stack, and the usual AWS data stores.
 * Their sub-resources (bucket policy, lifecycle, encryption...) are configuration:
 * replacing one is a short gap, not data loss, and gets the ordinary warning.
 * Anything with `prevent_destroy` never shows as destroyed here: Terraform refuses
 * to plan that, so removing `prevent_destroy` is the step that makes these visible.
 */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'aws_dynamodb_table',
  'aws_dynamodb_global_table',
  'aws_s3_bucket',
  'aws_s3_directory_bucket',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_efs_file_system',
  'aws_ebs_volume',
  'aws_elasticache_replication_group',
  'aws_opensearch_domain',
  'aws_kinesis_stream',
  'aws_sqs_queue',
  'aws_secretsmanager_secret',
  'aws_kms_key',
]);

export function isStatefulType(type: string): boolean {
  return STATEFUL_RESOURCE_TYPES.has(type);
}

/** The environment of a stack: its name before "-data" or "-fleet" (or the whole name). */
export function environmentOfStack(stack: string): string {
  const m = /^(.+)-(data|fleet|access)$/.exec(stack);
  return m ? m[1] : stack;
}

/** The stack a plan file is for: `<stack>.plan.json` (or `.json`, optionally gzipped). */
export function stackOfPlanFile(file: string): string {
  return path.basename(file).replace(/\.gz$/, '').replace(/\.json$/, '').replace(/\.plan$/, '');
}

/** The kind of an `actions` list. */
export function kindOf(actions: readonly string[]): { kind: ChangeKind; replaceOrder?: ReplaceOrder } {
  const a = actions.join(',');
  switch (a) {
    case 'create':
      return { kind: 'create' };
    case 'update':
      return { kind: 'update' };
    case 'delete':
      return { kind: 'delete' };
    case 'delete,create':
      return { kind: 'replace', replaceOrder: 'delete-then-create' };
    case 'create,delete':
      return { kind: 'replace', replaceOrder: 'create-then-delete' };
    case 'read':
      return { kind: 'read' };
    case 'no-op':
      return { kind: 'no-op' };
    case 'forget':
      return { kind: 'forget' };
    case 'create,forget':
      // A new object is created; the old one is left in the cloud, no longer managed (not destroyed).
      return { kind: 'create-forget' };
    default:
      // Future combinations (e.g. create then forget): treat any pair with a create
      // as a replacement so it is shown loudly rather than hidden.
      if (actions.includes('create') && actions.length > 1) return { kind: 'replace', replaceOrder: 'create-then-delete' };
      if (actions.includes('delete')) return { kind: 'delete' };
      return { kind: 'update' };
  }
}

/** Destructive kinds: they remove an existing object. */
export function isDestructive(kind: ChangeKind): boolean {
  return kind === 'delete' || kind === 'replace';
}

/** Builds the view of one stack's plan. */
export function stackPlan(plan: TerraformPlan, stack: string, options: { environment?: string; source?: string } = {}): StackPlan {
  const blocked = new Set(plan.fleetflags?.preventDestroy ?? []);
  const changes = (plan.resource_changes ?? []).map((rc) => viewOf(rc, blocked));
  const seen = new Set(changes.map((c) => c.address));
  const drift: ResourceChangeView[] = [];
  for (const view of (plan.resource_drift ?? []).map((rc) => viewOf(rc, new Set()))) {
    // A refresh-only plan reports a `moved` block in resource_drift: it is a move, not a change outside Terraform.
    if (view.previousAddress !== undefined && view.kind === 'no-op') {
      if (!seen.has(view.address)) changes.push(view);
    } else drift.push(view);
  }
  changes.sort(byAddress);
  drift.sort(byAddress);
  const outputs = Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => isOutputChange(c.actions))
    .map(([name, change]) => ({ name, change }))
    .sort((a, b) => compare(a.name, b.name));
  const counts = countChanges(changes);
  counts.drift = drift.length;
  counts.output = outputs.length;
  return {
    stack,
    environment: options.environment ?? environmentOfStack(stack),
    source: options.source,
    terraformVersion: plan.terraform_version,
    changes,
    drift,
    outputs,
    counts,
    errored: plan.errored === true,
    partial: plan.complete === false,
    speculative: plan.fleetflags?.speculative === true,
    secrets: collectSecrets(plan),
  };
}

/** Values under a `true` sensitivity mark, anywhere in the plan's changes and outputs. */
export function collectSecrets(plan: TerraformPlan): string[] {
  const out = new Set<string>();
  const walk = (value: unknown, mark: unknown) => {
    if (value === null || value === undefined || mark === undefined || mark === false) return;
    if (mark === true) {
      const leaves: unknown[] = [];
      const flatten = (v: unknown) => (v !== null && typeof v === 'object' ? Object.values(v).forEach(flatten) : leaves.push(v));
      flatten(value);
      for (const leaf of leaves) if ((typeof leaf === 'string' && leaf !== '') || (typeof leaf === 'number' && String(leaf).length >= 4)) out.add(String(leaf));
      return;
    }
    if (typeof value === 'object' && typeof mark === 'object' && mark !== null) {
      for (const [k, m] of Object.entries(mark)) walk((value as Record<string, unknown>)[k], m);
    }
  };
  const changes = [...(plan.resource_changes ?? []), ...(plan.resource_drift ?? [])].map((r) => r.change);
  for (const c of [...changes, ...Object.values(plan.output_changes ?? {})]) {
    walk(c.before, c.before_sensitive);
    walk(c.after, c.after_sensitive);
  }
  return [...out].sort(compare);
}

export function emptyCounts(): PlanCounts {
  return { add: 0, change: 0, destroy: 0, replace: 0, move: 0, import: 0, forget: 0, output: 0, read: 0, noOp: 0, drift: 0 };
}

/** Counts per kind. A moved or imported instance also counts under its action. */
export function countChanges(changes: readonly ResourceChangeView[]): PlanCounts {
  const c = emptyCounts();
  for (const r of changes) {
    if (r.kind === 'create') c.add++;
    else if (r.kind === 'update') c.change++;
    else if (r.kind === 'delete') c.destroy++;
    else if (r.kind === 'replace') c.replace++;
    else if (r.kind === 'forget') c.forget++;
    else if (r.kind === 'create-forget') {
      c.add++;
      c.forget++;
    }
    else if (r.kind === 'read') c.read++;
    else c.noOp++;
    if (r.previousAddress !== undefined) c.move++;
    if (r.importId !== undefined) c.import++;
  }
  return c;
}

export function addCounts(a: PlanCounts, b: PlanCounts): PlanCounts {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof PlanCounts)[]) out[k] = a[k] + b[k];
  return out;
}

/** Whether a stack plan changes anything (drift alone is not a change; an output change is). */
export function hasChanges(c: PlanCounts): boolean {
  return c.add + c.change + c.destroy + c.replace + c.move + c.import + c.forget + c.output > 0;
}

/**
 * The address an instance moves from (a `moved` block), when it moves. The one rule of the PR comment,
 * the deploy's counts (lib/deploy/plan-counts.ts), `npm run plan`'s line and the drift report.
 */
export function movedFrom(rc: { readonly address?: string; readonly previous_address?: string }): string | undefined {
  return rc.previous_address !== undefined && rc.previous_address !== rc.address ? rc.previous_address : undefined;
}

/** Whether an `import` block brings the instance under management. */
export function isImported(rc: { readonly change: { readonly importing?: unknown } }): boolean {
  return rc.change.importing !== undefined && rc.change.importing !== null;
}

/** Whether a root output's planned actions change it (anything but a no-op). */
export function isOutputChange(actions: readonly string[]): boolean {
  return actions.some((a) => a !== 'no-op');
}

function viewOf(rc: TerraformResourceChange, preventDestroy: ReadonlySet<string>): ResourceChangeView {
  const { kind, replaceOrder } = kindOf(rc.change.actions);
  return {
    address: rc.address,
    type: rc.type,
    kind,
    actions: rc.change.actions,
    replaceOrder,
    previousAddress: movedFrom(rc),
    importId: isImported(rc) ? (rc.change.importing?.id ?? '') : undefined,
    actionReason: rc.action_reason,
    replacePaths: rc.change.replace_paths ?? [],
    deposed: rc.deposed,
    stateful: (rc.mode ?? 'managed') === 'managed' && isStatefulType(rc.type),
    preventDestroy: preventDestroy.has(rc.address) && (kind === 'delete' || kind === 'replace'),
    change: rc.change,
  };
}

/** Code-unit order: the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byAddress(a: ResourceChangeView, b: ResourceChangeView): number {
  return compare(a.address, b.address) || compare(a.deposed ?? '', b.deposed ?? '');
}
