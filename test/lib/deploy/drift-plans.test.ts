/**
 * How `npm run drift` runs Terraform (lib/deploy/terraform-stacks.ts:
 * planStacksReadOnly, scripts/drift.ts: terraformDriftPlans): each stack in a data
 * directory kept between runs (init only the first time), read-only plans
 * (`-lock=false`), two stacks at a time, the plans back in the order given, a
 * failure reported only once every plan has ended.
 *
 * Terraform here is a stand-in on the PATH (test/helpers/fake-terraform.ts): the
 * suite checks the orchestration; the real Terraform runs the drift check against
 * the emulator in test/e2e/sandbox-lifecycle.test.ts ("drift found").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planStacksReadOnly } from '../../../lib/deploy/terraform-stacks';
import { PhaseTimer } from '../../../lib/deploy/phases';
import { terraformDriftPlans } from '../../../scripts/drift';
import { fakeStacks, fakeTerraform, type Call } from '../../helpers/fake-terraform';

const STACKS = ['dogfood-data', 'dogfood-fleet', 'production-data', 'production-fleet'];

describe('planStacksReadOnly', () => {
  const terraform = fakeTerraform();
  let root: string;
  beforeEach(() => {
    root = terraform.root();
  });

  test('GIVEN four stacks WHEN planned for drift, two at a time THEN never more than two plan at once, inits one at a time, every plan is read-only, and the plans come back in the order given', async () => {
    // GIVEN the first stack's plan ends only once the last stack's plan has ended (a marker file the stand-in
    // touches and waits for, at most 30 s): it holds one worker while the other plans the three other stacks
    const marker = path.join(root, 'production-fleet-planned');
    process.env.FAKE_WAIT_FOR_plan_dogfood_data = marker;
    process.env.FAKE_TOUCH_plan_production_fleet = marker;
    for (const s of STACKS) process.env[`FAKE_SLEEP_init_${s.replace('-', '_')}`] = '0.05';
    const timer = new PhaseTimer();

    // WHEN
    const plans = await planStacksReadOnly(fakeStacks(root, STACKS), { concurrency: 2, timer });

    // THEN in the order given, with the plan's exit code (2: changes) and JSON
    expect(plans.map((p) => [p.stack, p.exitCode, (p.plan.resource_changes as unknown[]).length])).toEqual([
      ['dogfood-data', 0, 0],
      ['dogfood-fleet', 2, 1],
      ['production-data', 0, 0],
      ['production-fleet', 2, 1],
    ]);
    const calls = terraform.calls();
    // AND two stacks at once, never three: the most (init, plan or show) running at any instant is 2
    expect(maxOverlap(calls)).toBe(2);
    // AND the slow first plan did not hold up the others: the last stack's plan ran before the first's ended
    expect(of(calls, 'plan', 'production-fleet').start).toBeLessThan(of(calls, 'plan', 'dogfood-data').end);
    // AND the inits never overlapped
    const inits = calls.filter((c) => c.command === 'init').sort((a, b) => a.start - b.start);
    for (let i = 1; i < inits.length; i++) expect(inits[i].start).toBeGreaterThanOrEqual(inits[i - 1].end);
    // AND every plan is read-only and saved where show reads it, each in the stack's own data directory
    for (const s of STACKS) {
      expect(of(calls, 'plan', s).args).toEqual(['-input=false', '-no-color', '-detailed-exitcode', '-out=drift.tfplan', '-lock=false']);
      expect(of(calls, 'show', s).args).toEqual(['-json', '-no-color', 'drift.tfplan']);
    }
    expect(calls.every((c) => c.dataDir === path.join(root, 'terraform', c.stack))).toBe(true);
    expect(timer.timings.filter((t) => t.phase.startsWith('plan ')).map((t) => t.phase).sort()).toEqual(STACKS.map((s) => `plan ${s}`));
  });

  test('GIVEN stacks planned once WHEN planned for drift again THEN no init runs: the data directories were kept', async () => {
    await planStacksReadOnly(fakeStacks(root, STACKS));

    await planStacksReadOnly(fakeStacks(root, STACKS));

    const calls = terraform.calls();
    expect(calls.filter((c) => c.command === 'init').map((c) => c.stack).sort()).toEqual([...STACKS].sort()); // the first run's only
    expect(calls.filter((c) => c.command === 'plan')).toHaveLength(8);
  });

  test('GIVEN one stack failing to plan at once WHEN planned for drift THEN the error comes after every other plan has ended', async () => {
    process.env.FAKE_FAIL = 'plan:dogfood-data';
    process.env.FAKE_SLEEP_plan_production_fleet = '0.6';

    await expect(planStacksReadOnly(fakeStacks(root, STACKS))).rejects.toThrow(/plan failed in dogfood-data/);

    // No Terraform left running behind the error: every other stack was planned and shown
    const calls = terraform.calls();
    for (const s of STACKS.slice(1)) expect(calls.filter((c) => c.stack === s).map((c) => c.command)).toEqual(['init', 'plan', 'show']);
  });
});

describe('terraformDriftPlans (npm run drift -- --env sandbox)', () => {
  const terraform = fakeTerraform();

  test('GIVEN the sandbox WHEN its drift is checked twice THEN each stack inits once, in its drift data directory under the state directory, and each run writes every JSON plan', async () => {
    // GIVEN the repository's flags, a state directory and an output directory of this test
    const root = terraform.root();
    const env = { ...process.env, FLEETFLAGS_STATE_DIR: path.join(root, 'state-dir') };
    const outDir = path.join(root, 'out');
    const lines: string[] = [];

    // WHEN
    const first = await terraformDriftPlans(process.cwd(), outDir, (l) => lines.push(l), 'sandbox', { env });
    const second = await terraformDriftPlans(process.cwd(), outDir, (l) => lines.push(l), 'sandbox', { env });

    // THEN both runs plan both sandbox stacks
    expect(first.map((p) => [p.stack, p.exitCode])).toEqual([['sandbox-data', 0], ['sandbox-fleet', 2]]);
    expect(second.map((p) => p.stack)).toEqual(['sandbox-data', 'sandbox-fleet']);
    const calls = terraform.calls();
    // AND only the first run inits, in .fleetflags-like state/<env>/terraform/drift/<stack>
    expect(calls.filter((c) => c.command === 'init').map((c) => [c.stack, c.dataDir])).toEqual(
      expect.arrayContaining(['sandbox-data', 'sandbox-fleet'].map((s) => [s, path.join(root, 'state-dir', 'state', 'sandbox', 'terraform', 'drift', s)])),
    );
    expect(calls.filter((c) => c.command === 'init')).toHaveLength(2);
    expect(calls.filter((c) => c.command === 'plan')).toHaveLength(4);
    // AND the log says which run inited and which did not, and ends with the timings
    expect(lines.filter((l) => /^drift sandbox-data: /.test(l))).toEqual([
      'drift sandbox-data: terraform init (real backend; not initialized yet), plan -detailed-exitcode -lock=false',
      'drift sandbox-data: no init (already initialized for this backend and these providers), plan -detailed-exitcode -lock=false',
    ]);
    expect(lines.filter((l) => l.startsWith('timings (wall; concurrent phases overlap): synth '))).toHaveLength(2);
    // AND the JSON plans are where the report and drift.yml read them
    expect(JSON.parse(readFileSync(path.join(outDir, 'sandbox-fleet.plan.json'), 'utf8')).resource_changes.map((rc: { address: string }) => rc.address)).toEqual(['aws_autoscaling_group.main']);
    expect(existsSync(path.join(outDir, 'sandbox-data.plan.json'))).toBe(true);
  });
});

function of(calls: readonly Call[], command: string, stack: string): Call {
  const found = calls.find((c) => c.command === command && c.stack === stack);
  if (!found) throw new Error(`no ${command} of ${stack} in ${JSON.stringify(calls)}`);
  return found;
}

/** The most calls running at one instant. */
function maxOverlap(calls: readonly Call[]): number {
  const events = calls.flatMap((c) => [
    { t: c.start, d: 1 },
    { t: c.end, d: -1 },
  ]);
  // An end and a start at the same millisecond: the end first.
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of events) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}
