import { DEFAULT_CHANGE_LIMITS, FlagsSchema } from '../../../lib/flags/schema';
import { flagsFor } from '../deploy/helpers';

describe('flags schema: slos and changeLimits (issue 12)', () => {
  it('GIVEN no changeLimits WHEN parsed THEN every limit takes its default', () => {
    // GIVEN / WHEN
    const flags = flagsFor('dogfood');

    // THEN
    expect(flags.changeLimits).toEqual(DEFAULT_CHANGE_LIMITS);
    expect(flags.slos).toBeUndefined();
  });

  it('GIVEN slos without a threshold or policy WHEN parsed THEN 10% and "refuse" apply', () => {
    const flags = flagsFor('dogfood', { slos: { objectives: [{ name: 'avail', dataset: 'ingest', sloId: 'abc123' }] } });

    expect(flags.slos).toEqual({ minBudgetRemainingPercent: 10, whenApiUnreachable: 'refuse', objectives: [{ name: 'avail', dataset: 'ingest', sloId: 'abc123' }] });
  });

  it.each([
    ['an empty objectives list', { objectives: [] }, /objectives/],
    ['a threshold above 100', { minBudgetRemainingPercent: 101, objectives: [{ name: 'a', dataset: 'd', sloId: 's' }] }, /minBudgetRemainingPercent/],
    ['an unknown policy', { whenApiUnreachable: 'maybe', objectives: [{ name: 'a', dataset: 'd', sloId: 's' }] }, /whenApiUnreachable/],
    ['an SLO ID with a slash', { objectives: [{ name: 'a', dataset: 'd', sloId: '../x' }] }, /sloId/],
  ])('GIVEN slos with %s WHEN parsed THEN it is refused at that path', (_what, slos, path) => {
    const result = FlagsSchema.safeParse({ ...flagsFor('dogfood'), slos });

    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues.map((i) => i.path.join('.')))).toMatch(path);
  });

  it('GIVEN a negative capacity limit WHEN parsed THEN it is refused', () => {
    const result = FlagsSchema.safeParse({ ...flagsFor('dogfood'), changeLimits: { capacityMoveAbsolute: -1 } });

    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['changeLimits', 'capacityMoveAbsolute']);
  });
});
