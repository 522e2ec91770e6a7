/**
 * Where a deploy's time goes (lib/deploy/phases.ts), with a clock the test moves.
 */
import { PhaseTimer } from '../../../lib/deploy/phases';

describe('PhaseTimer', () => {
  test('GIVEN phases that take 1.5 s and 0.25 s, one of them failing WHEN timed THEN each is recorded in order, the failing one too', async () => {
    // GIVEN a clock at 0 ms
    let now = 0;
    const timer = new PhaseTimer(() => now);

    // WHEN
    await timer.time('synth', async () => {
      now += 1500;
    });
    await expect(
      timer.time('plan sandbox-fleet', async () => {
        now += 250;
        throw new Error('plan failed');
      }),
    ).rejects.toThrow(/plan failed/);
    timer.add('init sandbox-data', 0, 'no init: already initialized for this backend and these providers');

    // THEN
    expect(timer.timings).toEqual([
      { phase: 'synth', seconds: 1.5 },
      { phase: 'plan sandbox-fleet', seconds: 0.25 },
      { phase: 'init sandbox-data', seconds: 0, note: 'no init: already initialized for this backend and these providers' },
    ]);
    expect(timer.elapsedSeconds()).toBe(1.75);
    expect(timer.format()).toEqual([
      'timings (wall; concurrent phases overlap): synth 1.50 s, plan sandbox-fleet 0.25 s, init sandbox-data 0.00 s; total 1.75 s',
      '  init sandbox-data: no init: already initialized for this backend and these providers',
    ]);
  });

  test('GIVEN two phases at once WHEN timed THEN each has its own wall time, and the total is the elapsed time, not the sum', async () => {
    let now = 0;
    const timer = new PhaseTimer(() => now);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));

    const data = timer.time('plan sandbox-data', () => gate);
    const fleet = timer.time('plan sandbox-fleet', () => gate);
    now = 4000;
    release();
    await Promise.all([data, fleet]);

    expect(timer.timings.map((t) => [t.phase, t.seconds])).toEqual([
      ['plan sandbox-data', 4],
      ['plan sandbox-fleet', 4],
    ]);
    expect(timer.elapsedSeconds()).toBe(4);
  });
});
