/**
 * The plan comment of a pull request, from Terraform JSON plans: one section per
 * environment and stack, destructive changes first and loud, then moves, imports,
 * updates (attribute by attribute), creates, outputs, drift and reads; the flags
 * that changed next to the plans they cause.
 *
 * It never exceeds GitHub's comment limit. Every optional piece of the comment has
 * a tier; pieces are kept from the most important tier down, in document order, as
 * many as fit (a binary search over that order), so details are cut from the least
 * important end: reads first, then drift details, then create details, then update details,
 * and so on; the destructive summary is never cut. The comment says what was left
 * out and where the full plans are.
 *
 * Deterministic: sorted everywhere, no timestamps, no locale.
 */
import type { StackCost } from '../cost/estimate';
import { renderCostSection } from '../cost/section';
import type { FlagChange } from './flags-diff';
import {
  addCounts,
  compare,
  emptyCounts,
  hasChanges,
  isDestructive,
  type PlanCounts,
  type ResourceChangeView,
  type StackPlan,
} from './plan-model';
import { attributeLines, formatPath, KNOWN_AFTER_APPLY, SENSITIVE, showPlain, type AttributeLine } from './render-attributes';

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
  /** Estimated monthly cost per fleet stack, before and after (lib/cost/estimate.ts). @default no cost section */
  readonly costs?: readonly StackCost[];
}

/**
 * Tiers of optional pieces, most important first. The destructive summary, the
 * summary table and every stack's summary line are not pieces: they are always shown.
 */
