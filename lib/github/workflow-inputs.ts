/**
 * Workflow inputs generated from the flags files, so that a new environment is one
 * new flags file: the rollback button (`rollback.yml`, a `workflow_dispatch` choice)
 * offers every environment CI deploys (a `deploy` section, not offline), in deploy
 * order. `npm run gen-workflows` rewrites the one generated line; a test fails when
 * the committed workflow is stale.
 */
import { deployOrder } from '../deploy/deploy-order';
import { errors } from '../errors';
import { flagsFiles, loadFlagsOrThrow } from '../flags/load';

export const ROLLBACK_WORKFLOW = '.github/workflows/rollback.yml';

/** The comment that marks the generated line (and says how it is made). */
export const GENERATED_COMMENT = '# generated from flags/*.json by `npm run gen-workflows`: the deployed environments';

const OPTIONS_LINE = /^(\s*options: )\[[^\]\n]*\]( # generated from flags\/\*\.json by `npm run gen-workflows`[^\n]*)$/m;

/** The environments the rollback button offers: those CI deploys, in deploy order. */
export function rollbackEnvironments(flagsDir = 'flags'): string[] {
  // Validated like everything else, but an expired catch-up fleet must not stop a generator.
  return deployOrder(loadFlagsOrThrow(flagsFiles(flagsDir), { expiredCatchUp: 'allow', warn: () => undefined }));
}

/** The workflow text with its generated `options:` line listing `environments`. */
export function withEnvironmentOptions(text: string, environments: readonly string[], file = ROLLBACK_WORKFLOW): string {
  if (!OPTIONS_LINE.test(text)) throw errors.generatedLineMissing(file, 'the generated "options:" line of the environment input', `options: [dogfood, production] ${GENERATED_COMMENT}`);
  return text.replace(OPTIONS_LINE, (_line, indent: string, comment: string) => `${indent}[${environments.join(', ')}]${comment}`);
}
