/**
 * The "Change size" section of the PR comment: each change-size rule's verdict per
 * environment (lib/change-size/), next to the plan, so a reviewer sees "this needs
 * an override" before merging. A section module: render.ts only calls
 * `render(environment)` and `json()` of each section in `RenderOptions.sections`.
 */
import { evaluateChangeSize, parseBaseFlags, CHANGE_SIZE_OVERRIDE_TRAILER, type ChangeSizePlan, type ChangeSizeReport } from '../change-size';
import { FlagsSchema } from '../flags/schema';
import type { PlanCommentSection } from './comment-section';
import type { FlagsSet } from './flags-diff';

export type { PlanCommentSection } from './comment-section';

/**
 * The change-size report of every environment whose head flags file parses: base
 * flags from `base` (none: a new environment), plans of its stacks.
 */
export function changeSizeReports(
  base: FlagsSet,
  head: FlagsSet,
  plans: readonly (ChangeSizePlan & { readonly environment: string })[],
  dir = 'flags',
): ChangeSizeReport[] {
  const reports: ChangeSizeReport[] = [];
  for (const [name, raw] of [...head.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const environment = name.replace(/\.json$/, '');
    const after = FlagsSchema.safeParse(raw);
    // A head file that does not parse: check-flags fails the PR and says why.
    if (!after.success) continue;
    reports.push(
      evaluateChangeSize({
        environment,
        flagsFile: `${dir}/${name}`,
        before: parseBaseFlags(base.get(name)),
        after: after.data,
        plans: plans.filter((p) => p.environment === environment),
        limits: after.data.changeLimits,
      }),
    );
  }
  return reports;
}

const ICON = { compliant: '✅ compliant', 'not-applicable': '➖ not applicable', 'non-compliant': '🛑 needs an override' } as const;

/** The markdown of one environment's verdicts. */
export function renderChangeSize(report: ChangeSizeReport): string {
  const out = [`**Change size** (limits: \`$.changeLimits\` of \`${report.flagsFile}\`):`, '', '| rule | verdict | detail |', '| --- | --- | --- |'];
  for (const v of report.verdicts) out.push(`| \`${v.rule}\` | ${ICON[v.status]} | ${cell(v.summary)} |`);
  if (report.needsOverride.length > 0) {
    out.push(
      '',
      `> [!CAUTION]`,
      `> The deploy of \`${report.environment}\` will be **refused** unless the commit message carries ${report.needsOverride.map((r) => `\`${CHANGE_SIZE_OVERRIDE_TRAILER}: ${r}\``).join(' and ')}:`,
      ...report.verdicts.flatMap((v) => v.findings.map((f) => `> - ${cell(f)}`)),
    );
  }
  return out.join('\n');
}

export function changeSizeSection(reports: readonly ChangeSizeReport[]): PlanCommentSection {
  return {
    id: 'changeSize',
    render: (environment) => {
      const report = reports.find((r) => r.environment === environment);
      return report ? renderChangeSize(report) : undefined;
    },
    json: () => reports,
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
