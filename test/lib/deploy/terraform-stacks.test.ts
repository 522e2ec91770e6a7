/**
 * How a deploy runs Terraform on its stacks (lib/deploy/terraform-stacks.ts): the
 * stacks planned at the same time, inits one at a time, the plans back in the apply
 * order whichever finishes first, a failure reported only once every plan has ended,
 * and each stack's TF_DATA_DIR passed to every command of it, the apply included.
 *
 * Terraform here is a stand-in on the PATH (a shell script that logs each call and
 * sleeps as told), so the suite measures the orchestration, not Terraform; the real
 * Terraform runs these commands in test/e2e/sandbox-lifecycle.test.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_CONFIG_FILE, emulatorConfigText, EMULATOR_PROFILE } from '../../../lib/terraform/emulator-profile';
import { startedPlanner, terraformApplier, terraformPlanner, type StackDir } from '../../../lib/deploy/terraform-stacks';
import { PhaseTimer } from '../../../lib/deploy/phases';
import { fakeStacks, fakeTerraform } from '../../helpers/fake-terraform';

describe('terraformPlanner and terraformApplier', () => {
  const terraform = fakeTerraform();
  let root: string;

  beforeEach(() => {
    root = terraform.root();
  });

  test('GIVEN the data stack slower to plan than the fleet stack WHEN planned THEN both plan at once, inits one at a time, and the plans come back data first', async () => {
    // GIVEN the data stack's plan ends only once the fleet's has (a marker file the stand-in touches and waits for, at most 30 s)
    process.env.FAKE_WAIT_FOR_plan_sandbox_data = path.join(root, 'fleet-planned');
    process.env.FAKE_TOUCH_plan_sandbox_fleet = path.join(root, 'fleet-planned');
    process.env.FAKE_SLEEP_init_sandbox_data = '0.3';
    process.env.FAKE_SLEEP_init_sandbox_fleet = '0.3';
    const timer = new PhaseTimer();

    // WHEN
    const planned = await terraformPlanner(stacks(root), { timer }).plan();

    // THEN the order is the apply order, with each stack's plan and data directory
    expect(planned.map((p) => [p.stack, p.plan.resource_changes.length, p.dataDir])).toEqual([
      ['sandbox-data', 0, path.join(root, 'terraform', 'sandbox-data')],
      ['sandbox-fleet', 1, path.join(root, 'terraform', 'sandbox-fleet')],
    ]);
    const calls = terraform.calls();
    const of = (command: string, stack: string) => calls.find((c) => c.command === command && c.stack === stack)!;
    // AND the inits did not overlap
    const [first, second] = [of('init', 'sandbox-data'), of('init', 'sandbox-fleet')].sort((a, b) => a.start - b.start);
    expect(second.start).toBeGreaterThanOrEqual(first.end);
    // AND the plans did: the fleet's plan ran before the data stack's ended (one at a time, the data plan would wait 30 s and fail)
    expect(of('plan', 'sandbox-fleet').start).toBeLessThan(of('plan', 'sandbox-data').end);
    // AND every command ran in the stack's own data directory
    expect(calls.every((c) => c.dataDir === path.join(root, 'terraform', c.stack))).toBe(true);
    // AND the timer has each stack's init, plan and show
    expect(timer.timings.map((t) => t.phase).sort()).toEqual(
      ['init sandbox-data', 'init sandbox-fleet', 'plan sandbox-data', 'plan sandbox-fleet', 'show sandbox-data', 'show sandbox-fleet'],
    );
  });

  test('GIVEN stacks already initialized WHEN planned again THEN no init runs, and the timer says why', async () => {
    await terraformPlanner(stacks(root)).plan();
    const timer = new PhaseTimer();

    await terraformPlanner(stacks(root), { timer }).plan();

    expect(terraform.calls().filter((c) => c.command === 'init')).toHaveLength(2); // the first run's only
    expect(timer.timings.filter((t) => t.phase.startsWith('init ')).map((t) => t.note)).toEqual([
      'no init: already initialized for this backend and these providers',
      'no init: already initialized for this backend and these providers',
    ]);
  });

  test('GIVEN the data stack fails to plan quickly WHEN planned THEN the error is reported after the fleet plan has ended', async () => {
    process.env.FAKE_FAIL = 'plan:sandbox-data';
    process.env.FAKE_SLEEP_plan_sandbox_fleet = '0.8';

    const started = Date.now();
    await expect(terraformPlanner(stacks(root)).plan()).rejects.toThrow(/plan failed in sandbox-data/);

    // No Terraform left running behind the error: the fleet's plan and show are done
    const fleet = terraform.calls().filter((c) => c.stack === 'sandbox-fleet').map((c) => c.command);
    expect(fleet).toEqual(['init', 'plan', 'show']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });

  test('GIVEN a planned stack with a data directory WHEN applied THEN the apply runs in it, on the saved plan', async () => {
    const [, fleet] = await terraformPlanner(stacks(root)).plan();

    await terraformApplier().apply(fleet);

    expect(terraform.calls().filter((c) => c.command === 'apply')).toEqual([
      expect.objectContaining({ stack: 'sandbox-fleet', dataDir: path.join(root, 'terraform', 'sandbox-fleet') }),
    ]);
  });
});

describe('a stack whose provider names a shared config file (the emulator profile)', () => {
  const terraform = fakeTerraform();

  /** The sandbox stacks, their providers naming the emulator profile; the file written next to cdk.tf.json when `withFile`. */
  const emulated = (root: string, withFile: boolean): StackDir[] =>
    fakeStacks(root, ['sandbox-data', 'sandbox-fleet']).map((s) => {
      const config = { ...s.config, provider: { aws: [{ profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] }] } };
      writeFileSync(path.join(s.dir, 'cdk.tf.json'), JSON.stringify(config));
      if (withFile) writeFileSync(path.join(s.dir, EMULATOR_CONFIG_FILE), emulatorConfigText('https://127.0.0.1:4566'));
      return { ...s, config };
    });

  test('GIVEN the file is missing next to cdk.tf.json (the JSON copied elsewhere) WHEN planned THEN it fails before any init, naming the directory and the file and saying to synthesize again', async () => {
    // GIVEN
    const root = terraform.root();
    const stacks = emulated(root, false);
    // WHEN
    const planned = terraformPlanner(stacks).plan();
    // THEN
    await expect(planned).rejects.toThrow(`The stack directory ${stacks[0].dir} has no ${EMULATOR_CONFIG_FILE}, which its aws provider names`);
    await expect(planned).rejects.toThrow(/Fix: synthesize again \(npx cdktf synth or npm run synth\) and run Terraform in the synthesized stack directory/);
    expect(terraform.calls().filter((c) => c.command === 'init')).toEqual([]);
  });

  test('GIVEN the file next to cdk.tf.json WHEN planned THEN both stacks init and plan', async () => {
    const root = terraform.root();
    const planned = await terraformPlanner(emulated(root, true)).plan();
    expect(planned.map((p) => p.stack)).toEqual(['sandbox-data', 'sandbox-fleet']);
    expect(terraform.calls().filter((c) => c.command === 'init').map((c) => c.stack).sort()).toEqual(['sandbox-data', 'sandbox-fleet']);
  });
});