enum Tier {
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

type OmitKind = string;

/** How the comment names what it left out, per tier. */
const OMIT_KIND: Record<Tier, OmitKind> = {
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

interface Piece {
  readonly id: string;
  readonly tier: Tier;
  readonly seq: number;
}

/** Decides, while composing, whether an optional piece is in. */
interface Budget {
  want(id: string, tier: Tier, kind?: OmitKind): boolean;
  /** How many destructive entries to list (only below "all" when even the mandatory part is too long). */
  readonly destructiveCap: number;
}

/** The markdown body of the plan comment; never longer than `maxChars`. */
export function renderMarkdown(stacks: readonly StackPlan[], options: RenderOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const ordered = sortStacks(stacks);

  // Pass 1: enumerate every optional piece in document order.
  const pieces: Piece[] = [];
  const full = compose(ordered, options, {
    want: (id, tier) => {
      pieces.push({ id, tier, seq: pieces.length });
      return true;
    },
    destructiveCap: Infinity,
  });
  if (full.length <= limit) return full;

  // Pass 2: keep the first k pieces by importance; the largest k that fits.
  const byImportance = [...pieces].sort((a, b) => a.tier - b.tier || a.seq - b.seq).map((p) => p.id);
  const renderWith = (k: number) => {
    const kept = new Set(byImportance.slice(0, k));
    return compose(ordered, options, { want: (id) => kept.has(id), destructiveCap: Infinity }, true);
  };
  let lo = 0;
  let hi = byImportance.length - 1;
  let best = renderWith(0);
  if (best.length > limit) return renderMandatoryOnly(ordered, options, limit);
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

/** When even the always-shown part is too long (thousands of destroys): list as many destructive entries as fit. */
function renderMandatoryOnly(stacks: readonly StackPlan[], options: RenderOptions, limit: number): string {
  const none = { want: () => false };
  let lo = 0;
  let hi = stacks.reduce((n, s) => n + s.changes.filter((c) => isDestructive(c.kind)).length, 0);
  let best = compose(stacks, options, { ...none, destructiveCap: 0 }, true);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const text = compose(stacks, options, { ...none, destructiveCap: mid }, true);
    if (text.length <= limit) {
      lo = mid;
      best = text;
    } else hi = mid - 1;
  }
  // Last resort (thousands of stacks): a hard cut on a line boundary, said so.
  if (best.length > limit) {
    const tail = '\n\n… (cut at GitHub\'s comment limit; see the full plans)\n';
    best = best.slice(0, best.lastIndexOf('\n', limit - tail.length)) + tail;
  }
  return best;
}

// ---------------------------------------------------------------------------
// Composition
// ---------------------------------------------------------------------------

function compose(stacks: readonly StackPlan[], options: RenderOptions, budget: Budget, shortened = false): string {
  const omitted = new Map<OmitKind, number>();
  const want = (id: string, tier: Tier, kind: OmitKind = OMIT_KIND[tier]) => {
    const ok = budget.want(id, tier);
    if (!ok) omitted.set(kind, (omitted.get(kind) ?? 0) + 1);
    return ok;
  };
  const ctx: Ctx = { options, want, destructiveLeft: budget.destructiveCap, destructiveCut: 0 };

  const body: string[] = [];
  const environments = [...new Set([...stacks.map((s) => s.environment), ...(options.flagChanges ?? []).map((f) => f.environment)])].sort(compare);
  for (const env of environments) {
    body.push(renderEnvironment(env, stacks.filter((s) => s.environment === env), ctx));
  }

  const speculative = options.speculative === true || stacks.some((s) => s.speculative);
  const head: string[] = [COMMENT_MARKER, `## Terraform plan${speculative ? ' (speculative)' : ''}`, ''];
  if (options.commit) head.push(`Planned commit \`${options.commit.slice(0, 12)}\`${options.detailsUrl ? ` in [this workflow run](${options.detailsUrl})` : ''}.`, '');
  if (speculative) head.push(speculativeNote(), '');
  head.push(overview(stacks, options), '');
  if (shortened && (omitted.size > 0 || ctx.destructiveCut > 0)) head.push(shortenedNote(omitted, ctx.destructiveCut, options), '');
  // The marker stays intact whatever the secrets are: the sticky comment is found by it.
  return `${COMMENT_MARKER}\n${redact(`${[...head.slice(1), ...body].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`, stacks)}`;
}

/** Masks every sensitive value wherever it appears, also in attributes Terraform left unmarked. */
function redact(text: string, stacks: readonly StackPlan[]): string {
  const secrets = [...new Set(stacks.flatMap((s) => s.secrets))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(SENSITIVE);
  }
  return out;
}

interface Ctx {
  readonly options: RenderOptions;
  readonly want: (id: string, tier: Tier, kind?: OmitKind) => boolean;
  destructiveLeft: number;
  destructiveCut: number;
}

function speculativeNote(): string {
  return [
    '> [!NOTE]',
    '> **Speculative plan**: planned without cloud credentials, against a state built from the base branch\'s',
    '> configuration as if it had been applied (`-refresh=false`). The real AWS provider decides what is an update',
    '> and what is a replacement; changes made outside Terraform and values only AWS knows are not seen:',
    '> IDs and ARNs of existing resources in it are placeholders (account `123456789012`, `sg-…`, `lt-…`), not real values.',
    '> The plan that deploys runs against the real state after merge.',
  ].join('\n');
}

function shortenedNote(omitted: ReadonlyMap<OmitKind, number>, destructiveCut: number, options: RenderOptions): string {
  const parts = [...omitted.entries()].sort((a, b) => compare(a[0], b[0])).map(([k, n]) => `${n} ${k}`);
  if (destructiveCut > 0) parts.unshift(`${destructiveCut} destructive entries`);
  const where = options.detailsUrl
    ? `the [workflow run](${options.detailsUrl}): its \`plan\` artifact and its step summary`
    : 'the workflow run: its `plan` artifact and its step summary';
  return [
    '> [!IMPORTANT]',
    `> ✂️ **Shortened** to fit ${limitName(options)}; left out: ${parts.join(', ')}.`,
    `> ${destructiveCut > 0 ? '' : 'Every destructive change is still listed. '}The full plans are in ${where}.`,
  ].join('\n');
}

function limitName(options: RenderOptions): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  if (limit === GITHUB_COMMENT_LIMIT) return `GitHub's ${limit.toLocaleString('en-US')}-character comment limit`;
  if (limit === STEP_SUMMARY_LIMIT) return "GitHub's 1 MiB step-summary limit";
  return `the ${limit.toLocaleString('en-US')}-character limit`;
}

function overview(stacks: readonly StackPlan[], options: RenderOptions): string {
  if (stacks.length === 0) {
    return [
      '✅ **No stack was planned**: no configuration changed.',
      ...((options.notPlanned ?? []).length ? ['', `Unchanged since ${options.baseRef ? `\`${options.baseRef}\`` : 'the base'}: ${[...options.notPlanned!].sort(compare).map((n) => `\`${n}\``).join(', ')}.`] : []),
    ].join('\n');
  }
  const total = stacks.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts());
  const changed = stacks.filter((s) => hasChanges(s.counts)).length;
  const stateful = stacks.reduce((n, s) => n + s.changes.filter((c) => isDestructive(c.kind) && c.stateful).length, 0);
  const destructive = total.destroy + total.replace;
  const lines: string[] = [];
  let verdict = `**${stacks.length} stack${plural(stacks.length)}, ${changed} with changes.**`;
  if (stateful > 0) verdict += ` 🛑 **${stateful} stateful resource${plural(stateful)} destroyed or replaced.**`;
  else if (destructive > 0) verdict += ` ⚠️ **${destructive} destructive change${plural(destructive)}.**`;
  if ((options.flagChanges ?? []).length > 0) verdict += ` ${options.flagChanges!.length} flag value${plural(options.flagChanges!.length)} changed.`;
  lines.push(verdict, '');
  if ((options.notPlanned ?? []).length > 0) {
    const names = [...options.notPlanned!].sort(compare).map((n) => `\`${n}\``);
    lines.push(`Not planned, because their configuration is the same as at ${options.baseRef ? `\`${options.baseRef}\`` : 'the base'}: ${names.join(', ')}.`, '');
  }
  lines.push('| environment | stack | add | change | destroy | replace | move | import |', '| --- | --- | --: | --: | --: | --: | --: | --: |');
  for (const s of stacks) {
    const c = s.counts;
    const icon = s.errored ? '❌' : c.destroy + c.replace > 0 ? (s.changes.some((x) => isDestructive(x.kind) && x.stateful) ? '🛑' : '⚠️') : hasChanges(c) ? '🔸' : '✅';
    lines.push(
      `| ${s.environment} | ${icon} \`${s.stack}\` | ${c.add} | ${c.change} | ${loud(c.destroy)} | ${loud(c.replace)} | ${c.move} | ${c.import} |`,
    );
  }
  return lines.join('\n');
}

function loud(n: number): string {
  return n > 0 ? `**${n}**` : '0';
}

// ---------------------------------------------------------------------------
// Environment and stack sections
// ---------------------------------------------------------------------------

function renderEnvironment(env: string, stacks: readonly StackPlan[], ctx: Ctx): string {
  const out: string[] = [`### Environment \`${env}\``, ''];
  const flags = (ctx.options.flagChanges ?? []).filter((f) => f.environment === env);
  if (flags.length > 0) out.push(renderFlags(flags, ctx), '');
  else if (ctx.options.flagChanges !== undefined) out.push('No flag changed in this environment.', '');
  out.push(renderCostSection(env, ctx.options.costs), '');
  if (stacks.length === 0) out.push('_No stack of this environment was planned._', '');
  for (const s of stacks) out.push(renderStack(s, ctx), '');
  return out.join('\n');
}

function renderFlags(flags: readonly FlagChange[], ctx: Ctx): string {
  const files = [...new Set(flags.map((f) => f.file))];
  const out = [`**Flags changed** (${files.map((f) => `\`${f}\``).join(', ')}):`, '', '| flag | base | head |', '| --- | --- | --- |'];
  let cut = 0;
  for (const f of flags) {
    if (!ctx.want(`flag:${f.file}:${f.path}`, Tier.Flags)) {
      cut++;
      continue;
    }
    out.push(`| ${cell(f.path)} | ${cell(flagValue(f.before))} | ${cell(flagValue(f.after))} |`);
  }
  if (cut > 0) out.push(`| … ${cut} more | | |`);
  return out.join('\n');
}

function flagValue(v: unknown): string {
  return v === undefined ? '(absent)' : showPlain(v);
}

function renderStack(s: StackPlan, ctx: Ctx): string {
  const c = s.counts;
  const out: string[] = [`#### \`${s.stack}\``, ''];
  out.push(summaryLine(s));
  out.push('');
  if (s.errored) out.push('> [!CAUTION]\n> ❌ **This plan errored** and cannot be applied; see the workflow log.', '');
  if (!hasChanges(c) && s.drift.length === 0 && s.outputs.length === 0 && c.read === 0) return out.join('\n');

