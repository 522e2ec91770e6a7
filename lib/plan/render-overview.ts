/**
 * The top of the plan comment: the title and notes (speculative, untrusted code,
 * shortened), and the overview every reviewer reads: one verdict line, the data
 * loss across all stacks, and one table row per stack.
 */
import { addCounts, compare, emptyCounts, hasChanges, isDestructive, type StackPlan } from './plan-model';
import { code, inert, plural } from './markdown';
import { destructiveKey } from './render-stack';
import { GITHUB_COMMENT_LIMIT, STEP_SUMMARY_LIMIT, type Ctx, type OmitKind, type RenderOptions } from './render-context';

export function speculativeNote(): string {
  return [
    '> [!NOTE]',
    '> **Speculative plan**: planned without cloud credentials, against a state built from the base branch\'s',
    '> configuration as if it had been applied (`-refresh=false`). The real AWS provider decides what is an update',
    '> and what is a replacement; changes made outside Terraform and values only AWS knows are not seen:',
    '> IDs and ARNs of existing resources in it are placeholders (account `123456789012`, `sg-…`, `lt-…`), not real values.',
    '> The plan that deploys runs against the real state after merge.',
  ].join('\n');
}

export function untrustedNote(): string {
  return [
    '> [!WARNING]',
    '> ⚠️ **Planned by untrusted code**: this pull request comes from a fork and changes code, so its plan was computed',
    '> by the pull request\'s own code, which may misreport what it does. Review the code change itself; the plan that',
    '> deploys is made by trusted code after merge.',
  ].join('\n');
}

export function shortenedNote(omitted: ReadonlyMap<OmitKind, number>, destructiveCut: number, options: RenderOptions): string {
  const parts = [...omitted.entries()].sort((a, b) => compare(a[0], b[0])).map(([k, n]) => `${n} ${k}`);
  if (destructiveCut > 0) parts.unshift(`${destructiveCut} destructive entries`);
  const where = options.detailsUrl
    ? `the [workflow run](${options.detailsUrl}): its \`plan\` artifact and its step summary`
    : 'the workflow run: its `plan` artifact and its step summary';
  return [
    '> [!IMPORTANT]',
    `> ✂️ **Shortened** to fit ${limitName(options)}; left out: ${parts.join(', ')}.`,
    `> ${destructiveCut > 0 ? 'Every stateful destructive change and some of every stack\'s others are still listed. ' : 'Every destructive change is still listed. '}The full plans are in ${where}.`,
  ].join('\n');
}

function limitName(options: RenderOptions): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  if (limit === GITHUB_COMMENT_LIMIT) return `GitHub's ${thousands(limit)}-character comment limit`;
  if (limit === STEP_SUMMARY_LIMIT) return "GitHub's 1 MiB step-summary limit";
  return `the ${thousands(limit)}-character limit`;
}

/** 65536 -> "65,536" (no locale: toLocaleString costs ICU start-up and varies by machine). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function overview(stacks: readonly StackPlan[], ctx: Ctx): string {
  const options = ctx.options;
  if (stacks.length === 0) {
    return [
      '✅ **No stack was planned**: no configuration changed.',
      ...((options.notPlanned ?? []).length ? ['', `Unchanged since ${options.baseRef ? code(options.baseRef) : 'the base'}: ${[...options.notPlanned!].sort(compare).map((n) => code(n)).join(', ')}.`] : []),
    ].join('\n');
  }
  const total = stacks.reduce((acc, s) => addCounts(acc, s.counts), emptyCounts());
  const changed = stacks.filter((s) => hasChanges(s.counts)).length;
  const stateful = stacks.flatMap((s) => s.changes.filter((c) => isDestructive(c.kind) && c.stateful).map((c) => ({ s, c })));
  const errored = stacks.filter((s) => s.errored).length;
  const partial = stacks.filter((s) => s.partial && !s.errored).length;
  const destructive = total.destroy + total.replace;
  const lines: string[] = [];
  let verdict = `**${stacks.length} stack${plural(stacks.length)}, ${changed} with changes.**`;
  if (errored > 0) verdict += ` ❌ **${errored} plan${plural(errored)} errored** and cannot be applied.`;
  if (partial > 0) verdict += ` ⚠️ **${partial} partial plan${plural(partial)}** (\`-target\` or deferred changes).`;
  if (stateful.length > 0) verdict += ` 🛑 **${stateful.length} stateful resource${plural(stateful.length)} destroyed or replaced.**`;
  else if (destructive > 0) verdict += ` ⚠️ **${destructive} destructive change${plural(destructive)}.**`;
  if ((options.flagChanges ?? []).length > 0) verdict += ` ${options.flagChanges!.length} flag value${plural(options.flagChanges!.length)} changed.`;
  lines.push(verdict, '');
  // Data loss, across every stack, before anything else: never crowded out by a large stack.
  const shown = stateful.filter(({ s, c }) => ctx.showDestructive(s.stack, destructiveKey(c)));
  if (shown.length > 0 && stacks.length > 1) {
    lines.push('> [!CAUTION]', `> 🛑 **Data loss** (details in each stack below):`);
    for (const { s, c } of shown) lines.push(`> - ${c.kind === 'delete' ? 'destroy' : 'replace'} ${code(c.address)} in ${code(s.stack)}`);
    if (shown.length < stateful.length) lines.push(`> - … and ${stateful.length - shown.length} more (see the full plan)`);
    lines.push('');
  }
  if ((options.notPlanned ?? []).length > 0) {
    const names = [...options.notPlanned!].sort(compare).map((n) => code(n));
    lines.push(`Not planned, because their configuration is the same as at ${options.baseRef ? code(options.baseRef) : 'the base'}: ${names.join(', ')}.`, '');
  }
  lines.push('| environment | stack | add | change | destroy | replace | move | import | forget |', '| --- | --- | --: | --: | --: | --: | --: | --: | --: |');
  for (const s of stacks) {
    const c = s.counts;
    const icon = s.errored ? '❌' : c.destroy + c.replace > 0 ? (s.changes.some((x) => isDestructive(x.kind) && x.stateful) ? '🛑' : '⚠️') : hasChanges(c) ? '🔸' : '✅';
    lines.push(`| ${inert(s.environment)} | ${icon} ${code(s.stack)} | ${c.add} | ${c.change} | ${loud(c.destroy)} | ${loud(c.replace)} | ${c.move} | ${c.import} | ${c.forget} |`);
  }
  return lines.join('\n');
}

function loud(n: number): string {
  return n > 0 ? `**${n}**` : '0';
}
