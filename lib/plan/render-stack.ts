/**
 * One stack's section of the plan comment: its summary line, destructive changes
 * first and loud, then moves, imports and forgets, updates (attribute by
 * attribute), creates, outputs, drift and reads. Every piece of plan text goes
 * through lib/plan/markdown.ts, and every value through the stack's masking.
 */
import { hasChanges, isDestructive, type ResourceChangeView, type StackPlan } from './plan-model';
import { code, fence, indent, plural } from './markdown';
import { attributeLines, formatPath, KNOWN_AFTER_APPLY, SecretValues, showValue, type AttributeLine } from './render-attributes';
import { memo, Tier, type Ctx } from './render-context';

/** The stack's secrets, for masking unmarked copies (built once per stack). */
const secretsOf = new WeakMap<StackPlan, SecretValues>();
export function stackSecrets(s: StackPlan): SecretValues {
  let v = secretsOf.get(s);
  if (!v) secretsOf.set(s, (v = new SecretValues(s.secrets)));
  return v;
}

export function renderStack(s: StackPlan, ctx: Ctx): string {
  const c = s.counts;
  const out: string[] = [`#### ${s.errored ? '❌ ' : ''}${code(s.stack)}${s.errored ? ' (errored)' : s.partial ? ' (partial plan)' : ''}`, ''];
  out.push(summaryLine(s));
  out.push('');
  if (s.errored) out.push('> [!CAUTION]\n> ❌ **This plan errored** and cannot be applied; see the workflow log for the error. What it shows is incomplete.', '');
  if (s.partial && !s.errored) {
    out.push('> [!WARNING]\n> ⚠️ **Partial plan** (`"complete": false`): made with `-target`, or with changes deferred to a later plan. Applying it does not bring the stack up to date.', '');
  }
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

export function summaryLine(s: StackPlan): string {
  const c = s.counts;
  if (!hasChanges(c)) {
    const extra = [c.drift ? `${c.drift} drifted outside Terraform` : '', c.read ? `${c.read} to read` : ''].filter(Boolean);
    const tail = `${extra.length ? ` (${extra.join(', ')})` : ''}${c.noOp ? ` ${c.noOp} unchanged.` : ''}`;
    // An errored plan is never green: it shows no changes because it stopped.
    if (s.errored) return `❌ **Plan errored**: no changes could be planned.${tail}`;
    return `✅ **No changes.**${tail}`;
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
  // Outputs are listed below; in the count only when nothing else changes (an output-only change is a change).
  if (c.output && c.add + c.change + c.destroy + c.replace + c.move + c.import + c.forget === 0) parts.push(`${c.output} output${plural(c.output)} changed`);
  const icon = s.errored ? '❌' : c.destroy + c.replace > 0 ? (s.changes.some((x) => isDestructive(x.kind) && x.stateful) ? '🛑' : '⚠️') : '🔸';
  const tail = [c.noOp ? `${c.noOp} unchanged` : '', c.drift ? `${c.drift} drifted` : ''].filter(Boolean).join(', ');
  return `${icon} **${s.errored ? 'Plan errored, so far' : 'Plan'}:** ${parts.join(', ')}.${tail ? ` (${tail})` : ''}`;
}

/** The key of a destructive entry, for `Ctx.showDestructive`. */
export function destructiveKey(r: ResourceChangeView): string {
  return key(r);
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
      if (!ctx.showDestructive(s.stack, key(r))) {
        cut++;
        continue;
      }
      lines.push(memo(ctx, `de:${s.stack}:${key(r)}`, () => destructiveEntry(r).map((l) => `> ${l}`).join('\n')));
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
    const block = resourceDiff(s, r, ctx);
    if (block) blocks.push(`${code(r.address)}${deposedSuffix(r)}\n\n${block}`);
  }
  if (blocks.length) out.push('', `<details><summary>Attribute changes of the ${details.length} replaced resource${plural(details.length)}</summary>`, '', blocks.join('\n\n'), '', '</details>');
  return out.join('\n');
}

export function destructiveEntry(r: ResourceChangeView): string[] {
  const how =
    r.kind === 'delete'
      ? ''
      : r.replaceOrder === 'create-then-delete'
        ? ' (create the new one, then destroy the old: `create_before_destroy`)'
        : ' (destroy first, then create: a gap while it is gone)';
  const icon = r.stateful ? '🛑' : '⚠️';
  const tags = [
    r.stateful ? `**stateful** (${code(r.type)})` : '',
    r.actionReason === 'replace_because_tainted' ? '🩹 **tainted**' : '',
    r.preventDestroy ? '🔒 **`prevent_destroy`**' : '',
  ].filter(Boolean);
  const what = r.kind === 'delete' ? '**destroy**' : '**replace**';
  const lines = [`- ${icon} ${what} ${code(r.address)}${deposedSuffix(r)}${how}${tags.length ? ` · ${tags.join(' · ')}` : ''}`];
  const why = reasonText(r);
  if (why) lines.push(`  - why: ${why}`);
  if (r.preventDestroy) {
    lines.push('  - `prevent_destroy` protects it: Terraform refuses to apply this. It was lifted only to show this plan; removing it must be its own, deliberate change.');
  }
  if (r.replacePaths.length > 0) lines.push(`  - forced by: ${r.replacePaths.map((p) => code(formatPath(p))).join(', ')}`);
  if (r.previousAddress) lines.push(`  - moved from ${code(r.previousAddress)}`);
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

export function reasonText(r: ResourceChangeView): string {
  if (r.actionReason) return REASONS[r.actionReason] ?? code(r.actionReason);
  if (r.kind === 'replace' && r.replacePaths.length > 0) return REASONS.replace_because_cannot_update;
  if (r.deposed) return 'it is a deposed object left by an earlier `create_before_destroy`';
  return '';
}

function renderMovesImports(s: StackPlan, ctx: Ctx): string {
  const out: string[] = [];
  const moved = s.changes.filter((r) => r.previousAddress !== undefined);
  const imported = s.changes.filter((r) => r.importId !== undefined);
  const forgotten = s.changes.filter((r) => r.kind === 'forget' || r.kind === 'create-forget');
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
    `- ${code(r.previousAddress!)} → ${code(r.address)}${r.kind === 'no-op' ? '' : ` (and ${kindVerb(r)})`}`,
  );
  section(`**📥 ${imported.length} imported**:`, imported, 'im', (r) =>
    `- ${code(r.address)} from ${r.importId ? `ID ${code(r.importId)}` : 'its identity'}${r.kind === 'no-op' ? '' : ` (and ${kindVerb(r)})`}`,
  );
  section(`**🫥 ${forgotten.length} removed from state without being destroyed** (\`removed\` block; the object stays in AWS, unmanaged):`, forgotten, 'fg', (r) =>
    r.kind === 'create-forget' ? `- ${code(r.address)}: a new one is created; the old one is forgotten, not destroyed` : `- ${code(r.address)}`,
  );
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
    case 'create-forget':
      return 'created anew, the old one forgotten';
    default:
      return r.kind;
  }
}