  out.push(renderDestructive(s, ctx));
  out.push(renderMovesImports(s, ctx));
  out.push(renderGroup(s, ctx, 'update', `🔄 ${c.change} to change`, Tier.UpdateDetails, c.change <= (ctx.options.openUpdatesUpTo ?? 10)));
  out.push(renderGroup(s, ctx, 'create', `➕ ${c.add} to add`, Tier.CreateDetails, false));
  out.push(renderOutputs(s, ctx));
  out.push(renderDrift(s, ctx));
  out.push(renderReads(s, ctx));
  return out.filter((x) => x !== '').join('\n\n');
}

function summaryLine(s: StackPlan): string {
  const c = s.counts;
  if (!hasChanges(c)) {
    const extra = [c.drift ? `${c.drift} drifted outside Terraform` : '', c.read ? `${c.read} to read` : ''].filter(Boolean);
    return `✅ **No changes.**${extra.length ? ` (${extra.join(', ')})` : ''}${c.noOp ? ` ${c.noOp} unchanged.` : ''}`;
  }
  const parts = [
    `${c.add} to add`,
    `${c.change} to change`,
    c.destroy ? `**${c.destroy} to destroy**` : '0 to destroy',
    c.replace ? `**${c.replace} to replace**` : '0 to replace',
    `${c.move} moved`,
    `${c.import} imported`,
  ];
  if (c.forget) parts.push(`${c.forget} forgotten`);
  const icon = c.destroy + c.replace > 0 ? (s.changes.some((x) => isDestructive(x.kind) && x.stateful) ? '🛑' : '⚠️') : '🔸';
  const tail = [c.noOp ? `${c.noOp} unchanged` : '', c.drift ? `${c.drift} drifted` : ''].filter(Boolean).join(', ');
  return `${icon} **Plan:** ${parts.join(', ')}.${tail ? ` (${tail})` : ''}`;
}

