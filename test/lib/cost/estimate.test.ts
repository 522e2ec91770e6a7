/**
 * Cost in the PR comment: each fleet's estimated monthly cost before -> after, from
 * real offline Terraform plans of the fleet stack against a baseline "as if applied"
 * (lib/plan/baselines.ts buildBaselines, once per test run with the other suites' fleet
 * baselines: test/helpers/shared-baselines.ts), one case per flag, every case a module of
 * one root (one `plan` and one `show` for all). Expected figures are worked out by
 * hand from lib/cost/prices.ts (us-east-1, 730 h, spot 60 % below on-demand).
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARCH_PROFILES } from '../../../lib/arch';
import { estimateStackCost, splitOf, type StackCost } from '../../../lib/cost/estimate';
import { PRICE_CHECKS, PRICE_TABLE } from '../../../lib/cost/prices';
import { renderCostSection, usd } from '../../../lib/cost/section';
import { loadFlagsOrThrow } from '../../../lib/flags/load';
import type { Flags } from '../../../lib/flags/schema';
import { parseTerraformPlan } from '../../../lib/plan/plan-json';
import { moduleState } from '../../../lib/plan/baselines';
import { modulePlan, writeModulesWorkdir } from '../../../lib/terraform/modules-workdir';
import { planJson } from '../../../lib/terraform/runner';
import { main } from '../../../scripts/plan-comment';
import { fleetFlags, SYNTH_NOW } from '../../helpers/fleet-flags';
import { synthFleetStack } from '../../helpers/fleet-synth';
import { sharedFleetBaselines } from '../../helpers/shared-baselines';

let root: string;
const costs = new Map<string, StackCost>();
const planFiles = new Map<string, string>();

const CASES: Array<[string, Flags]> = [
  ['unchanged', fleetFlags()],
  // Spot ratio: all spot instead of all on-demand.
  ['spot', fleetFlags({}, (raw) => { raw.ingest.spot = { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 }; })],
  // Arch switch: amd64 -> arm64 (Graviton types).
  ['arch', fleetFlags({ arch: true })],
  // Autoscaling bounds: min 3, desired 4, max 10 (autoscaling off: the group holds desired).
  ['bounds', fleetFlags({}, (raw) => { Object.assign(raw.ingest, { minSize: 3, desiredCapacity: 4, maxSize: 10 }); })],
  // Catch-up fleet: 3 spot instances until CATCH_UP_EXPIRES_AT, 78 h after SYNTH_NOW.
  ['catch-up', fleetFlags({ catchUp: true })],
  // Quarantine fleets: acme (1 x c7i.xlarge) and globex (2 x c7i.large), on-demand.
  ['quarantines', fleetFlags({ quarantines: true })],
];

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-cost-'));
  // GIVEN a baseline: the sandbox fleet with every fleet flag off (amd64, 2 on-demand instances)
  // (built once per test run with the other suites' fleet baselines: helpers/shared-baselines.ts)
  const state = (await sharedFleetBaselines(['all-off'])).get('all-off')!.state;
  // WHEN each flag changes, planned by Terraform against it: every case a module of one root,
  // each against the baseline moved into its module, so one plan and one show for all
  const dir = path.join(root, 'cases');
  const { sharedProvider } = await writeModulesWorkdir(dir, new Map(CASES.map(([name, flags]) => [name, synthFleetStack(flags)])), { outputs: true });
  const stateFile = path.join(root, 'cases.tfstate');
  writeFileSync(stateFile, JSON.stringify(moduleState(CASES.map(([name]) => [name, state] as const), sharedProvider, { lineage: 'cost', serial: 1, terraformVersion: state.terraform_version })));
  const plan = await planJson(dir, { stateFile });
  for (const [name] of CASES) {
    // Each case's part of the plan, shaped like the plan of that configuration alone (modules-workdir.ts modulePlan).
    const part = modulePlan(plan, name);
    const file = path.join(root, `sandbox-fleet.${name}.plan.json`);
    writeFileSync(file, JSON.stringify(part));
    planFiles.set(name, file);
    costs.set(name, estimateStackCost(parseTerraformPlan(part), 'sandbox-fleet', 'sandbox', { now: SYNTH_NOW })!);
  }
}, 1_200_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const fleet = (c: StackCost, group: string) => c.fleets.find((f) => (f.after ?? f.before)!.group === group)!;
const MAIN = 'fleetflags-sandbox-ingest';

describe('estimated monthly cost from the plan', () => {
  it('GIVEN no change WHEN estimated THEN before equals after: 2 x c7i.xlarge on-demand and the load balancer', () => {
    const c = costs.get('unchanged')!;
    expect(c.region).toBe('us-east-1');
    expect(fleet(c, MAIN).after).toMatchObject({ split: { instances: 2, onDemand: 2, spot: 0 }, onDemandType: 'c7i.xlarge', onDemandUsdPerHour: 0.1785, hours: 730 });
    expect(fleet(c, MAIN).after!.monthlyUsd).toBeCloseTo(2 * 0.1785 * 730, 2); // $260.61
    expect(c.loadBalancers[0].after!.monthlyUsd).toBeCloseTo(0.0225 * 730, 1);
    expect(c.deltaUsd).toBe(0);
    expect(c.totalAfterUsd).toBeCloseTo(260.61 + 16.43, 1);
  });

  it('GIVEN the spot ratio set to all spot WHEN estimated THEN the main fleet runs on the cheapest type at the spot discount', () => {
    const main = fleet(costs.get('spot')!, MAIN);
    expect(main.before!.split).toEqual({ instances: 2, onDemand: 2, spot: 0 });
    expect(main.after).toMatchObject({ split: { instances: 2, onDemand: 0, spot: 2 }, spotType: 'c6a.xlarge', spotUsdPerHour: 0.0612 });
    expect(main.after!.monthlyUsd).toBeCloseTo(89.35, 2); // 2 x 0.153 x 0.4 x 730
    expect(main.deltaUsd).toBeCloseTo(89.35 - 260.61, 2);
    expect(costs.get('spot')!.deltaUsd).toBeCloseTo(-171.26, 2);
  });

  it('GIVEN the arch switched to arm64 WHEN estimated THEN the Graviton types are priced', () => {
    const main = fleet(costs.get('arch')!, MAIN);
    expect(main.before!.instanceTypes).toEqual(ARCH_PROFILES.amd64.instanceTypes);
    expect(main.after!.instanceTypes).toEqual(ARCH_PROFILES.arm64.instanceTypes);
    expect(main.after).toMatchObject({ onDemandType: 'c7g.xlarge', onDemandUsdPerHour: 0.145 });
    expect(main.after!.monthlyUsd).toBeCloseTo(211.7, 2); // 2 x 0.145 x 730
    expect(main.deltaUsd).toBeCloseTo(-48.91, 2);
  });

  it('GIVEN new autoscaling bounds WHEN estimated THEN the desired size is priced and the range at min and max is given', () => {
    const after = fleet(costs.get('bounds')!, MAIN).after!;
    expect(after).toMatchObject({ minSize: 3, desiredCapacity: 4, maxSize: 10 });
    expect(after.monthlyUsd).toBeCloseTo(521.22, 2); // 4 x 0.1785 x 730
    expect(after.monthlyAtMinUsd).toBeCloseTo(390.92, 1);
    expect(after.monthlyAtMaxUsd).toBeCloseTo(1303.05, 2);
  });

  it('GIVEN a catch-up fleet on WHEN estimated THEN it costs only the hours until its scale-to-zero', () => {
    const c = costs.get('catch-up')!;
    const catchUp = fleet(c, 'fleetflags-sandbox-catch-up');
    expect(catchUp.before).toBeUndefined();
    expect(catchUp.after).toMatchObject({ split: { instances: 3, onDemand: 0, spot: 3 }, hours: 78, scaleToZeroAt: '2026-11-24T18:00:00Z' });
    expect(catchUp.after!.monthlyUsd).toBeCloseTo(14.32, 2); // 3 x 0.0612 x 78
    expect(c.deltaUsd).toBeCloseTo(14.32, 2);
  });

  it('GIVEN a catch-up fleet planned after its expiry WHEN estimated THEN it costs nothing more', () => {
    const plan = parseTerraformPlan(JSON.parse(readFileSync(planFiles.get('catch-up')!, 'utf8')));
    const late = estimateStackCost(plan, 'sandbox-fleet', 'sandbox', { now: new Date('2026-11-25T00:00:00Z') })!;
    expect(fleet(late, 'fleetflags-sandbox-catch-up').after).toMatchObject({ hours: 0, monthlyUsd: 0 });
  });

  it('GIVEN two quarantine fleets WHEN estimated THEN each is its own line, on-demand', () => {
    const c = costs.get('quarantines')!;
    expect(fleet(c, 'fleetflags-sandbox-q-acme').after).toMatchObject({ split: { instances: 1, onDemand: 1, spot: 0 }, onDemandType: 'c7i.xlarge' });
    expect(fleet(c, 'fleetflags-sandbox-q-globex').after).toMatchObject({ split: { instances: 2, onDemand: 2, spot: 0 }, onDemandType: 'c7i.large' });
    expect(fleet(c, 'fleetflags-sandbox-q-acme').deltaUsd).toBeCloseTo(130.31, 1);
    expect(fleet(c, 'fleetflags-sandbox-q-globex').deltaUsd).toBeCloseTo(130.31, 1);
    expect(fleet(c, MAIN).deltaUsd).toBe(0);
  });
});

describe('the cost section of the PR comment', () => {
  it('GIVEN a spot change WHEN rendered THEN it shows before -> after, the difference, and the arithmetic in a <details> block', () => {
    const md = renderCostSection('sandbox', [costs.get('spot')!]);
    expect(md).toContain('**Estimated monthly cost of `sandbox-fleet`:** $277.04 → $105.78 (**-$171.26**/month)');
    expect(md).toMatch(/\| `fleetflags-sandbox-ingest` \| \$260\.61 <sub>\(\$260\.61 at min 2 … \$781\.83 at max 6\)<\/sub> \| \$89\.35 .*\| -\$171\.26 \|/);
    expect(md).toContain('<details><summary>How this is estimated</summary>');
    expect(md).toContain('- `fleetflags-sandbox-ingest` after: 2 instances: base 0 on-demand, 0 % on-demand above it → 2 spot × c6a.xlarge $0.0612/h = $0.1224/h × 730 h = **$89.35**');
    expect(md).toContain(`checked ${PRICE_TABLE.retrieved}`);
    expect(md).toMatch(/Not estimated \(billed by usage\): load-balancer LCUs \(usage\); DynamoDB on-demand .*S3 storage/);
  });

  it('GIVEN another environment WHEN rendered THEN there is no section', () => {
    expect(renderCostSection('production', [costs.get('spot')!])).toBe('');
  });

  it('GIVEN the plan files WHEN `plan-comment render` runs THEN markdown and JSON carry the cost figures', async () => {
    const out = path.join(root, 'out.json');
    expect(await main(['render', '--plan', `sandbox-fleet=${planFiles.get('quarantines')!}`, '--format', 'json', '--out', out])).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.costs).toEqual([expect.objectContaining({ stack: 'sandbox-fleet', environment: 'sandbox', region: 'us-east-1' })]);
    // The script prices the catch-up hours from the plan's own timestamp; quarantines do not depend on it.
    expect(json.costs[0].deltaUsd).toBeCloseTo(260.61, 1);
    const mdFile = path.join(root, 'out.md');
    expect(await main(['render', '--plan', `sandbox-fleet=${planFiles.get('quarantines')!}`, '--out', mdFile])).toBe(0);
    expect(readFileSync(mdFile, 'utf8')).toMatch(/### Environment `sandbox`\n\n(?:.*\n)*?📈 \*\*Estimated monthly cost of `sandbox-fleet`:\*\*/);
  });
});

