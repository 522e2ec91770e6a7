/**
 * npm run gen-docs [-- --check]: writes docs/flags.md, the flags reference, from the
 * schema (lib/flags/schema.ts). `--check` fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { flagsJsonSchema } from '../lib/flags/schema';

export const FLAGS_DOC = 'docs/flags.md';

interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  additionalProperties?: boolean | Node;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

function typeOf(node: Node): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  const options = node.anyOf ?? node.oneOf;
  if (options) return options.map(typeOf).join(' \\| ');
  const base = Array.isArray(node.type) ? node.type.join(' \\| ') : node.type ?? 'any';
  if (base === 'array' && node.items) return `array of ${typeOf(node.items)}`;
  if (base === 'object' && typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`;
  return base;
}

function rows(node: Node, at: string, required: boolean, out: Row[]): Row[] {
  const description = node.description ?? (node.anyOf ?? node.oneOf)?.find((o) => o.description)?.description ?? '';
  if (at !== '$') {
    out.push({
      path: at,
      type: typeOf(node),
      required,
      default: node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``,
      description: description.replace(/\|/g, '\\|').replace(/\n/g, ' '),
    });
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    rows(child, `${at}.${key}`, (node.required ?? []).includes(key), out);
  }
  // A union of objects (state: local | s3): one row per field, the discriminator's values joined.
  for (const option of node.oneOf ?? node.anyOf ?? []) {
    for (const [key, child] of Object.entries(option.properties ?? {})) {
      const existing = out.find((r) => r.path === `${at}.${key}`);
      if (!existing) rows(child, `${at}.${key}`, (option.required ?? []).includes(key), out);
      else if (!existing.type.split(' \\| ').includes(typeOf(child))) existing.type += ` \\| ${typeOf(child)}`;
    }
  }
  if (node.items?.properties) rows({ ...node.items, description: undefined }, `${at}[]`, true, out);
  return out;
}

export function renderFlagsDoc(): string {
  const schema = flagsJsonSchema() as Node;
  const lines = [
    '<!-- Generated from lib/flags/schema.ts by `npm run gen-docs`. Do not edit by hand. -->',
    '# Flags reference',
    '',
    'Every field of `flags/<environment>.json`. Editors that read `"$schema": "./schema.json"` show the same',
    'descriptions and underline mistakes; `npm run check-flags` enforces them and the safety rules',
    '(`lib/flags/rules/`).',
    '',
    '| field | type | required | default | what it does |',
    '| --- | --- | :---: | --- | --- |',
  ];
  for (const r of rows(schema, '$', true, [])) {
    lines.push(`| \`${r.path.replace(/^\$\./, '')}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.default} | ${r.description} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function main(args: readonly string[]): number {
  const text = renderFlagsDoc();
  if (args.includes('--check')) {
    if (readFileSync(FLAGS_DOC, 'utf8') !== text) {
      console.error(`${FLAGS_DOC} is stale: run \`npm run gen-docs\` and commit it.`);
      return 1;
    }
    console.log(`${FLAGS_DOC} is up to date.`);
    return 0;
  }
  writeFileSync(FLAGS_DOC, text);
  console.log(`wrote ${FLAGS_DOC}`);
  return 0;
}
