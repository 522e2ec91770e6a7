/**
 * `npm run bench`: the test-suite figures, one row per test command (test:quick, npm test,
 * then the sandbox lifecycle's own command), each against its own budget.
 */
import { formatTestSuites, TEST_BUDGET_SECONDS, TEST_COMMANDS, testCommandArgs } from '../../scripts/bench';

describe('npm run bench: the test-suite figures', () => {
  test('GIVEN the test commands WHEN run by the bench THEN npm run test:quick, npm test and npm run test:sandbox, each writing its JSON results, each with its budget', () => {
    expect(TEST_COMMANDS).toEqual(['test:quick', 'test', 'test:sandbox']);
    expect(TEST_BUDGET_SECONDS).toEqual({ 'test:quick': 20, test: 120, 'test:sandbox': 120 });
    expect(testCommandArgs('test:quick', '/t/q.json')).toEqual(['run', 'test:quick', '--', '--json', '--outputFile=/t/q.json']);
    expect(testCommandArgs('test', '/t/r.json')).toEqual(['test', '--', '--json', '--outputFile=/t/r.json']);
    expect(testCommandArgs('test:sandbox', '/t/s.json')).toEqual(['run', 'test:sandbox', '--', '--json', '--outputFile=/t/s.json']);
  });

  test('GIVEN both results WHEN formatted THEN one row each, and each wall time against the budget', () => {
    const text = formatTestSuites([
      { command: 'test', wallMs: 118_400, cpuMs: 231_000, passed: 1020, failed: 0, suites: 105 },
      { command: 'test:sandbox', wallMs: 655_000, cpuMs: 180_000, passed: 17, failed: 1, suites: 1 },
    ]);
    expect(text.split('\n')).toEqual([
      '| run | suites | tests | wall time | CPU time (user + sys) |',
      '| --- | ---: | ---: | ---: | ---: |',
      '| npm test | 105 | 1020 passed, 0 failed | 118 s | 231 s |',
      '| npm run test:sandbox | 1 | 17 passed, 1 failed | 655 s | 180 s |',
      '',
      'npm test: wall time 118 s, within its budget of 120 s (2-core build machine, idle; on a busy machine compare the CPU time)',
      'npm run test:sandbox: wall time 655 s, over its budget of 120 s (2-core build machine, idle; on a busy machine compare the CPU time)',
    ]);
  });

  test('GIVEN test:quick just over and just under its 20 s WHEN formatted THEN its wall time to a tenth of a second, each against 20 s', () => {
    const over = formatTestSuites([{ command: 'test:quick', wallMs: 20_340, cpuMs: 36_000, passed: 1195, failed: 0, suites: 114 }]).split('\n');
    expect(over[2]).toBe('| npm run test:quick | 114 | 1195 passed, 0 failed | 20.3 s | 36 s |');
    expect(over.at(-1)).toBe('npm run test:quick: wall time 20.3 s, over its budget of 20 s (2-core build machine, idle; on a busy machine compare the CPU time)');
    const under = formatTestSuites([{ command: 'test:quick', wallMs: 19_960, cpuMs: 35_000, passed: 1195, failed: 0, suites: 114 }]).split('\n');
    expect(under.at(-1)).toBe('npm run test:quick: wall time 20.0 s, within its budget of 20 s (2-core build machine, idle; on a busy machine compare the CPU time)');
  });

  test('GIVEN the one-bucket app\'s synthesis time of the same run WHEN formatted THEN each wall time also as a multiple of it', () => {
    const text = formatTestSuites(
      [
        { command: 'test', wallMs: 240_000, cpuMs: 450_000, passed: 1310, failed: 0, suites: 133 },
        { command: 'test:sandbox', wallMs: 290_000, cpuMs: 60_000, passed: 17, failed: 0, suites: 1 },
      ],
      480,
    );
    expect(text.split('\n').at(-1)).toBe('machine reference, this run: the one-bucket app synthesizes in 480 ms; wall time as a multiple of it: npm test 500x, npm run test:sandbox 604x');
  });

  test('GIVEN a command that wrote no results WHEN formatted THEN its row says why, and CPU off Linux is n/a', () => {
    const text = formatTestSuites([{ command: 'test:sandbox', wallMs: 2_000, passed: 0, failed: 0, suites: 0, error: 'exit 1, no results: the AWS emulator needs moto' }]);
    expect(text).toContain('| npm run test:sandbox | 0 | not run (exit 1, no results: the AWS emulator needs moto) | 2.0 s | n/a |');
  });

  test('GIVEN one command that ran and one that did not WHEN formatted with the reference THEN only the one that ran gets a budget line and a multiple', () => {
    const text = formatTestSuites(
      [
        { command: 'test', wallMs: 240_000, cpuMs: 450_000, passed: 1310, failed: 0, suites: 133 },
        { command: 'test:sandbox', wallMs: 2_000, passed: 0, failed: 0, suites: 0, error: 'exit 1, no results' },
      ],
      480,
    );
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('budget')).map((l) => l.split(':')[0])).toEqual(['npm test']);
    expect(lines.at(-1)).toBe('machine reference, this run: the one-bucket app synthesizes in 480 ms; wall time as a multiple of it: npm test 500x');
  });
});
