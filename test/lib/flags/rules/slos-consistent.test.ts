/** SlosConsistent: paired compliant and non-compliant cases sharing one helper. */
import { SlosConsistent } from '../../../../lib/flags/rules/slos-consistent';
import { FlagsSchema, type FlagsInput } from '../../../../lib/flags/schema';
import { flagsFor } from '../../deploy/helpers';

const avail = { name: 'ingest-availability', dataset: 'ingest', sloId: 'prod-avail' };
const latency = { name: 'ingest-latency', dataset: 'ingest', sloId: 'prod-p99' };

describe('SlosConsistent', () => {
  it('GIVEN production SLOs that fail closed, each once WHEN checked THEN no problem', () => {
    expect(check('production', { objectives: [avail, latency] })).toEqual([]);
  });

  it('GIVEN production set to proceed when Honeycomb is unreachable WHEN checked THEN one problem at $.slos.whenApiUnreachable', () => {
    expect(check('production', { whenApiUnreachable: 'proceed', objectives: [avail] })).toEqual([
      '$.slos.whenApiUnreachable: production must refuse deploys when Honeycomb cannot be asked for the error budget; allowed: "refuse", or leave it out',
    ]);
  });

  it('GIVEN dogfood set to proceed WHEN checked THEN no problem (its choice)', () => {
    expect(check('dogfood', { whenApiUnreachable: 'proceed', objectives: [avail] })).toEqual([]);
  });

  it('GIVEN a copy-pasted SLO WHEN checked THEN its name and its dataset/sloId are each reported once, at the copy', () => {
    expect(check('dogfood', { objectives: [avail, { ...avail }] })).toEqual([
      '$.slos.objectives[1].name: the same SLO name as $.slos.objectives[0]; allowed: each name once',
      '$.slos.objectives[1].sloId: the same Honeycomb SLO (dataset/sloId) as $.slos.objectives[0]; allowed: each dataset/sloId pair once',
    ]);
  });

  it('GIVEN no slos WHEN checked THEN not applicable: no problem', () => {
    const f = flagsFor('production');
    expect(SlosConsistent.check({ file: 'flags/production.json', environment: 'production', flags: f }, { all: [], now: new Date(), expiredCatchUp: 'reject' })).toEqual([]);
  });
});

function check(environment: string, slos: FlagsInput['slos']): string[] {
  const flags = FlagsSchema.parse({ ...flagsFor(environment), slos });
  return SlosConsistent.check({ file: `flags/${environment}.json`, environment, flags }, { all: [], now: new Date('2026-11-21T12:00:00Z'), expiredCatchUp: 'reject' }).map(
    (p) => `${p.path}: ${p.problem}; allowed: ${p.allowed}`,
  );
}