describe('the price table', () => {
  it('GIVEN every arch profile and every region of the flags files WHEN looked up THEN each instance type has a price', () => {
    const regions = new Set(loadFlagsOrThrow().map((l) => l.flags.aws.region));
    expect(regions.size).toBeGreaterThan(0);
    for (const region of regions) {
      const table = PRICE_TABLE.regions[region];
      expect({ region, table: table !== undefined }).toEqual({ region, table: true });
      for (const type of [...ARCH_PROFILES.arm64.instanceTypes, ...ARCH_PROFILES.amd64.instanceTypes]) {
        expect({ region, type, priced: (table.onDemandUsdPerHour[type] ?? 0) > 0 }).toEqual({ region, type, priced: true });
      }
      expect(table.loadBalancerUsdPerHour).toBeGreaterThan(0);
    }
    expect(PRICE_TABLE.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.sources.length).toBeGreaterThan(0);
  });

  it('GIVEN the price table WHEN read THEN every figure says where it was checked, and the unchecked ones are named in the sources the PR comment shows', () => {
    const priced = Object.keys(PRICE_TABLE.regions['us-east-1'].onDemandUsdPerHour);
    expect(Object.keys(PRICE_CHECKS).sort()).toEqual([...priced, 'application-load-balancer-hour'].sort());
    const unchecked = Object.entries(PRICE_CHECKS).filter(([, where]) => where.startsWith('unchecked')).map(([type]) => type);
    for (const type of unchecked) expect(PRICE_TABLE.sources.join(' ')).toContain(type);
    // Typed by hand, not fetched: the sources say so.
    expect(PRICE_TABLE.sources[0]).toMatch(/^typed by hand from /);
  });

  it('GIVEN a mixed group WHEN split THEN the base is on-demand and the percentage above it rounds up to on-demand', () => {
    expect(splitOf(12, 4, 30)).toEqual({ instances: 12, onDemand: 7, spot: 5 }); // 4 + ceil(2.4)
    expect(splitOf(2, 4, 30)).toEqual({ instances: 2, onDemand: 2, spot: 0 });
    expect(splitOf(10, 0, 0)).toEqual({ instances: 10, onDemand: 0, spot: 10 });
    expect(splitOf(10, 0, 100)).toEqual({ instances: 10, onDemand: 10, spot: 0 });
  });

  it('GIVEN amounts WHEN formatted THEN dollars have thousands separators and two decimals, without the locale', () => {
    expect(usd(1303.05)).toBe('$1,303.05');
    expect(usd(-171.26)).toBe('-$171.26');
  });
});

