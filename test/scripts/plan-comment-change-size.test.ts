/**
 * The change-size verdicts in the PR comment and in `plan-comment render --format json`
 * (issue 12): real flags files, a real plan fixture, the real renderer.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { render } from '../../scripts/plan-comment';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();

const PLAN = path.join(__dirname, '..', 'fixtures', 'plans', 'update', 'sandbox-data.plan.json');

/** base/ and head/ flags dirs: the shipped sandbox file, the head edited by `edit`. */
function flagsDirs(edit: (flags: any) => void): { base: string; head: string } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = tempDir('change-size-comment-');
  const shipped = JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));
  const head = JSON.parse(JSON.stringify(shipped));
  edit(head);
  for (const [side, flags] of [['base', shipped], ['head', head]] as const) {
    mkdirSync(path.join(dir, side));
    writeFileSync(path.join(dir, side, 'sandbox.json'), JSON.stringify(flags));
  }
  return { base: path.join(dir, 'base'), head: path.join(dir, 'head') };
}

describe('plan-comment: change-size verdicts', () => {
  it('GIVEN a PR that moves desiredCapacity 2 → 200 WHEN rendered as JSON THEN each rule has a verdict and the capacity rule needs an override', () => {
    // GIVEN
    const dirs = flagsDirs((f) => {
      f.ingest.desiredCapacity = 200;
      f.ingest.maxSize = 200;
    });

    // WHEN
    const json = JSON.parse(render({ plans: [{ file: PLAN }], format: 'json', baseFlags: dirs.base, headFlags: dirs.head }));

    // THEN
    const [report] = json.sections.changeSize;
    expect(report).toMatchObject({ environment: 'sandbox', flagsFile: 'flags/sandbox.json', needsOverride: ['CapacityMoveWithinLimit'] });
    expect(report.verdicts.map((v: { rule: string; status: string }) => [v.rule, v.status])).toEqual([
      ['CapacityMoveWithinLimit', 'non-compliant'],
      ['OnDemandShareMoveWithinLimit', 'not-applicable'],
      ['FleetsReplacedOrCreatedWithinLimit', 'not-applicable'],
      ['InstanceRefreshBatchWithinLimit', 'not-applicable'],
    ]);
  });

  it('GIVEN the same PR WHEN rendered as markdown THEN the environment shows the verdict table and the trailer it needs, next to the plan', () => {
    const dirs = flagsDirs((f) => {
      f.ingest.desiredCapacity = 200;
      f.ingest.maxSize = 200;
    });

    const md = render({ plans: [{ file: PLAN }], format: 'markdown', baseFlags: dirs.base, headFlags: dirs.head });

    expect(md).toContain('**Change size** (limits: `$.changeLimits` of `flags/sandbox.json`):');
    expect(md).toMatch(/\| `CapacityMoveWithinLimit` \| 🛑 needs an override \| 2 size moves beyond ±10 instances and ±100% \|/);
    expect(md).toContain('> The deploy of `sandbox` will be **refused** unless the commit message carries `Allow-Change-Size: CapacityMoveWithinLimit`:');
    expect(md).toMatch(/> - flags\/sandbox\.json: \$\.ingest\.desiredCapacity: moves 2 → 200/);
    expect(md.indexOf('**Change size**')).toBeGreaterThan(md.indexOf('### Environment `sandbox`'));
    expect(md.indexOf('**Change size**')).toBeLessThan(md.lastIndexOf('sandbox-data'));
  });

  it('GIVEN a routine 2 → 4 WHEN rendered THEN the capacity rule is compliant and no override is asked for', () => {
    const dirs = flagsDirs((f) => {
      f.ingest.desiredCapacity = 4;
    });

    const md = render({ plans: [{ file: PLAN }], format: 'markdown', baseFlags: dirs.base, headFlags: dirs.head });

    expect(md).toMatch(/\| `CapacityMoveWithinLimit` \| ✅ compliant \| within ±10 instances or ±100%: ingest\.desiredCapacity 2 → 4 \|/);
    expect(md).not.toContain('will be **refused**');
  });

  it('GIVEN no flags compared WHEN rendered as JSON THEN there is no sections key (nothing to judge)', () => {
    const json = JSON.parse(render({ plans: [{ file: PLAN }], format: 'json' }));

    expect(json.sections).toBeUndefined();
  });
});
