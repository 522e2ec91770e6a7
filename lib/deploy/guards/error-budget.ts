/**
 * The error-budget gate. Before a deploy, read each SLO's remaining error budget
 * from Honeycomb (`GET /1/slos/{dataset}/{sloId}?detailed=true`, `budget_remaining`,
 * in percent) and refuse a feature change while any SLO is below the environment's
 * threshold (`$.slos`). A rollback, a revert or a risk-reducing change passes
 * (lib/deploy/change-source.ts, `assessRisk`, defines them). So does a change whose
 * commit carries `Allow-Error-Budget: <why>`: the guard warns, and the override is
 * recorded in the deploy record, the deploy history (the guard's message) and the
 * Honeycomb marker (details.overrides).
 *
 * When Honeycomb cannot be asked (no HONEYCOMB_API_KEY, network, non-2xx), the
 * environment's policy decides, like the freeze guard: production always refuses;
 * others follow `$.slos.whenApiUnreachable` (default "refuse"). The result says which.
 */
import { deployMessages } from '../../errors';
import { parseBaseFlags } from '../../change-size';
import { gitChangeSource, assessRisk, type ChangeSource } from '../change-source';
import { fetchSloBudget, type SloBudget } from '../honeycomb';
import { block, pass, warn, type Guard, type GuardContext, type GuardResult } from './guard';
import type { Flags } from '../../flags/schema';

/** The trailer that lets a feature change through an exhausted budget; its value says why. */
export const ERROR_BUDGET_OVERRIDE_TRAILER = 'Allow-Error-Budget';
/** Environments that always fail closed when Honeycomb cannot be asked. */
export const BUDGET_ALWAYS_FAIL_CLOSED: readonly string[] = ['production'];

export interface ErrorBudgetOptions {
  /** Honeycomb configuration API key. @default process.env.HONEYCOMB_API_KEY */
  readonly apiKey?: string;
  /** @default process.env.HONEYCOMB_API_URL or "https://api.honeycomb.io" */
  readonly apiUrl?: string;
  /** Reads one SLO's budget. @default fetchSloBudget */
  readonly fetchBudget?: (config: { apiKey: string; apiUrl: string }, dataset: string, sloId: string) => Promise<SloBudget>;
  /** The change being deployed. @default gitChangeSource */
  readonly changes?: ChangeSource;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface BudgetPolicy {
  readonly refuse: boolean;
  readonly source: string;
}

/** What the guard does when Honeycomb cannot answer. */
export function budgetUnreachablePolicy(environment: string, slos: Pick<NonNullable<Flags['slos']>, 'whenApiUnreachable'>): BudgetPolicy {
  if (BUDGET_ALWAYS_FAIL_CLOSED.includes(environment)) return { refuse: true, source: `${environment} always fails closed` };
  return { refuse: slos.whenApiUnreachable === 'refuse', source: `slos.whenApiUnreachable = "${slos.whenApiUnreachable}"` };
}

export function errorBudget(options: ErrorBudgetOptions = {}): Guard {
  const id = 'ErrorBudget';
  const changes = options.changes ?? gitChangeSource;
  const fetchBudget = options.fetchBudget ?? fetchSloBudget;
  return {
    id,
    description: `No feature change ships while an SLO's remaining error budget is below $.slos.minBudgetRemainingPercent (Honeycomb); rollbacks and risk-reducing changes pass; "${ERROR_BUDGET_OVERRIDE_TRAILER}: <why>" overrides.`,
    run: async (context: GuardContext): Promise<GuardResult> => {
      const { environment, flagsFile, flags } = context;
      const slos = flags.slos;
      if (!slos) return pass(id, `no SLOs configured for ${environment} ($.slos in ${flagsFile}); the error budget is not checked`, { checked: false });
      if (!context.plans.some((p) => (p.plan.resource_changes ?? []).some((rc) => !rc.change.actions.every((a) => a === 'no-op' || a === 'read')))) {
        // (A move, an import or an output change alone is applied, but touches nothing in AWS.)
        return pass(id, 'the plan changes no resource in AWS; no budget is spent', { checked: false });
      }
      const env = options.env ?? process.env;
      const apiKey = options.apiKey ?? env.HONEYCOMB_API_KEY;
      const apiUrl = (options.apiUrl ?? env.HONEYCOMB_API_URL ?? 'https://api.honeycomb.io').replace(/\/+$/, '');
      const policy = budgetUnreachablePolicy(environment, slos);

      const risk = await assessRisk(context, changes, parseBaseFlags(await changes.deployedFlags(context)));
      const overrides = (await changes.trailers(ERROR_BUDGET_OVERRIDE_TRAILER, context)).map((t) => ({ trailer: ERROR_BUDGET_OVERRIDE_TRAILER, value: t.value, commit: t.commit }));
      const baseDetails = { change: risk.kind, changeReasons: risk.reasons, policy: policy.refuse ? 'fail closed' : 'proceed', policySource: policy.source };

      // Read every SLO; one that cannot be read makes the answer "unreachable".
      let budgets: (SloBudget & { name: string; threshold: number })[] = [];
      let unreachable: string | undefined;
      if (!apiKey) unreachable = 'HONEYCOMB_API_KEY is not set';
      else {
        try {
          budgets = await Promise.all(
            slos.objectives.map(async (o) => ({
              ...(await fetchBudget({ apiKey, apiUrl }, o.dataset, o.sloId)),
              name: o.name,
              threshold: o.minBudgetRemainingPercent ?? slos.minBudgetRemainingPercent,
            })),
          );
        } catch (e) {
          unreachable = (e as Error).message;
        }
      }
      const budgetDetails = budgets.map((b) => ({ slo: b.name, dataset: b.dataset, sloId: b.sloId, budgetRemainingPercent: b.budgetRemainingPercent, threshold: b.threshold }));
      const exempt = risk.kind !== 'feature';
      const overrideNote = overrides.length
        ? `overridden by ${overrides.map((o) => `${ERROR_BUDGET_OVERRIDE_TRAILER} in ${o.commit.slice(0, 12)}: ${o.value}`).join('; ')}`
        : '';

      if (unreachable !== undefined) {
        const message = deployMessages.errorBudgetUnanswered(environment, flagsFile, unreachable, policy);
        const details = { ...baseDetails, state: 'unreachable', reason: unreachable };
        if (!policy.refuse) return pass(id, message, details);
        if (exempt) return pass(id, `${message}; but a ${risk.kind} change passes: ${risk.reasons.join('; ')}`, details);
        if (overrides.length) return warn(id, `${message}; ${overrideNote}`, { ...details, overrides });
        return block(id, message, details);
      }

      const below = budgets.filter((b) => b.budgetRemainingPercent < b.threshold);
      const shown = budgets.map((b) => `${b.name} ${round(b.budgetRemainingPercent)}% left (threshold ${round(b.threshold)}%)`).join(', ');
      const details = { ...baseDetails, state: 'checked', budgets: budgetDetails, exhausted: below.map((b) => b.name) };
      if (below.length === 0) return pass(id, `error budget OK: ${shown}`, details);
      if (exempt) return pass(id, `error budget below threshold (${shown}), but a ${risk.kind} change passes: ${risk.reasons.join('; ')}`, details);
      if (overrides.length) return warn(id, `error budget below threshold (${shown}); ${overrideNote}`, { ...details, overrides });
      return block(id, deployMessages.errorBudgetExhausted(environment, flagsFile, below, risk.reasons), details);
    },
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
