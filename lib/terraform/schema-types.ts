/**
 * The types a Terraform run needs the provider's schema of (provider-schema-filter.ts): every
 * resource, data source and ephemeral resource type its configuration declares (the JSON files
 * of its directory and its local modules, as provider-eligibility.ts reads them) and every type
 * in the state it reads (`-state=<file>`, the local backend's path, `terraform.tfstate`).
 *
 * Extra names do no harm (the cut keeps only names the provider has); a missing one makes
 * Terraform fail loudly, and the run goes again with the whole schema (runner.ts). So the
 * state files are read for every string that looks like a type name, not parsed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Commands whose runs get the schema cut to their types. `apply` gets it whole: it is the change itself. */
export const SCHEMA_FILTERED_COMMANDS: ReadonlySet<string> = new Set(['plan', 'validate', 'show']);

const BLOCKS = ['resource', 'data', 'ephemeral'] as const;
const TYPE_NAME = /"(aws_[a-z0-9_]+)"/g;

/**
 * The types `terraform <args>` in `cwd` needs, or undefined when its schema must stay whole
 * (another command, or a configuration this cannot read).
 */
export function schemaTypes(cwd: string, args: readonly string[]): ReadonlySet<string> | undefined {
  if (!SCHEMA_FILTERED_COMMANDS.has(args[0])) return undefined;
  try {
    const types = new Set<string>();
    const root = configurationTypes(cwd, 0, types);
    for (const file of stateFiles(cwd, args, root)) {
      if (!existsSync(file)) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(TYPE_NAME)) types.add(match[1]);
    }
    return types;
  } catch {
    return undefined;
  }
}

/** Adds the types `dir` and its local modules declare to `types`; returns the root's parsed files. Throws on HCL. */
function configurationTypes(dir: string, depth: number, types: Set<string>): Json[] {
  if (depth > 8) throw new Error('modules nested more than 8 deep');
  const files: Json[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.tf')) throw new Error(`HCL configuration (${name}) is not read here`);
    if (name.endsWith('.tf.json')) files.push(JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Json);
  }
  for (const file of files) {
    for (const block of BLOCKS) for (const type of Object.keys((file[block] ?? {}) as Json)) types.add(type);
    for (const call of Object.values((file.module ?? {}) as Record<string, Json>)) {
      configurationTypes(path.resolve(dir, String(call.source ?? '')), depth + 1, types);
    }
  }
  return files;
}

/** The state files a run in `cwd` may read. */
function stateFiles(cwd: string, args: readonly string[], files: readonly Json[]): string[] {
  const found = [path.join(cwd, 'terraform.tfstate')];
  for (const arg of args) {
    const state = /^-state(?:-out)?=(.+)$/.exec(arg)?.[1];
    if (state) found.push(path.resolve(cwd, state));
  }
  for (const file of files) {
    const local = file.terraform?.backend?.local?.path;
    if (typeof local === 'string') found.push(path.resolve(cwd, local));
  }
  return found;
}