function renderDestructive(s: StackPlan, ctx: Ctx): string {
  const destructive = s.changes.filter((c) => isDestructive(c.kind));
  if (destructive.length === 0) return '';
  const stateful = destructive.filter((c) => c.stateful);
  const other = destructive.filter((c) => !c.stateful);
  const out: string[] = [];
  const list = (items: readonly ResourceChangeView[]) => {
    const lines: string[] = [];
    let cut = 0;
    for (const r of items) {
      if (ctx.destructiveLeft <= 0) {
        cut++;
        continue;
      }
      ctx.destructiveLeft--;
      lines.push(...destructiveEntry(r).map((l) => `> ${l}`));
    }
    ctx.destructiveCut += cut;
    if (cut) lines.push(`> - … and ${cut} more (see the full plan)`);
    return lines;
  };
  if (stateful.length > 0) {
    out.push(
      '> [!CAUTION]',
      `> 🛑 **Data loss: ${stateful.length} stateful resource${plural(stateful.length)} will be ${stateful.every((r) => r.kind === 'delete') ? 'destroyed' : 'destroyed or replaced'}.**`,
      '> What they hold (lock-table items, bucket objects) is gone after apply, and no `git revert` brings it back.',
      ...list(stateful),
    );
  }
  if (other.length > 0) {
    if (out.length) out.push('');
    out.push('> [!WARNING]', `> ⚠️ **${other.length} resource${plural(other.length)} will be destroyed or replaced:**`, ...list(other));
  }

  const details = destructive.filter((r) => r.kind === 'replace');
  const blocks: string[] = [];
  for (const r of details) {
    if (!ctx.want(`dd:${s.stack}:${key(r)}`, Tier.DestructiveDetails)) continue;
    const lines = attributeLines(r.change);
    if (lines.length) blocks.push(`\`${r.address}\`${deposedSuffix(r)}\n\n${diffBlock(lines, ctx)}`);
  }
  if (blocks.length) out.push('', `<details><summary>Attribute changes of the ${details.length} replaced resource${plural(details.length)}</summary>`, '', blocks.join('\n\n'), '', '</details>');
  return out.join('\n');
}

function destructiveEntry(r: ResourceChangeView): string[] {
  const how =
    r.kind === 'delete'
      ? ''
      : r.replaceOrder === 'create-then-delete'
        ? ' (create the new one, then destroy the old: `create_before_destroy`)'
        : ' (destroy first, then create: a gap while it is gone)';
  const icon = r.stateful ? '🛑' : '⚠️';
  const tags = [
    r.stateful ? `**stateful** (\`${r.type}\`)` : '',
    r.actionReason === 'replace_because_tainted' ? '🩹 **tainted**' : '',
    r.preventDestroy ? '🔒 **`prevent_destroy`**' : '',
  ].filter(Boolean);
  const what = r.kind === 'delete' ? '**destroy**' : '**replace**';
  const lines = [`- ${icon} ${what} \`${r.address}\`${deposedSuffix(r)}${how}${tags.length ? ` · ${tags.join(' · ')}` : ''}`];
  const why = reasonText(r);
  if (why) lines.push(`  - why: ${why}`);
  if (r.preventDestroy) {
    lines.push('  - `prevent_destroy` protects it: Terraform refuses to apply this. It was lifted only to show this plan; removing it must be its own, deliberate change.');
  }
  if (r.replacePaths.length > 0) lines.push(`  - forced by: ${r.replacePaths.map((p) => `\`${formatPath(p)}\``).join(', ')}`);
  if (r.previousAddress) lines.push(`  - moved from \`${r.previousAddress}\``);
  return lines;
}

