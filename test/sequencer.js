/**
 * jest testSequencer: the type check (test/tooling/typecheck.test.ts, `tsc`: 5-16 s) and
 * the suites tagged `@terraform` (seconds to minutes each) start before the unit suites
 * (about a second each), so no long suite starts last and leaves one worker running alone
 * at the end. Within each group, jest's own order: the durations of the last run when jest
 * has them (longest first), else file size.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const { TAG, leadingComment } = require('./quick-filter.js');

const TYPECHECK_SUITE = path.join('test', 'tooling', 'typecheck.test.ts');

class TerraformFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = new Set(sorted.filter((t) => t.path.endsWith(TYPECHECK_SUITE) || TAG.test(leadingComment(t.path))));
    return [...sorted.filter((t) => first.has(t)), ...sorted.filter((t) => !first.has(t))];
  }
}

module.exports = TerraformFirstSequencer;
