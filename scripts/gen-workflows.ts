/**
 * npm run gen-workflows: rewrites the workflow inputs that list environments from
 * the flags files (today: the environment choice of rollback.yml). See
 * lib/github/workflow-inputs.ts; test/scripts/gen-workflows.test.ts fails when stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCommandLine } from '../lib/cli';
import { ROLLBACK_WORKFLOW, rollbackEnvironments, withEnvironmentOptions } from '../lib/github/workflow-inputs';

const USAGE = 'npm run gen-workflows';

export function main(args: readonly string[], print: (line: string) => void = console.log): number {
  const { help } = parseCommandLine(args, { usage: USAGE, options: {} });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const environments = rollbackEnvironments();
  const before = readFileSync(ROLLBACK_WORKFLOW, 'utf8');
  const after = withEnvironmentOptions(before, environments);
  if (after !== before) writeFileSync(ROLLBACK_WORKFLOW, after);
  print(`${ROLLBACK_WORKFLOW}: environment options [${environments.join(', ')}]${after === before ? ' (unchanged)' : ''}`);
  return 0;
}
