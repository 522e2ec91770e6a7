/** What "risk-reducing" means (assessRisk), with the change injected: no git. */
import { assessRisk, isRevertCommit, type ChangeCommit, type ChangeSource } from '../../../lib/deploy/change-source';
import type { FlagsInput } from '../../../lib/flags/schema';
import { contextFor, flagsFor } from './helpers';

const acme = { name: 'acme', pathPatterns: ['/1/acme/*'], instanceCount: 2, buildId: '2026.11.20-1-debug' };
const globex = { name: 'globex', pathPatterns: ['/1/globex/*'], instanceCount: 1 };

describe('assessRisk', () => {
  it('GIVEN the catch-up fleet turned off and a size changed in one commit WHEN assessed THEN it is a feature change, naming the size', async () => {
    const r = await assess({ catchUp: { enabled: true, expiresAt: '2026-12-01T00:00:00Z' } }, { catchUp: { enabled: false }, ingest: ingest({ desiredCapacity: 3 }) });

    expect(r).toEqual({ kind: 'feature', reasons: ['$.ingest.desiredCapacity: 2 → 3'] });
  });

  it('GIVEN one quarantine removed and another pinned to a build it ran before WHEN assessed THEN both reasons are risk-reducing', async () => {
    const r = await assess(
      { quarantines: [acme, { ...globex, buildId: '2026.11.25-1' }] },
      { quarantines: [{ ...globex, buildId: '2026.11.01-1' }] },
      { pinned: ['2026.11.01-1'] },
    );

    expect(r.kind).toBe('risk-reducing');
    expect(r.reasons).toEqual(['quarantine globex buildId: pins build 2026.11.01-1, which flags/production.json named before', 'quarantine acme turned off (removed)']);
  });

  it('GIVEN a new quarantine WHEN assessed THEN it is a feature change', async () => {
    expect(await assess({}, { quarantines: [globex] })).toEqual({ kind: 'feature', reasons: ['quarantine globex added'] });
  });

  it('GIVEN a quarantine raised 2 → 3 WHEN assessed THEN it is a feature change; 2 → 0 is risk-reducing', async () => {
    expect((await assess({ quarantines: [acme] }, { quarantines: [{ ...acme, instanceCount: 3 }] })).kind).toBe('feature');
    expect((await assess({ quarantines: [acme] }, { quarantines: [{ ...acme, instanceCount: 0 }] })).kind).toBe('risk-reducing');
  });

  it('GIVEN only the error-budget threshold lowered WHEN assessed THEN it is a feature change (nobody lowers the bar to get through)', async () => {
    const r = await assess({}, { slos: { minBudgetRemainingPercent: 0, objectives: [{ name: 'a', dataset: 'd', sloId: 's' }] } });

    expect(r.kind).toBe('feature');
    expect(r.reasons[0]).toMatch(/^\$\.slos/);
  });

  it('GIVEN every commit a revert WHEN assessed THEN it is a rollback, whatever the flags say; one ordinary commit among them makes it not', async () => {
    const revert = { sha: 'a'.repeat(40), subject: 'Revert "Scale up (#41)"', body: 'This reverts commit ' + 'b'.repeat(40) + '.' };
    const ordinary = { sha: 'c'.repeat(40), subject: 'Scale up', body: '' };

    expect((await assess({}, { ingest: ingest({ desiredCapacity: 3 }) }, { commits: [revert] })).kind).toBe('rollback');
    expect((await assess({}, { ingest: ingest({ desiredCapacity: 3 }) }, { commits: [revert, ordinary] })).kind).toBe('feature');
  });

  it('GIVEN no deployed flags WHEN assessed THEN it is a feature change (a first deploy)', async () => {
    const r = await assessRisk(contextFor('production'), source({}), undefined);

    expect(r.kind).toBe('feature');
  });
});

describe('isRevertCommit', () => {
  it.each([
    [{ subject: 'Revert "x"', body: '' }, true],
    [{ subject: 'rollback production', body: 'This reverts commit 0123456.' }, true],
    [{ subject: 'Reverting the mess', body: '' }, false],
  ])('GIVEN %j WHEN checked THEN %s', (c, expected) => {
    expect(isRevertCommit({ sha: 'x', ...c })).toBe(expected);
  });
});

function ingest(overrides: Record<string, unknown>): FlagsInput['ingest'] {
  return { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2, ...overrides } as FlagsInput['ingest'];
}

function source(options: { pinned?: string[]; commits?: ChangeCommit[]; files?: string[] }): ChangeSource {
  return {
    deployedFlags: async () => undefined,
    commits: async () => options.commits ?? [{ sha: 'd'.repeat(40), subject: 'change', body: '' }],
    changedFiles: async () => options.files ?? ['flags/production.json'],
    trailers: async () => [],
    pinnedBefore: async (id) => (options.pinned ?? []).includes(id),
  };
}

function assess(before: Partial<FlagsInput>, after: Partial<FlagsInput>, options: Parameters<typeof source>[0] = {}) {
  return assessRisk(contextFor('production', { flags: flagsFor('production', after) }), source(options), flagsFor('production', before));
}
