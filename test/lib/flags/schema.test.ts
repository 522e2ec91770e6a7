/**
 * The flags schema: the committed flags/schema.json is its current rendering, every field is
 * described, and the shipped flags files parse.
 *
 * @reads flags/*.json
 */
import { readFileSync } from 'node:fs';
import { FlagsSchema, flagsJsonSchema } from '../../../lib/flags/schema';
import { renderSchema, SCHEMA_FILE } from '../../../scripts/gen-schema';

describe('flags schema', () => {
  it('matches the committed flags/schema.json (run `npm run gen-schema` when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  it('describes every field, with its range or allowed values and its default', () => {
    const undocumented: string[] = [];
    const walk = (node: any, at: string): void => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!node || typeof node !== 'object') return;
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) { // eslint-disable-line @typescript-eslint/no-explicit-any
        const described = child.description ?? child.anyOf?.find((o: { description?: string }) => o.description)?.description;
        if (!described) undocumented.push(`${at}.${key}`);
        walk(child, `${at}.${key}`);
      }
      for (const option of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(option, at);
      if (node.items) walk(node.items, `${at}[]`);
    };
    walk(flagsJsonSchema(), '$');
    expect(undocumented).toEqual([]);
  });

  it('rejects unknown fields everywhere (additionalProperties: false)', () => {
    const schema = flagsJsonSchema() as { additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.lockTable.additionalProperties).toBe(false);
  });

  it.each(['sandbox', 'dogfood', 'production'])('accepts the shipped %s file, which names the schema for editors', (env) => {
    const raw = JSON.parse(readFileSync(`flags/${env}.json`, 'utf8'));
    expect(raw.$schema).toBe('./schema.json');
    expect(FlagsSchema.safeParse(raw).success).toBe(true);
  });

  it('applies defaults: backfill 60 minutes, access logs kept 90 days', () => {
    const raw = JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));
    delete raw.lockTable;
    delete raw.accessLogs;
    const flags = FlagsSchema.parse(raw);
    expect(flags.lockTable.backfillMinutes).toBe(60);
    expect(flags.accessLogs.expirationDays).toBe(90);
  });
});
