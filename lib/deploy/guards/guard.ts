/**
 * A deploy guard: one small rule that runs before any apply and says whether the
 * deploy may go ahead. Guards are like the flags safety rules (`lib/flags/rules/`),
 * but they may look at the outside world (LaunchDarkly, the artifacts bucket, git),
 * so they are async and their services are injected when the guard is made.
 */
import type { Flags } from '../../flags/schema';

/**
 * - `pass`: the guard has nothing against the deploy;
 * - `warn`: the deploy goes ahead, and the message is shown and recorded;
 * - `block`: the deploy is refused (exit code GuardRefused); nothing is applied.
 */
export type GuardOutcome = 'pass' | 'warn' | 'block';

export interface GuardResult {
  /** The guard's `id`. */
  readonly guard: string;
  readonly outcome: GuardOutcome;
  /** One or more lines for people: what was checked, what was found, how to fix it. */
  readonly message: string;
  /** Facts for the deploy record (e.g. which unreachable-policy applied). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A Terraform JSON plan (`terraform show -json <planfile>`), the parts guards read. */
export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  /** Root-module outputs; values may be secrets (a guard names an output, never its value). */
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name?: string;
  readonly mode?: string;
  readonly previous_address?: string;
  readonly action_reason?: string;
  readonly change: { readonly actions: readonly string[] };
}

/** The plan of one stack of the environment. */
export interface StackPlan {
  /** Stack name, e.g. "production-data". */
  readonly stack: string;
  readonly plan: PlanJson;
}

/** The commits a deploy takes the environment through: `base..head`. */
export interface CommitRange {
  /** The commit the environment runs now (its last successful deploy); none on a first deploy. */
  readonly base?: string;
  /** The commit being deployed. */
  readonly head: string;
}

/** What a guard sees of the deploy. */
export interface GuardContext {
  /** The environment, e.g. "production". */
  readonly environment: string;
  /** Its flags file as given, e.g. "flags/production.json" (for messages). */
  readonly flagsFile: string;
  /** Its validated flags. */
  readonly flags: Flags;
  /** The plans that will be applied, one per stack. */
  readonly plans: readonly StackPlan[];
  /** The commits being deployed. */
  readonly commits?: CommitRange;
  /** The git work tree the commits live in. @default process.cwd() */
  readonly repoDir?: string;
  /** The time to compare expiries with. */
  readonly now: Date;
  /** The run says it is a rollback (may go back in history, may pass a freeze with break glass). @default false */
  readonly rollback?: boolean;
  /** An audited break-glass override (lib/deploy/break-glass.ts). @default none */
  readonly breakGlass?: BreakGlass;
}

/** An emergency override: who asked, why, and where it was given. */
export interface BreakGlass {
  readonly reason: string;
  /** "workflow input" or "commit trailer". */
  readonly source: string;
  readonly actor?: string;
}

export interface Guard {
  /** Named for what it asserts, e.g. "DeployNotFrozen". */
  readonly id: string;
  readonly description: string;
  run(context: GuardContext): Promise<GuardResult>;
}

export const pass = (guard: string, message: string, details?: Record<string, unknown>): GuardResult => ({
  guard,
  outcome: 'pass',
  message,
  ...(details ? { details } : {}),
});
export const warn = (guard: string, message: string, details?: Record<string, unknown>): GuardResult => ({
  guard,
  outcome: 'warn',
  message,
  ...(details ? { details } : {}),
});
export const block = (guard: string, message: string, details?: Record<string, unknown>): GuardResult => ({
  guard,
  outcome: 'block',
  message,
  ...(details ? { details } : {}),
});
