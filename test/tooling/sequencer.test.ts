/**
 * The order suites start in (test/sequencer.js): the type check first, then the Terraform suites,
 * so a long suite never starts last. A unit test (no process of its own), in test:quick.
 */
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

describe('the order suites start in (test/sequencer.js)', () => {
  test('GIVEN no timings from an earlier run WHEN sorted THEN the type check starts first, then the @terraform suites, each group largest file first', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Sequencer = require('../sequencer.js');
    // GIVEN two unit suites (one large) and two Terraform suites (one small); no jest cache
    const sizes = new Map([
      ['test/stacks/terraform.test.ts', 10],
      ['test/lib/plan/speculative.test.ts', 20],
      ['test/lib/plan/render.test.ts', 99_000],
      ['test/tooling/quick-filter.test.ts', 5],
      ['test/tooling/typecheck.test.ts', 15],
    ]);
    const context = { config: { cache: false }, hasteFS: { getSize: (file: string) => sizes.get(path.relative(ROOT, file)) } };
    const tests = [...sizes.keys()].map((file) => ({ path: path.join(ROOT, file), context }));
    // WHEN sorted
    const sorted = new Sequencer({ contexts: new Set([context]), globalConfig: {} }).sort(tests) as Array<{ path: string }>;
    // THEN
    expect(sorted.map((t) => path.relative(ROOT, t.path))).toEqual([
      'test/tooling/typecheck.test.ts',
      'test/lib/plan/speculative.test.ts',
      'test/stacks/terraform.test.ts',
      'test/lib/plan/render.test.ts',
      'test/tooling/quick-filter.test.ts',
    ]);
  });
});
