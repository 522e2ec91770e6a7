/**
 * What the pieces of the plan comment share: its options, the limit, the tiers by
 * which optional pieces are cut, and the context each section renders with.
 */
import type { StackCost } from '../cost/estimate';
import type { PlanCommentSection } from './comment-section';
import type { FlagChange } from './flags-diff';
import type { StackPlan } from './plan-model';

/** Hidden marker at the top of the comment; the sticky comment is found by it. */
export const COMMENT_MARKER = '<!-- fleetflags:plan -->';

/** GitHub rejects issue and PR comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * A step summary may be 1 MiB; in characters, with room for multi-byte ones. The
 * step summary carries the (nearly) full plan that the comment had to shorten.
 */
export const STEP_SUMMARY_LIMIT = 900_000;

export interface RenderOptions {
  /** The plans are speculative (no credentials, baseline from the base branch). @default false */
  readonly speculative?: boolean;
  /** Flags that changed between base and head; `undefined` when not compared. */
  readonly flagChanges?: readonly FlagChange[];
  /** Where the full plans are (the workflow run). @default - the run's artifacts are named without a link */
  readonly detailsUrl?: string;
  /** Longest body, in UTF-16 code units (at least GitHub's count of characters). @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
  /** Attribute lines shown per resource. @default 40 */
  readonly maxAttributeLines?: number;
  /** Open the "to change" block of a stack when it has at most this many updates. @default 10 */
  readonly openUpdatesUpTo?: number;
  /** Stacks left out because their configuration did not change (`npm run plan -- --changed-since`). @default none */
  readonly notPlanned?: readonly string[];
  /** The ref `notPlanned` was compared with. */
  readonly baseRef?: string;
  /** The commit planned (the PR head), so reviewers see which push the comment is for. @default not shown */
  readonly commit?: string;
  /**
   * The plans were computed by code from the pull request (a fork's), not by the
   * default branch: the comment says it cannot vouch for them. @default false
   */
  readonly untrustedCode?: boolean;
  /** Extra per-environment sections (lib/plan/comment-section.ts; e.g. render-change-size.ts), shown after the flags table and in JSON under `sections`. @default none */
  readonly sections?: readonly PlanCommentSection[];
  /** Estimated monthly cost per fleet stack, before and after (lib/cost/estimate.ts). @default no cost section */
  readonly costs?: readonly StackCost[];
}

/**
 * Tiers of optional pieces, most important first. The destructive summary, the
 * summary table, the fleet effects and every stack's summary line are not pieces:
 * they are always shown.
 */
export enum Tier {
  Flags = 1,
  DestructiveDetails = 2,
  MovesImports = 3,
  ChangeLists = 4,
  DriftList = 5,
  // What changes in running infrastructure matters more to a reviewer than the
  // attribute list of something new, so update diffs outlive create details.
  UpdateDetails = 6,
  CreateDetails = 7,
  DriftDetails = 8,
  Reads = 9,
}

export type OmitKind = string;

/** How the comment names what it left out, per tier. */
export const OMIT_KIND: Record<Tier, OmitKind> = {
  [Tier.Flags]: 'flag rows',
  [Tier.DestructiveDetails]: 'replacement attribute diffs',
  [Tier.MovesImports]: 'move/import entries',
  [Tier.ChangeLists]: 'resource list entries',
  [Tier.DriftList]: 'drift entries',
  [Tier.CreateDetails]: 'create attribute lists',
  [Tier.UpdateDetails]: 'update attribute diffs',
  [Tier.DriftDetails]: 'drift attribute diffs',
  [Tier.Reads]: 'data-source reads',
};

/** What a section renders with. */
export interface Ctx {
  readonly options: RenderOptions;
  /** Whether an optional piece is in (counts what was left out). */
  readonly want: (id: string, tier: Tier, kind?: OmitKind) => boolean;
  /** Whether a destructive entry (by `destructiveKey`) is listed; all are, unless even the mandatory part is too long. */
  readonly showDestructive: (stack: string, key: string) => boolean;
  destructiveCut: number;
  /**
   * Text already rendered in this render (a resource's diff block, its destructive
   * entry): the budget search composes the comment a dozen times, the pieces stay the same.
   */
  readonly memo: Map<string, string>;
  /** Only enumerating the pieces: expensive details (attribute diffs) may render as ''. */
  readonly dryRun?: boolean;
}

/** `make()` once per key and render. */
export function memo(ctx: Ctx, key: string, make: () => string): string {
  let v = ctx.memo.get(key);
  if (v === undefined) ctx.memo.set(key, (v = make()));
  return v;
}

/**
 * A top-level section of the comment, between the overview and the environments:
 * one line in `TOP_SECTIONS` (lib/plan/render.ts) adds one. It returns '' when it
 * has nothing to say; its text is always shown (keep it short).
 */
export interface CommentSection {
  readonly id: string;
  render(stacks: readonly StackPlan[], ctx: Ctx): string;
}
