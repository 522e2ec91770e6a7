/**
 * Change-size rules: how big one deploy may be. Like the flags safety rules
 * (lib/flags/rules/) and cdk-nag's rules, each is a pure function in its own file,
 * named for what it asserts, returning compliant, non-compliant or not applicable;
 * the pack (index.ts) is the table of them. They read the flags diff (base → head
 * flags of one environment) and the Terraform plans of the environment's stacks.
 *
 * The change-size deploy guard refuses a non-compliant deploy unless a commit being
 * deployed carries `Allow-Change-Size: <rule id>`; the PR comment shows each verdict.
 */
import type { ChangeLimits, Flags } from '../flags/schema';

/** The commit trailer that lets one rule's non-compliant verdict through. */
export const CHANGE_SIZE_OVERRIDE_TRAILER = 'Allow-Change-Size';

/** A resource change of `terraform show -json`, the parts the rules read. */
export interface PlanResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
  };
}

export interface ChangeSizePlan {
  /** Stack name, e.g. "production-fleet". */
  readonly stack: string;
  readonly plan: { readonly resource_changes?: readonly PlanResourceChange[] };
}

/** What every rule sees: one environment's flags before and after, and its plans. */
export interface ChangeSizeInput {
  readonly environment: string;
  /** e.g. "flags/production.json", for messages. */
  readonly flagsFile: string;
  /** The flags deployed now (the base); undefined on a first deploy or when unreadable. */
  readonly before?: Flags;
  readonly after: Flags;
  readonly plans: readonly ChangeSizePlan[];
  /** The limits: the head's `changeLimits` (the change being reviewed sets its own limits, and is reviewed for it). */
  readonly limits: ChangeLimits;
}

export type ChangeSizeStatus = 'compliant' | 'non-compliant' | 'not-applicable';

export interface ChangeSizeVerdict {
  /** The rule's id, e.g. "CapacityMoveWithinLimit"; the value of its override trailer. */
  readonly rule: string;
  readonly status: ChangeSizeStatus;
  /** One line for the PR comment and the deploy log. */
  readonly summary: string;
  /** One line per violation: file or stack, JSON path or address, value, what is allowed, how to fix it. */
  readonly findings: readonly string[];
}

export interface ChangeSizeRule {
  readonly id: string;
  readonly description: string;
  /** The `changeLimits` fields the rule reads. */
  readonly limits: readonly (keyof ChangeLimits)[];
  check(input: ChangeSizeInput): ChangeSizeVerdict;
}

export const compliant = (rule: string, summary: string): ChangeSizeVerdict => ({ rule, status: 'compliant', summary, findings: [] });
export const notApplicable = (rule: string, summary: string): ChangeSizeVerdict => ({ rule, status: 'not-applicable', summary, findings: [] });
export const nonCompliant = (rule: string, summary: string, findings: readonly string[]): ChangeSizeVerdict => ({
  rule,
  status: 'non-compliant',
  summary,
  findings,
});

/** The Auto Scaling group changes of every plan (managed resources only). */
export function autoScalingGroupChanges(plans: readonly ChangeSizePlan[]): (PlanResourceChange & { readonly stack: string })[] {
  return plans.flatMap(({ stack, plan }) =>
    (plan.resource_changes ?? []).filter((rc) => rc.type === 'aws_autoscaling_group' && rc.mode !== 'data').map((rc) => ({ ...rc, stack })),
  );
}