const REASONS: Record<string, string> = {
  replace_because_tainted: 'it is tainted (an earlier apply failed part-way, or `terraform taint`)',
  replace_because_cannot_update: 'a changed attribute cannot be updated in place',
  replace_by_request: 'replacement was requested (`-replace`)',
  replace_by_triggers: 'a `replace_triggered_by` reference changed',
  delete_because_no_resource_config: 'it is no longer in the configuration',
  delete_because_wrong_repetition: 'its `count`/`for_each` changed how it is repeated',
  delete_because_count_index: 'its `count` index is out of range now',
  delete_because_each_key: 'its `for_each` key is gone',
  delete_because_no_module: 'its module is no longer in the configuration',
  delete_because_no_move_target: 'the target of its `moved` block is not in the configuration',
  read_because_config_unknown: 'its configuration depends on values known only after apply',
  read_because_dependency_pending: 'it depends on a resource with pending changes',
  read_because_check_nested: 'a `check` block reads it',
};

function reasonText(r: ResourceChangeView): string {
  if (r.actionReason) return REASONS[r.actionReason] ?? `\`${r.actionReason}\``;
  if (r.kind === 'replace' && r.replacePaths.length > 0) return REASONS.replace_because_cannot_update;
  if (r.deposed) return 'it is a deposed object left by an earlier `create_before_destroy`';
  return '';
}

function renderMovesImports(s: StackPlan, ctx: Ctx): string {
  const out: string[] = [];
  const moved = s.changes.filter((r) => r.previousAddress !== undefined);
  const imported = s.changes.filter((r) => r.importId !== undefined);
  const forgotten = s.changes.filter((r) => r.kind === 'forget');
  const section = (title: string, items: readonly ResourceChangeView[], prefix: string, line: (r: ResourceChangeView) => string) => {
    if (items.length === 0) return;
    const lines = [title, ''];
    let cut = 0;
    for (const r of items) {
      if (ctx.want(`${prefix}:${s.stack}:${key(r)}`, Tier.MovesImports)) lines.push(line(r));
      else cut++;
    }
    if (cut) lines.push(`- … and ${cut} more (see the full plan)`);
    out.push(lines.join('\n'));
  };
  section(`**↪️ ${moved.length} moved** (state moves, nothing is recreated by the move itself):`, moved, 'mv', (r) =>
    `- \`${r.previousAddress}\` → \`${r.address}\`${r.kind === 'no-op' ? '' : ` (and ${kindVerb(r)})`}`,
  );
  section(`**📥 ${imported.length} imported**:`, imported, 'im', (r) =>
    `- \`${r.address}\` from ${r.importId ? `ID \`${r.importId}\`` : 'its identity'}${r.kind === 'no-op' ? '' : ` (and ${kindVerb(r)})`}`,
  );
  section(`**🫥 ${forgotten.length} removed from state without being destroyed** (\`removed\` block):`, forgotten, 'fg', (r) => `- \`${r.address}\``);
  return out.join('\n\n');
}

function kindVerb(r: ResourceChangeView): string {
  switch (r.kind) {
    case 'create':
      return 'created';
    case 'update':
      return 'updated in place';
    case 'replace':
      return 'replaced';
    case 'delete':
      return 'destroyed';
    default:
      return r.kind;
  }
}

