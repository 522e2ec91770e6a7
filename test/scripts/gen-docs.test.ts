/**
 * The flags reference (docs/flags.md) is the current rendering of the schema.
 *
 * @reads docs/flags.md
 */
import { readFileSync } from 'node:fs';
import { FLAGS_DOC, renderFlagsDoc } from '../../scripts/gen-docs';

describe('flags reference', () => {
  it('matches the committed docs/flags.md (run `npm run gen-docs` when this fails)', () => {
    expect(readFileSync(FLAGS_DOC, 'utf8')).toBe(renderFlagsDoc());
  });

  it('lists nested fields with their defaults', () => {
    const doc = renderFlagsDoc();
    expect(doc).toMatch(/\| `lockTable\.backfillMinutes` \| integer \|  \| `60` \| How far back/);
    expect(doc).toContain('| `state.backend` | "local" \\| "s3" | yes |  | Where the state lives: "local"');
  });
});
