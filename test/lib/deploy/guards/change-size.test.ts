import { changeSizeWithinLimits } from '../../../../lib/deploy/guards/change-size';
import type { FlagsInput } from '../../../../lib/flags/schema';
import { contextFor, flagsFor } from '../helpers';
import { makeFlagsRepo, type FlagsRepo } from './flags-repo';

let repo: FlagsRepo;
beforeEach(() => {
  repo = makeFlagsRepo('production');
});
afterEach(() => repo.remove());

describe('ChangeSize', () => {
  it('GIVEN a fat-fingered desiredCapacity 2 → 200 WHEN deployed without an override THEN it is refused with one line per rule', async () => {
    // GIVEN
    const ctx = deploy({}, { ingest: ingest({ desiredCapacity: 200, maxSize: 200 }) }, 'scale up');

    // WHEN
    const result = await changeSizeWithinLimits().run(ctx);

    // THEN
    expect(result.outcome).toBe('block');
    const lines = result.message.split('\n');
    expect(lines[0]).toBe('non-compliant CapacityMoveWithinLimit: 2 size moves beyond ±10 instances and ±100%');
    expect(lines[1]).toMatch(/^  flags\/production\.json: \$\.ingest\.desiredCapacity: moves 2 → 200 \(\+198 instances, \+9900%\)/);
    expect(result.message).toMatch(/^not-applicable OnDemandShareMoveWithinLimit: no on-demand percentage changes$/m);
    expect(result.message).toMatch(/refused: CapacityMoveWithinLimit exceeds the change-size limits of production; nothing was applied\. fix: .*"Allow-Change-Size: CapacityMoveWithinLimit"/);
    expect(result.details).toMatchObject({ refused: ['CapacityMoveWithinLimit'] });
  });

  it('GIVEN the same change with "Allow-Change-Size: CapacityMoveWithinLimit" WHEN deployed THEN it warns and records the override', async () => {
    const ctx = deploy({}, { ingest: ingest({ desiredCapacity: 200, maxSize: 200 }) }, 'scale up for the migration\n\nAllow-Change-Size: CapacityMoveWithinLimit');

    const result = await changeSizeWithinLimits().run(ctx);

    expect(result.outcome).toBe('warn');
    expect(result.message).toMatch(/^overridden CapacityMoveWithinLimit: /);
    expect(result.details?.overrides).toEqual([{ trailer: 'Allow-Change-Size', value: 'CapacityMoveWithinLimit', commit: ctx.commits!.head }]);
  });

  it('GIVEN an override naming another rule WHEN deployed THEN it is still refused', async () => {
    const ctx = deploy({}, { ingest: ingest({ desiredCapacity: 200, maxSize: 200 }) }, 'x\n\nAllow-Change-Size: OnDemandShareMoveWithinLimit');

    expect((await changeSizeWithinLimits().run(ctx)).outcome).toBe('block');
  });

  it('GIVEN a routine 2 → 4 WHEN deployed THEN it passes with every verdict listed', async () => {
    const ctx = deploy({}, { ingest: ingest({ desiredCapacity: 4 }) }, 'scale up a little');

    const result = await changeSizeWithinLimits().run(ctx);

    expect(result.outcome).toBe('pass');
    expect(result.message.split('\n').map((l) => l.split(':')[0])).toEqual([
      'compliant CapacityMoveWithinLimit',
      'not-applicable OnDemandShareMoveWithinLimit',
      'not-applicable FleetsReplacedOrCreatedWithinLimit',
      'not-applicable InstanceRefreshBatchWithinLimit',
    ]);
  });

  it('GIVEN a stricter limit in the flags being deployed WHEN a 2 → 4 deploys THEN the head\'s limit applies', async () => {
    const ctx = deploy({}, { ingest: ingest({ desiredCapacity: 4 }), changeLimits: { capacityMoveAbsolute: 1, capacityMovePercent: 50 } }, 'tighten');

    expect((await changeSizeWithinLimits().run(ctx)).outcome).toBe('block');
  });
});

function ingest(overrides: Record<string, unknown>): FlagsInput['ingest'] {
  return { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2, ...overrides } as FlagsInput['ingest'];
}

function deploy(before: Partial<FlagsInput>, after: Partial<FlagsInput>, message: string) {
  const json = (o: Partial<FlagsInput>) => JSON.parse(JSON.stringify(flagsFor('production', o)));
  const base = repo.commit('base', json(before));
  const head = repo.commit(message, json(after));
  return contextFor('production', { flags: flagsFor('production', after), commits: { base, head }, repoDir: repo.dir });
}
