/**
 * The change-size guard: runs the change-size rules (lib/change-size/) on the flags
 * deployed now (at the base commit) → the flags being deployed, and on the plans.
 * A non-compliant rule refuses the deploy unless a commit being deployed names it
 * in a trailer:
 *
 *     Allow-Change-Size: CapacityMoveWithinLimit
 *
 * (one rule per trailer; the guard then warns, and the override is recorded in the
 * deploy record, the history and the Honeycomb marker). The same verdicts are in
 * the PR comment, so a reviewer sees "this needs an override" before merging.
 */
import { CHANGE_SIZE_OVERRIDE_TRAILER, evaluateChangeSize, parseBaseFlags, type ChangeSizeReport } from '../../change-size';
import { gitChangeSource, type ChangeSource } from '../change-source';
import { block, pass, warn, type Guard, type GuardContext, type GuardResult } from './guard';

export interface ChangeSizeWithinLimitsOptions {
  /** The change being deployed. @default gitChangeSource */
  readonly changes?: ChangeSource;
}

/** One line per rule: "non-compliant CapacityMoveWithinLimit: ..." and its findings indented below. */
export function formatChangeSizeVerdicts(report: ChangeSizeReport, overridden: ReadonlySet<string> = new Set()): string {
  return report.verdicts
    .map((v) => {
      const status = v.status === 'non-compliant' && overridden.has(v.rule) ? 'overridden' : v.status;
      return [`${status} ${v.rule}: ${v.summary}`, ...v.findings.map((f) => `  ${f}`)].join('\n');
    })
    .join('\n');
}

export function changeSizeWithinLimits(options: ChangeSizeWithinLimitsOptions = {}): Guard {
  const id = 'ChangeSize';
  const changes = options.changes ?? gitChangeSource;
  return {
    id,
    description: `Every change-size rule (lib/change-size/) is compliant, or named in an "${CHANGE_SIZE_OVERRIDE_TRAILER}: <rule>" trailer.`,
    run: async (context: GuardContext): Promise<GuardResult> => {
      const before = parseBaseFlags(await changes.deployedFlags(context));
      const report = evaluateChangeSize({
        environment: context.environment,
        flagsFile: context.flagsFile,
        before,
        after: context.flags,
        plans: context.plans,
        limits: context.flags.changeLimits,
      });
      const verdicts = report.verdicts.map((v) => ({ rule: v.rule, status: v.status, summary: v.summary }));
      if (report.needsOverride.length === 0) {
        return pass(id, formatChangeSizeVerdicts(report), { verdicts });
      }
      const trailers = await changes.trailers(CHANGE_SIZE_OVERRIDE_TRAILER, context);
      const named = new Map(trailers.map((t) => [t.value, t.commit]));
      const overrides = report.needsOverride.filter((r) => named.has(r)).map((r) => ({ trailer: CHANGE_SIZE_OVERRIDE_TRAILER, value: r, commit: named.get(r)! }));
      const refused = report.needsOverride.filter((r) => !named.has(r));
      const text = formatChangeSizeVerdicts(report, new Set(overrides.map((o) => o.value)));
      const details = { verdicts, refused, ...(overrides.length ? { overrides } : {}) };
      if (refused.length > 0) {
        return block(
          id,
          `${text}\nrefused: ${refused.join(', ')} exceed${refused.length === 1 ? 's' : ''} the change-size limits of ${context.environment}; nothing was applied. ` +
            `fix: make the change in smaller steps, or, if it is intended, add ${refused.map((r) => `"${CHANGE_SIZE_OVERRIDE_TRAILER}: ${r}"`).join(' and ')} to the commit message`,
          details,
        );
      }
      return warn(id, `${text}\n${overrides.map((o) => `overridden by ${CHANGE_SIZE_OVERRIDE_TRAILER}: ${o.value} in ${o.commit.slice(0, 12)}`).join('\n')}`, details);
    },
  };
}
