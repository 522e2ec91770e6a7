/**
 * The README's example plan comment is the current rendering of the example plan.
 *
 * @reads docs/example-plan-comment.md
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_DOC, renderExample } from '../../../scripts/gen-plan-fixtures';

const ROOT = path.join(__dirname, '..', '..', '..');

test('docs/example-plan-comment.md is the current rendering of the example plan (regenerate: node bin/run.mjs scripts/gen-plan-fixtures.ts example)', () => {
  // GIVEN the committed example and the example fixture (a real plan)
  const committed = readFileSync(path.join(ROOT, EXAMPLE_DOC), 'utf8');

  // WHEN the renderer renders the fixture again
  const fresh = renderExample(ROOT);

  // THEN they are the same bytes: the README never shows a stale comment
  expect(committed).toBe(fresh);
  expect(fresh.length).toBeLessThan(12000); // two stacks: the data stack and the fleet, with its operational effects
});
