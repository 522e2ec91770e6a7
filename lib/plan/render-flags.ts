/**
 * The "flags changed" table of an environment: the intent (the flag edit) next to
 * its effect (the plan). A new or deleted environment is one line that says so; a
 * field left out on one side shows the default in effect there.
 */
import type { FlagChange } from './flags-diff';
import { cell, code } from './markdown';
import { showPlain } from './render-attributes';
import { Tier, type Ctx } from './render-context';

export function renderFlags(flags: readonly FlagChange[], ctx: Ctx): string {
  const whole = flags.find((f) => f.environmentChange !== undefined);
  if (whole) {
    return whole.environmentChange === 'added'
      ? `**Flags:** 🆕 new environment ${code(whole.environment)} (${code(whole.file)} added).`
      : `**Flags:** 🗑️ environment ${code(whole.environment)} deleted (${code(whole.file)} removed).`;
  }
  const files = [...new Set(flags.map((f) => f.file))];
  const out = [`**Flags changed** (${files.map((f) => code(f)).join(', ')}):`, '', '| flag | base | head |', '| --- | --- | --- |'];
  let cut = 0;
  for (const f of flags) {
    if (!ctx.want(`flag:${f.file}:${f.path}`, Tier.Flags)) {
      cut++;
      continue;
    }
    out.push(`| ${cell(f.path)} | ${side(f.before, f.beforeDefault)} | ${side(f.after, f.afterDefault)} |`);
  }
  if (cut > 0) out.push(`| … ${cut} more | | |`);
  return out.join('\n');
}

function side(value: unknown, defaulted: unknown): string {
  if (value !== undefined) return cell(showPlain(value));
  if (defaulted !== undefined) return `${cell(showPlain(defaulted))} (default)`;
  return cell('(absent)');
}