function renderGroup(s: StackPlan, ctx: Ctx, kind: 'update' | 'create', title: string, detailTier: Tier, open: boolean): string {
  const items = s.changes.filter((r) => r.kind === kind);
  if (items.length === 0) return '';
  const blocks: string[] = [];
  let cut = 0;
  for (const r of items) {
    if (!ctx.want(`${kind}:${s.stack}:${key(r)}`, Tier.ChangeLists)) {
      cut++;
      continue;
    }
    const notes = [r.previousAddress ? `moved from \`${r.previousAddress}\`` : '', r.importId !== undefined ? 'imported' : ''].filter(Boolean);
    let block = `- \`${r.address}\`${notes.length ? ` (${notes.join(', ')})` : ''}`;
    if (ctx.want(`${kind}-detail:${s.stack}:${key(r)}`, detailTier)) {
      const lines = attributeLines(r.change);
      if (lines.length) block += `\n\n${indent(diffBlock(lines, ctx), '  ')}`;
    }
    blocks.push(block);
  }
  if (cut) blocks.push(`- … and ${cut} more (see the full plan)`);
  return [`<details${open ? ' open' : ''}><summary>${title}</summary>`, '', blocks.join('\n'), '', '</details>'].join('\n');
}

function renderOutputs(s: StackPlan, ctx: Ctx): string {
  if (s.outputs.length === 0) return '';
  const lines: string[] = [];
  let cut = 0;
  for (const o of s.outputs) {
    if (!ctx.want(`out:${s.stack}:${o.name}`, Tier.MovesImports, 'output changes')) {
      cut++;
      continue;
    }
    const c = o.change;
    const before = c.before === null || c.before === undefined ? showPlain(undefined) : c.before_sensitive === true ? SENSITIVE : showPlain(c.before);
    const after = c.after_unknown === true ? '(known after apply)' : c.after_sensitive === true ? SENSITIVE : showPlain(c.after);
    lines.push(`- \`${o.name}\`: ${inlineCode(before)} → ${inlineCode(after)}`);
  }
  if (cut) lines.push(`- … and ${cut} more`);
  return [`<details><summary>📤 ${s.outputs.length} output${plural(s.outputs.length)} changed</summary>`, '', ...lines, '', '</details>'].join('\n');
}

function renderDrift(s: StackPlan, ctx: Ctx): string {
  if (s.drift.length === 0) return '';
  const blocks: string[] = [];
  let cut = 0;
  for (const r of s.drift) {
    if (!ctx.want(`drift:${s.stack}:${key(r)}`, Tier.DriftList)) {
      cut++;
      continue;
    }
    let block = `- \`${r.address}\`${r.kind === 'delete' ? ' was deleted outside Terraform' : ' changed outside Terraform'}`;
    if (r.kind !== 'delete' && ctx.want(`drift-detail:${s.stack}:${key(r)}`, Tier.DriftDetails)) {
      const lines = attributeLines(r.change);
      if (lines.length) block += `\n\n${indent(diffBlock(lines, ctx), '  ')}`;
    }
    blocks.push(block);
  }
  if (cut) blocks.push(`- … and ${cut} more (see the full plan)`);
  return [
    `<details><summary>🌀 Drift: ${s.drift.length} resource${plural(s.drift.length)} changed outside Terraform since the last apply</summary>`,
    '',
    'Terraform saw these while refreshing; the plan above already accounts for them.',
    '',
    blocks.join('\n'),
    '',
    '</details>',
  ].join('\n');
}

