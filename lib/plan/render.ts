/**
 * The plan comment of a pull request, from Terraform JSON plans: the overview
 * (verdict, data loss across all stacks, one row per stack), the top sections
 * (what happens to the fleet, and whatever `TOP_SECTIONS` adds), then one section
 * per environment and stack (lib/plan/render-stack.ts) with the flags that changed
 * next to the plans they cause (lib/plan/render-flags.ts).
 *
 * It never exceeds GitHub's comment limit. Every optional piece of the comment has
 * a tier; pieces are kept from the most important tier down, in document order, as
 * many as fit (a binary search over that order), so details are cut from the least
 * important end: reads first, then drift details, then create details, then update
 * details, and so on; the destructive summary is never cut unless even it does not
 * fit, and then stateful entries of every stack come first and every stack keeps
 * some of its own. The comment says what was left out and where the full plans are.
 *
 * Plan text is made inert by lib/plan/markdown.ts, and values are masked by the
 * plan's sensitivity marks before anything else (lib/plan/render-attributes.ts).
 * Deterministic: sorted everywhere, no timestamps, no locale.
 */
import { renderCostSection } from '../cost/section';
import { compare, isDestructive, type StackPlan } from './plan-model';
import { code, inert, neutralizeMentions } from './markdown';
import { fleetEffects, renderFleetEffects } from './operational-effects';
import { renderFlags } from './render-flags';
import { overview, shortenedNote, speculativeNote, untrustedNote } from './render-overview';
import { destructiveKey, renderStack } from './render-stack';
import { sortStacks } from './render-summary';
import {
  COMMENT_MARKER,
  GITHUB_COMMENT_LIMIT,
  OMIT_KIND,
  type CommentSection,
  type Ctx,
  type OmitKind,
  type RenderOptions,
  type Tier,
} from './render-context';

export { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, STEP_SUMMARY_LIMIT, type CommentSection, type RenderOptions } from './render-context';
export { renderFailure, renderJson, summarize, type DestructiveChange, type PlanSummary } from './render-summary';

/**
 * Sections between the overview and the environments, in order. Each is always
 * shown and says nothing ('') when it has nothing to say; add one with one line.
 */
export const TOP_SECTIONS: readonly CommentSection[] = [{ id: 'fleet-effects', render: (stacks) => renderFleetEffects(fleetEffects(stacks)) }];

interface Piece {
  readonly id: string;
  readonly tier: Tier;
  readonly seq: number;
}

/** Decides, while composing, whether an optional piece is in. */
interface Budget {
  want(id: string, tier: Tier): boolean;
  /** Destructive entries listed (`stack\0key`); undefined: all. */
  readonly destructive?: ReadonlySet<string>;
}