function renderGroup(s: StackPlan, ctx: Ctx, kind: 'update' | 'create', title: string, detailTier: Tier, open: boolean): string {
  const items = s.changes.filter((r) => r.kind === kind || (kind === 'create' && r.kind === 'create-forget'));
  if (items.length === 0) return '';
  const blocks: string[] = [];
  let cut = 0;
  for (const r of items) {
    if (!ctx.want(`${kind}:${s.stack}:${key(r)}`, Tier.ChangeLists)) {
      cut++;
      continue;
    }
    const notes = [r.previousAddress ? `moved from ${code(r.previousAddress)}` : '', r.importId !== undefined ? 'imported' : ''].filter(Boolean);
    let block = `- ${code(r.address)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    if (ctx.want(`${kind}-detail:${s.stack}:${key(r)}`, detailTier)) {
      const diff = resourceDiff(s, r, ctx, '  ');
      if (diff) block += `\n\n${diff}`;
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
  const secrets = stackSecrets(s);
  for (const o of s.outputs) {
    if (!ctx.want(`out:${s.stack}:${o.name}`, Tier.MovesImports, 'output changes')) {
      cut++;
      continue;
    }
    const c = o.change;
    const before = showValue(c.before, undefined, c.before_sensitive, secrets);
    const after = showValue(c.after, c.after_unknown, c.after_sensitive, secrets);
    lines.push(`- ${code(o.name)}: ${code(before)} → ${code(after)}`);
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
    let block = `- ${code(r.address)}${r.kind === 'delete' ? ' was deleted outside Terraform' : ' changed outside Terraform'}`;
    if (r.kind !== 'delete' && ctx.want(`drift-detail:${s.stack}:${key(r)}`, Tier.DriftDetails)) {
      const lines = attributeLines(r.change, stackSecrets(s));
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
    if (ctx.want(`read:${s.stack}:${key(r)}`, Tier.Reads)) lines.push(`- ${code(r.address)}${r.actionReason ? `: ${reasonText(r)}` : ''}`);
    else cut++;
  }
  if (cut) lines.push(`- … and ${cut} more`);
  return [`<details><summary>📖 ${reads.length} data source${plural(reads.length)} read during apply</summary>`, '', ...lines, '', '</details>'].join('\n');
}

/** A resource's diff block (indented), '' when no attribute changes; rendered once per render. */
function resourceDiff(s: StackPlan, r: ResourceChangeView, ctx: Ctx, by = ''): string {
  if (ctx.dryRun) return '';
  return memo(ctx, `diff:${by.length}:${s.stack}:${key(r)}`, () => {
    const lines = attributeLines(r.change, stackSecrets(s));
    return lines.length ? indent(diffBlock(lines, ctx), by) : '';
  });
}

/** Attribute lines as a diff block; all plan text in it is made inert by `fence`. */
function diffBlock(all: readonly AttributeLine[], ctx: Ctx): string {
  const max = ctx.options.maxAttributeLines ?? 40;
  // New top-level attributes known only after apply: one line, not one each (ids, ARNs).
  // Nested unknowns (one element of a list, one key of an object) stay in place.
  const later = all.filter((l) => l.op === '+' && l.after === KNOWN_AFTER_APPLY && !l.forcesReplacement && /^[A-Za-z0-9_-]+$/.test(l.path));
  // What forced a replacement comes first.
  const lines = (later.length > 1 ? all.filter((l) => !later.includes(l)) : all).slice().sort((a, b) => Number(b.forcesReplacement) - Number(a.forcesReplacement));
  const shown = lines.slice(0, max).map((l) => {
    const text = l.op === '+' ? `+ ${l.path} = ${l.after}` : l.op === '-' ? `- ${l.path} = ${l.before}` : `~ ${l.path}: ${l.before} → ${l.after}`;
    return l.forcesReplacement ? `${text}   # forces replacement` : text;
  });
  if (lines.length > max) shown.push(`  … ${lines.length - max} more attributes (see the full plan)`);
  if (later.length > 1) shown.push(`+ ${KNOWN_AFTER_APPLY}: ${later.map((l) => l.path).join(', ')}`);
  return fence(shown, 'diff');
}

function deposedSuffix(r: ResourceChangeView): string {
  return r.deposed ? ` (deposed object ${code(r.deposed)})` : '';
}

function key(r: ResourceChangeView): string {
  return r.deposed ? `${r.address}#${r.deposed}` : r.address;
}