function stacks(root: string): StackDir[] {
  return fakeStacks(root, ['sandbox-data', 'sandbox-fleet']);
}

describe('startedPlanner', () => {
  const terraform = fakeTerraform();

  test('GIVEN plans started WHEN the deploy reads its history meanwhile THEN the plans ran during it, once, and plan() returns them', async () => {
    // GIVEN
    const root = terraform.root();
    const planner = startedPlanner(terraformPlanner(fakeStacks(root, ['sandbox-data', 'sandbox-fleet'])));

    // WHEN the work meanwhile waits until both plans have ended (it times out if they only start after it), then the plans are asked for twice
    let workEnded = 0;
    const read = await planner.meanwhile(async () => {
      await terraform.waitFor((calls) => calls.filter((c) => c.command === 'plan').length === 2);
      workEnded = Date.now();
      return 'history read';
    });
    const [first, second] = [await planner.plan(), await planner.plan()];

    // THEN the plans ran while the work ran, not after it, each once
    expect(read).toBe('history read');
    const plans = terraform.calls().filter((c) => c.command === 'plan');
    expect(plans.map((c) => c.end <= workEnded)).toEqual([true, true]);
    expect(second).toBe(first);
    expect(first.map((p) => p.stack)).toEqual(['sandbox-data', 'sandbox-fleet']);
    expect(plans).toHaveLength(2);
  });

  test('GIVEN plans started WHEN the work meanwhile fails THEN its error comes only once the plans have ended', async () => {
    const root = terraform.root();
    process.env.FAKE_SLEEP_plan_sandbox_data = '0.6';
    const planner = startedPlanner(terraformPlanner(fakeStacks(root, ['sandbox-data', 'sandbox-fleet'])));

    await expect(planner.meanwhile(async () => Promise.reject(new Error('git: not a repository')))).rejects.toThrow(/not a repository/);

    // No Terraform left running behind the error: both plans and shows are done
    expect(terraform.calls().filter((c) => c.command === 'show').map((c) => c.stack).sort()).toEqual(['sandbox-data', 'sandbox-fleet']);
  });

  test('GIVEN plans that fail WHEN nobody has asked for them yet THEN the failure waits for plan(), with no unhandled rejection', async () => {
    // GIVEN a failing plan, and a listener for rejections nobody handles
    const root = terraform.root();
    process.env.FAKE_FAIL = 'plan:sandbox-fleet';
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let failed = false;
      const inner = terraformPlanner(fakeStacks(root, ['sandbox-data', 'sandbox-fleet']));
      const planner = startedPlanner({ mode: inner.mode, plan: () => inner.plan().finally(() => (failed = true)) });

      // WHEN the plan has failed (the log shows it, and the planner has rejected) and Node has had its turn to report unhandled rejections
      await terraform.waitFor((calls) => calls.some((c) => c.command === 'plan' && c.stack === 'sandbox-fleet' && c.exitCode === 1));
      await until(() => failed);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setImmediate(resolve));

      // THEN nothing was reported unhandled, and plan() gives the failure
      expect(unhandled).toEqual([]);
      await expect(planner.plan()).rejects.toThrow(/plan failed in sandbox-fleet/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

/** Polls `done` every 20 ms; throws after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
