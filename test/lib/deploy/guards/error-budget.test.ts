import { ERROR_BUDGET_OVERRIDE_TRAILER, errorBudget } from '../../../../lib/deploy/guards/error-budget';
import type { GuardContext, StackPlan } from '../../../../lib/deploy/guards/guard';
import type { FlagsInput } from '../../../../lib/flags/schema';
import { contextFor, flagsFor } from '../helpers';
import { startFakeHoneycomb, type FakeHoneycomb } from './fake-honeycomb';
import { makeFlagsRepo, type FlagsRepo } from './flags-repo';

const API_KEY = 'hcxik_01testkey0000000000000000';
const SLOS = {
  minBudgetRemainingPercent: 25,
  whenApiUnreachable: 'refuse' as const,
  objectives: [
    { name: 'ingest-availability', dataset: 'ingest', sloId: 'prod-avail' },
    { name: 'ingest-latency', dataset: 'ingest', sloId: 'prod-p99' },
  ],
};

let honeycomb: FakeHoneycomb;
let repo: FlagsRepo;

beforeEach(async () => {
  honeycomb = await startFakeHoneycomb({ 'ingest/prod-avail': 80, 'ingest/prod-p99': 60 });
  repo = makeFlagsRepo('production');
});
afterEach(async () => {
  await honeycomb.close();
  repo.remove();
});

