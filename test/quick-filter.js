/**
 * jest --filter for `npm run test:quick`: every suite except those whose leading
 * doc comment has one of these tags:
 * - `@terraform`: the suite runs the real Terraform (seconds of CPU per process). A
 *   suite that runs Terraform without the tag fails under test:quick: the script sets
 *   FLEETFLAGS_NO_TERRAFORM=1, and lib/terraform/runner.ts then refuses to start
 *   Terraform, naming the tag.
 * - `@integration`: the suite starts the AWS emulator, runs a script of ours (or jest)
 *   end to end in its own Node process, or runs hundreds of real subprocesses (git
 *   repositories, linters): seconds of CPU that belong to `npm test`, not to the edit loop.
 * Both kinds run in `npm test`; test:quick leaves them out.
 */
const { openSync, readSync, closeSync } = require('node:fs');

const TAG = /^\s*\*\s*@terraform\b/m;
const INTEGRATION_TAG = /^\s*\*\s*@integration\b/m;

function leadingComment(file) {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    const match = /^\s*\/\*\*[\s\S]*?\*\//.exec(text);
    return match ? match[0] : '';
  } finally {
    closeSync(fd);
  }
}

/** Whether `npm run test:quick` runs the suite in `file`. */
function isQuick(file) {
  const comment = leadingComment(file);
  return !TAG.test(comment) && !INTEGRATION_TAG.test(comment);
}

module.exports = async (testPaths) => ({ filtered: testPaths.filter(isQuick) });
module.exports.TAG = TAG;
module.exports.INTEGRATION_TAG = INTEGRATION_TAG;
module.exports.leadingComment = leadingComment;
module.exports.isQuick = isQuick;
