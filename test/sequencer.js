/**
 * jest testSequencer: the suites tagged `@terraform` (seconds to minutes each) start
 * before the unit suites (about a second each), so no long suite starts last and leaves
 * one worker running alone at the end. Within each group, jest's own order: the
 * durations of the last run when jest has them (longest first), else file size.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { TAG, leadingComment } = require('./quick-filter.js');

class TerraformFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const tagged = new Set(sorted.filter((t) => TAG.test(leadingComment(t.path))));
    return [...sorted.filter((t) => tagged.has(t)), ...sorted.filter((t) => !tagged.has(t))];
  }
}

module.exports = TerraformFirstSequencer;