/** The markdown body of the plan comment; never longer than `maxChars`. */
export function renderMarkdown(stacks: readonly StackPlan[], options: RenderOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const ordered = sortStacks(stacks);
  const cache = new Map<string, string>();

  // Pass 1: enumerate every optional piece in document order (without rendering attribute diffs).
  const pieces: Piece[] = [];
  compose(ordered, options, { want: (id, tier) => (pieces.push({ id, tier, seq: pieces.length }), true) }, cache, false, true);

  // Pass 2: keep the first k pieces by importance; the largest k that fits. A
  // galloping search from a few hundred pieces, so a plan of thousands of changes
  // never renders all of its attribute diffs only to cut them.
  const byImportance = [...pieces].sort((a, b) => a.tier - b.tier || a.seq - b.seq).map((p) => p.id);
  const renderWith = (k: number) => {
    if (k >= byImportance.length) return compose(ordered, options, { want: () => true }, cache);
    const kept = new Set(byImportance.slice(0, k));
    return compose(ordered, options, { want: (id) => kept.has(id) }, cache, true);
  };
  let best = renderWith(0);
  if (best.length > limit) return renderMandatoryOnly(ordered, options, limit, cache);
  let lo = 0; // fits
  let hi = byImportance.length; // upper bound of what may fit
  for (let k = Math.min(256, hi); ; k = Math.min(k * 2, hi)) {
    const text = renderWith(k);
    if (text.length <= limit) {
      lo = k;
      best = text;
      if (k === hi) return best;
    } else {
      hi = k - 1;
      break;
    }
  }
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const text = renderWith(mid);
    if (text.length <= limit) {
      lo = mid;
      best = text;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/**
 * The order in which destructive entries are kept when not all fit: every
 * stateful one (all stacks) first, then the others round-robin across stacks, so
 * every stack keeps room for its own before any stack gets more.
 */
export function destructivePriority(stacks: readonly StackPlan[]): string[] {
  const id = (s: StackPlan, key: string) => `${s.stack}\u0000${key}`;
  const out: string[] = [];
  for (const s of stacks) for (const c of s.changes) if (isDestructive(c.kind) && c.stateful) out.push(id(s, destructiveKey(c)));
  const queues = stacks.map((s) => s.changes.filter((c) => isDestructive(c.kind) && !c.stateful).map((c) => id(s, destructiveKey(c))));
  for (let i = 0; queues.some((q) => i < q.length); i++) for (const q of queues) if (i < q.length) out.push(q[i]);
  return out;
}

/** When even the always-shown part is too long (thousands of destroys): list as many destructive entries as fit, by priority. */
function renderMandatoryOnly(stacks: readonly StackPlan[], options: RenderOptions, limit: number, cache: Map<string, string>): string {
  const order = destructivePriority(stacks);
  const withK = (k: number) => compose(stacks, options, { want: () => false, destructive: new Set(order.slice(0, k)) }, cache, true);
  let lo = 0;
  let hi = order.length;
  let best = withK(0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const text = withK(mid);
    if (text.length <= limit) {
      lo = mid;
      best = text;
    } else hi = mid - 1;
  }
  // Last resort (thousands of stacks): a hard cut on a line boundary, said so.
  if (best.length > limit) {
    const tail = "\n\n… (cut at GitHub's comment limit; see the full plans)\n";
    best = best.slice(0, best.lastIndexOf('\n', limit - tail.length)) + tail;
  }
  return best;
}

function compose(stacks: readonly StackPlan[], options: RenderOptions, budget: Budget, cache: Map<string, string>, shortened = false, dryRun = false): string {
  const omitted = new Map<OmitKind, number>();
  const want = (id: string, tier: Tier, kind: OmitKind = OMIT_KIND[tier]) => {
    const ok = budget.want(id, tier);
    if (!ok) omitted.set(kind, (omitted.get(kind) ?? 0) + 1);
    return ok;
  };
  const shown = budget.destructive;
  const ctx: Ctx = { options, want, showDestructive: shown ? (stack, key) => shown.has(`${stack}\u0000${key}`) : () => true, destructiveCut: 0, memo: cache, dryRun };

  const body: string[] = [];
  const environments = [...new Set([...stacks.map((s) => s.environment), ...(options.flagChanges ?? []).map((f) => f.environment)])].sort(compare);
  for (const env of environments) body.push(renderEnvironment(env, stacks.filter((s) => s.environment === env), ctx));

  const speculative = options.speculative === true || stacks.some((s) => s.speculative);
  const head: string[] = [`## Terraform plan${speculative ? ' (speculative)' : ''}`, ''];
  if (options.commit) head.push(`Planned commit ${code(options.commit.slice(0, 12))}${options.detailsUrl ? ` in [this workflow run](${options.detailsUrl})` : ''}.`, '');
  if (options.untrustedCode) head.push(untrustedNote(), '');
  if (speculative) head.push(speculativeNote(), '');
  head.push(overview(stacks, ctx), '');
  for (const section of TOP_SECTIONS) {
    const text = section.render(stacks, ctx);
    if (text) head.push(text, '');
  }
  if (shortened && (omitted.size > 0 || ctx.destructiveCut > 0)) head.push(shortenedNote(omitted, ctx.destructiveCut, options), '');
  // The marker is ours and first; nothing after it can be a mention.
  return `${COMMENT_MARKER}\n${neutralizeMentions(`${[...head, ...body].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`)}`;
}

function renderEnvironment(env: string, stacks: readonly StackPlan[], ctx: Ctx): string {
  const out: string[] = [`### Environment \`${inert(env).replace(/`/g, "'")}\``, ''];
  const flags = (ctx.options.flagChanges ?? []).filter((f) => f.environment === env);
  if (flags.length > 0) out.push(renderFlags(flags, ctx), '');
  else if (ctx.options.flagChanges !== undefined) out.push('No flag changed in this environment.', '');
  out.push(renderCostSection(env, ctx.options.costs), '');
  for (const section of ctx.options.sections ?? []) out.push(section.render(env) ?? '', '');
  if (stacks.length === 0) out.push('_No stack of this environment was planned._', '');
  for (const s of stacks) out.push(renderStack(s, ctx), '');
  return out.join('\n');
}
