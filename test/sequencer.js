/**
 * jest testSequencer: the type check (test/tooling/typecheck.test.ts, `tsc`: 5-20 s, a
 * small file) first, then the suites tagged `@terraform` (seconds to minutes each), then
 * the unit suites (about a second each), so no long suite starts last and leaves one
 * worker running alone at the end. Within the last two groups, jest's own order: the
 * durations of the last run when jest has them (longest first), else file size.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const { TAG, leadingComment } = require('./quick-filter.js');

const TYPECHECK_SUITE = path.join('test', 'tooling', 'typecheck.test.ts');

class TerraformFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const typecheck = sorted.filter((t) => t.path.endsWith(TYPECHECK_SUITE));
    const rest = sorted.filter((t) => !typecheck.includes(t));
    const tagged = new Set(rest.filter((t) => TAG.test(leadingComment(t.path))));
    return [...typecheck, ...rest.filter((t) => tagged.has(t)), ...rest.filter((t) => !tagged.has(t))];
  }
}

module.exports = TerraformFirstSequencer;