describe('ErrorBudget', () => {
  it('GIVEN budgets above the threshold WHEN a feature change deploys THEN it passes, having asked Honeycomb for each SLO in detail', async () => {
    // GIVEN a capacity change
    const { context } = change({}, { ingest: ingest({ desiredCapacity: 3 }) });

    // WHEN
    const result = await guard().run(context);

    // THEN
    expect(result.outcome).toBe('pass');
    expect(result.message).toBe('error budget OK: ingest-availability 80% left (threshold 25%), ingest-latency 60% left (threshold 25%)');
    expect(honeycomb.requests.map((r) => r.path).sort()).toEqual(['/1/slos/ingest/prod-avail?detailed=true', '/1/slos/ingest/prod-p99?detailed=true']);
    expect(honeycomb.requests.every((r) => r.apiKey === API_KEY)).toBe(true);
    expect(result.details).toMatchObject({ state: 'checked', change: 'feature', exhausted: [] });
  });

  it('GIVEN one SLO below the threshold WHEN a feature change deploys THEN it is refused, naming the SLO, the change and the way out', async () => {
    honeycomb.budgets.set('ingest/prod-p99', -12.34);
    const { context } = change({}, { ingest: ingest({ desiredCapacity: 3 }) });

    const result = await guard().run(context);

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/^production has burned its error budget: SLO ingest-latency has -12.3% left, below 25% \(flags\/production\.json: \$\.slos\.minBudgetRemainingPercent\)/);
    expect(result.message).toContain('The change: $.ingest.desiredCapacity: 2 → 3.');
    expect(result.message).toContain('add the trailer "Allow-Error-Budget: <why>"');
    expect(result.details).toMatchObject({ exhausted: ['ingest-latency'] });
  });

  it('GIVEN an exhausted budget WHEN the deploy is a git revert of the last change THEN the rollback passes', async () => {
    honeycomb.budgets.set('ingest/prod-avail', 0);
    // (production runs the change; the revert is deployed on top of it)
    const { head: deployed } = change({}, { ingest: ingest({ desiredCapacity: 3 }) });
    repo.git('revert', '--no-edit', 'HEAD');
    const context = contextAt(deployed, repo.git('rev-parse', 'HEAD'), {});

    const result = await guard().run(context);

    expect(result.outcome).toBe('pass');
    expect(result.message).toMatch(/^error budget below threshold \(ingest-availability 0% left .*\), but a rollback change passes: [0-9a-f]{12} Revert "change"/);
    expect(result.details).toMatchObject({ change: 'rollback' });
  });

  it.each([
    ['the catch-up fleet turned off', { catchUp: { enabled: true, expiresAt: '2026-12-01T00:00:00Z' } }, { catchUp: { enabled: false } }, /catch-up fleet turned off/],
    ['a quarantine removed', { quarantines: [{ name: 'acme', pathPatterns: ['/1/acme/*'] }] }, { quarantines: [] }, /quarantine acme turned off \(removed\)/],
    ['a quarantine scaled to 0', { quarantines: [{ name: 'acme', pathPatterns: ['/1/acme/*'], instanceCount: 2 }] }, { quarantines: [{ name: 'acme', pathPatterns: ['/1/acme/*'], instanceCount: 0 }] }, /instanceCount 2 → 0/],
  ])('GIVEN an exhausted budget WHEN the change is risk-reducing (%s) THEN it passes', async (_what, before, after, reason) => {
    honeycomb.budgets.set('ingest/prod-avail', 3);
    const { context } = change(before as Partial<FlagsInput>, after as Partial<FlagsInput>);

    const result = await guard().run(context);

    expect(result.outcome).toBe('pass');
    expect(result.message).toMatch(reason);
    expect(result.details).toMatchObject({ change: 'risk-reducing' });
  });

  it('GIVEN an exhausted budget WHEN the main fleet pins a build it ran before THEN it passes; a build never pinned is refused', async () => {
    honeycomb.budgets.set('ingest/prod-avail', 3);
    repo.commit('old build', input({ ingest: ingest({ buildId: '2026.11.01-1' }) }));
    const base = repo.commit('new build', input({ ingest: ingest({ buildId: '2026.11.20-1' }) }));
    const back = repo.commit('pin the old build', input({ ingest: ingest({ buildId: '2026.11.01-1' }) }));

    const pinned = await guard().run(contextAt(base, back, { ingest: ingest({ buildId: '2026.11.01-1' }) }));
    const fresh = repo.commit('a new build', input({ ingest: ingest({ buildId: '2026.11.27-1' }) }));
    const refused = await guard().run(contextAt(back, fresh, { ingest: ingest({ buildId: '2026.11.27-1' }) }));

    expect(pinned.outcome).toBe('pass');
    expect(pinned.message).toMatch(/\$\.ingest\.buildId: pins build 2026\.11\.01-1, which flags\/production\.json named before/);
    expect(refused.outcome).toBe('block');
    expect(refused.message).toContain('$.ingest.buildId: "2026.11.01-1" → "2026.11.27-1"');
  });

  it('GIVEN an exhausted budget WHEN a catch-up fleet is turned off together with a code change THEN it is a feature change and refused', async () => {
    honeycomb.budgets.set('ingest/prod-avail', 3);
    const base = repo.commit('base', input({ catchUp: { enabled: true, expiresAt: '2026-12-01T00:00:00Z' } }));
    const head = repo.commit('both', input({ catchUp: { enabled: false } }), { 'lib/constructs/x.ts': 'export {};\n' });

    const result = await guard().run(contextAt(base, head, { catchUp: { enabled: false } }));

    expect(result.outcome).toBe('block');
    expect(result.message).toContain('code changes: lib/constructs/x.ts');
  });

  it('GIVEN an exhausted budget WHEN the commit carries Allow-Error-Budget THEN it warns and records the override', async () => {
    honeycomb.budgets.set('ingest/prod-avail', 3);
    const base = repo.commit('base', input({}));
    const head = repo.commit(`scale up for Black Friday\n\n${ERROR_BUDGET_OVERRIDE_TRAILER}: capacity for the sale, approved by on-call`, input({ ingest: ingest({ desiredCapacity: 3 }) }));

    const result = await guard().run(contextAt(base, head, { ingest: ingest({ desiredCapacity: 3 }) }));

    expect(result.outcome).toBe('warn');
    expect(result.message).toContain(`overridden by Allow-Error-Budget in ${head.slice(0, 12)}: capacity for the sale, approved by on-call`);
    expect(result.details?.overrides).toEqual([{ trailer: 'Allow-Error-Budget', value: 'capacity for the sale, approved by on-call', commit: head }]);
  });

  it('GIVEN Honeycomb is down WHEN production deploys THEN it fails closed, saying so, and never shows the API key', async () => {
    honeycomb.failWith = 503;
    const { context } = change({}, { ingest: ingest({ desiredCapacity: 3 }) });

    const result = await guard().run(context);

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/^Honeycomb could not be asked for the error budget \(Honeycomb SLO GET http:\/\/127\.0\.0\.1:\d+\/1\/slos\/ingest\/prod-(avail|p99)\?detailed=true failed \(503\)/);
    expect(result.message).toMatch(/fail closed, the deploy is refused \(production always fails closed\)/);
    expect(result.details).toMatchObject({ state: 'unreachable', policy: 'fail closed' });
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('GIVEN Honeycomb is unreachable WHEN dogfood, whose policy is "proceed", deploys THEN it passes and states the policy', async () => {
    await honeycomb.close();
    const repoDog = makeFlagsRepo('dogfood');
    try {
      const base = repoDog.commit('base', input({}, 'dogfood'));
      const head = repoDog.commit('change', input({ ingest: ingest({ desiredCapacity: 3 }) }, 'dogfood'));
      const flags = flagsFor('dogfood', { slos: { ...SLOS, whenApiUnreachable: 'proceed' }, ingest: ingest({ desiredCapacity: 3 }) });

      const result = await guard().run(contextFor('dogfood', { flags, plans: PLANS, commits: { base, head }, repoDir: repoDog.dir }));

      expect(result.outcome).toBe('pass');
      expect(result.message).toMatch(/proceed, the deploy goes ahead \(slos\.whenApiUnreachable = "proceed"\)/);
      expect(result.details).toMatchObject({ state: 'unreachable', policy: 'proceed' });
    } finally {
      honeycomb = await startFakeHoneycomb();
      repoDog.remove();
    }
  });

  it('GIVEN no HONEYCOMB_API_KEY WHEN production deploys THEN it fails closed', async () => {
    const { context } = change({}, { ingest: ingest({ desiredCapacity: 3 }) });

    const result = await errorBudget({ env: {}, apiUrl: honeycomb.url }).run(context);

    expect(result.outcome).toBe('block');
    expect(result.message).toMatch(/^Honeycomb could not be asked for the error budget \(HONEYCOMB_API_KEY is not set\)/);
    expect(honeycomb.requests).toHaveLength(0);
  });

  it('GIVEN an exhausted budget WHEN the plans only move a resource and change an output THEN it passes without asking Honeycomb: nothing in AWS changes', async () => {
    // GIVEN
    honeycomb.budgets.set('ingest/prod-avail', 0);
    const plans: StackPlan[] = [
      { stack: 'production-data', plan: { resource_changes: [{ address: 'aws_dynamodb_table.Locks', previous_address: 'aws_dynamodb_table.LockTable', type: 'aws_dynamodb_table', change: { actions: ['no-op'] } }] } },
      {
        stack: 'production-fleet',
        plan: { resource_changes: [{ address: 'aws_autoscaling_group.main', type: 'aws_autoscaling_group', change: { actions: ['no-op'] } }], output_changes: { load_balancer_dns_name: { actions: ['create'] } } },
      },
    ];

    // WHEN
    const result = await guard().run(contextFor('production', { flags: flagsFor('production', { slos: SLOS }), plans }));

    // THEN
    expect(result).toMatchObject({ outcome: 'pass', message: 'the plan changes no resource in AWS; no budget is spent', details: { checked: false } });
    expect(honeycomb.requests).toHaveLength(0);
  });

  it('GIVEN no $.slos WHEN any change deploys THEN it passes without asking Honeycomb', async () => {
    const result = await guard().run(contextFor('production', { plans: PLANS }));

    expect(result).toMatchObject({ outcome: 'pass', details: { checked: false } });
    expect(honeycomb.requests).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------

const PLANS: StackPlan[] = [
  { stack: 'production-fleet', plan: { resource_changes: [{ address: 'aws_autoscaling_group.main', type: 'aws_autoscaling_group', change: { actions: ['update'] } }] } },
];

function guard() {
  return errorBudget({ apiKey: API_KEY, apiUrl: honeycomb.url, env: {} });
}

function ingest(overrides: Record<string, unknown>): FlagsInput['ingest'] {
  return { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2, ...overrides } as FlagsInput['ingest'];
}

/** The flags file as committed: valid input JSON of `environment` with SLOs. */
function input(overrides: Partial<FlagsInput>, environment = 'production'): FlagsInput {
  return JSON.parse(JSON.stringify(flagsFor(environment, { slos: SLOS, ...overrides })));
}

function contextAt(base: string, head: string, overrides: Partial<FlagsInput>): GuardContext {
  return contextFor('production', { flags: flagsFor('production', { slos: SLOS, ...overrides }), plans: PLANS, commits: { base, head }, repoDir: repo.dir });
}

/** Commits `before` then `after` ("change") and returns the guard context of deploying it. */
function change(before: Partial<FlagsInput>, after: Partial<FlagsInput>): { base: string; head: string; context: GuardContext } {
  const base = repo.commit('base', input(before));
  const head = repo.commit('change', input(after));
  return { base, head, context: contextAt(base, head, after) };
}