function renderReads(s: StackPlan, ctx: Ctx): string {
  const reads = s.changes.filter((r) => r.kind === 'read');
  if (reads.length === 0) return '';
  const lines: string[] = [];
  let cut = 0;
  for (const r of reads) {
    if (ctx.want(`read:${s.stack}:${key(r)}`, Tier.Reads)) lines.push(`- \`${r.address}\`${r.actionReason ? `: ${reasonText(r)}` : ''}`);
    else cut++;
  }
  if (cut) lines.push(`- … and ${cut} more`);
  return [`<details><summary>📖 ${reads.length} data source${plural(reads.length)} read during apply</summary>`, '', ...lines, '', '</details>'].join('\n');
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function diffBlock(all: readonly AttributeLine[], ctx: Ctx): string {
  const max = ctx.options.maxAttributeLines ?? 40;
  // New attributes known only after apply: one line, not one each (ids, ARNs, computed blocks).
  const later = all.filter((l) => l.op === '+' && l.after === KNOWN_AFTER_APPLY && !l.forcesReplacement);
  // What forced a replacement comes first.
  const lines = (later.length > 1 ? all.filter((l) => !later.includes(l)) : all).slice().sort((a, b) => Number(b.forcesReplacement) - Number(a.forcesReplacement));
  const shown = lines.slice(0, max).map((l) => {
    const text = l.op === '+' ? `+ ${l.path} = ${l.after}` : l.op === '-' ? `- ${l.path} = ${l.before}` : `~ ${l.path}: ${l.before} → ${l.after}`;
    return l.forcesReplacement ? `${text}   # forces replacement` : text;
  });
  if (lines.length > max) shown.push(`  … ${lines.length - max} more attributes (see the full plan)`);
  if (later.length > 1) shown.push(`+ ${KNOWN_AFTER_APPLY}: ${later.map((l) => l.path).join(', ')}`);
  const body = shown.join('\n');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}diff\n${body}\n${fence}`;
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

function inlineCode(s: string): string {
  const ticks = '`'.repeat(longestRun(s, '`') + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** A table cell: inline code with `|` escaped (GFM splits cells on it even in code). */
function cell(s: string): string {
  return inlineCode(s.replace(/\|/g, '\\|'));
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

function deposedSuffix(r: ResourceChangeView): string {
  return r.deposed ? ` (deposed object \`${r.deposed}\`)` : '';
}

function key(r: ResourceChangeView): string {
  return r.deposed ? `${r.address}#${r.deposed}` : r.address;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

function sortStacks(stacks: readonly StackPlan[]): StackPlan[] {
  return [...stacks].sort((a, b) => compare(a.environment, b.environment) || compare(a.stack, b.stack));
}

/**
 * The comment when the plan itself failed: it replaces the last plan, so nobody
 * reviews a plan of an older commit as if it were this one.
 */
export function renderFailure(options: { commit?: string; runUrl?: string }): string {
  const commit = options.commit ? ` of commit \`${options.commit.slice(0, 12)}\`` : '';
  const run = options.runUrl ? `[the workflow run](${options.runUrl})` : 'the workflow run';
  return [
    COMMENT_MARKER,
    '## Terraform plan',
    '',
    '> [!CAUTION]',
    `> ❌ **The plan${commit} failed**, so this PR has no current plan. See ${run} for the error.`,
    '> The plan shown here before was of an older commit and has been removed.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// JSON summary (--format json)
// ---------------------------------------------------------------------------

export interface DestructiveChange {
  readonly stack: string;
  readonly environment: string;
  readonly address: string;
  readonly action: 'delete' | 'replace';
  readonly actions: readonly string[];
  readonly stateful: boolean;
  readonly reason?: string;
  readonly replacePaths: readonly string[];
  /** Its prevent_destroy blocks the apply (speculative plans lift it to show the change). */
  readonly preventDestroy: boolean;
}

export interface PlanSummary {
  readonly format: 'fleetflags.plan-summary/1';
  readonly speculative: boolean;
  readonly totals: PlanCounts;
  readonly stacks: readonly { readonly stack: string; readonly environment: string; readonly errored: boolean; readonly counts: PlanCounts }[];
  /** Every delete and replacement, stateful first, then by stack and address. */
  readonly destructive: readonly DestructiveChange[];
  readonly flagsChanged: number;
}

export function summarize(stacks: readonly StackPlan[], options: RenderOptions = {}): PlanSummary {
  const ordered = sortStacks(stacks);
  const destructive: DestructiveChange[] = ordered.flatMap((s) =>
    s.changes
      .filter((r) => isDestructive(r.kind))
      .map((r) => ({
        stack: s.stack,
        environment: s.environment,
        address: r.deposed ? `${r.address} (deposed ${r.deposed})` : r.address,
        action: r.kind as 'delete' | 'replace',
        actions: r.actions,
        stateful: r.stateful,
        ...(r.actionReason ? { reason: r.actionReason } : {}),
        replacePaths: r.replacePaths.map(formatPath),
        preventDestroy: r.preventDestroy,
      })),
  );
  destructive.sort((a, b) => Number(b.stateful) - Number(a.stateful));
  return {
    format: 'fleetflags.plan-summary/1',
    speculative: options.speculative === true || ordered.some((s) => s.speculative),
    totals: ordered.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts()),
    stacks: ordered.map((s) => ({ stack: s.stack, environment: s.environment, errored: s.errored, counts: s.counts })),
    destructive,
    flagsChanged: (options.flagChanges ?? []).length,
  };
}

export function renderJson(stacks: readonly StackPlan[], options: RenderOptions = {}): string {
  return `${JSON.stringify(summarize(stacks, options), null, 2)}\n`;
}
