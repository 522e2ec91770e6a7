/**
 * npm run gen-workflows: rewrites the parts of the workflows generated from the flags
 * files: the environment choice of rollback.yml (lib/github/workflow-inputs.ts); the
 * per-environment plan role steps of plan.yml and drift.yml, and the notification
 * secrets passed to Terraform (lib/github/workflow-gen.ts).
 * test/scripts/gen-workflows.test.ts fails when a committed workflow is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCommandLine } from '../lib/cli';
import { GENERATED_BLOCKS, loadGeneratorInput, regenerate } from '../lib/github/workflow-gen';
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

  const input = loadGeneratorInput();
  for (const [file, blocks] of Object.entries(GENERATED_BLOCKS)) {
    const text = readFileSync(file, 'utf8');
    const next = regenerate(file, text, input);
    if (next !== text) writeFileSync(file, next);
    print(`${file}: generated ${blocks.map((b) => b.id).join(', ')}${next === text ? ' (unchanged)' : ''}`);
  }
  return 0;
}
