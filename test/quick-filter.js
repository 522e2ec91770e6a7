/**
 * jest --filter for `npm run test:quick`: every suite except those whose leading
 * doc comment has the `@terraform` tag (they run the real Terraform: seconds of CPU
 * per process). A suite that runs Terraform without the tag fails under
 * test:quick: the script sets FLEETFLAGS_NO_TERRAFORM=1, and lib/terraform/runner.ts
 * then refuses to start Terraform, naming the tag.
 */
const { openSync, readSync, closeSync } = require('node:fs');

const TAG = /^\s*\*\s*@terraform\b/m;

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

module.exports = async (testPaths) => ({ filtered: testPaths.filter((file) => !TAG.test(leadingComment(file))) });
module.exports.TAG = TAG;
module.exports.leadingComment = leadingComment;
