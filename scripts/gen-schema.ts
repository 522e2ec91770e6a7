/** Writes flags/schema.json from lib/flags/schema.ts. `--check` fails when it is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { flagsJsonSchema } from '../lib/flags/schema';

export const SCHEMA_FILE = 'flags/schema.json';

export function renderSchema(): string {
  return `${JSON.stringify(flagsJsonSchema(), null, 2)}\n`;
}

export function main(args: readonly string[]): number {
  const text = renderSchema();
  if (args.includes('--check')) {
    const current = readFileSync(SCHEMA_FILE, 'utf8');
    if (current !== text) {
      console.error(`${SCHEMA_FILE} is stale: run \`npm run gen-schema\` and commit it.`);
      return 1;
    }
    console.log(`${SCHEMA_FILE} is up to date.`);
    return 0;
  }
  writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${SCHEMA_FILE}`);
  return 0;
}
