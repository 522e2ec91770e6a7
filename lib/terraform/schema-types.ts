/**
 * The types a Terraform run needs the provider's schema of (provider-schema-filter.ts): every
 * resource, data source and ephemeral resource type its configuration declares (the JSON files
 * of its directory and its local modules, as provider-eligibility.ts reads them) and every type
 * in the state it reads (`-state=<file>` or `-state <file>`, the local backend's path,
 * `terraform.tfstate`). `show <plan file>` also gets the types its `plan -out=` run had here
 * (that plan may have read a state this run cannot see).
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
  // Generated configuration is for types only its import blocks name.
  if (args.some((arg) => arg.startsWith('-generate-config-out'))) return undefined;
  try {
    const types = new Set<string>();
    const root = configurationTypes(cwd, 0, types);
    for (const file of stateFiles(cwd, args, root)) {
      if (!existsSync(file)) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(TYPE_NAME)) types.add(match[1]);
    }
    if (args[0] === 'show') {
      for (const planFile of positionalArgs(args)) for (const type of planTypes.get(path.resolve(cwd, planFile)) ?? []) types.add(type);
    }
    if (args[0] === 'plan') {
      const out = optionValue(args, '-out');
      if (out) rememberPlanTypes(path.resolve(cwd, out), types);
    }
    return types;
  } catch {
    return undefined;
  }
}

/** The types of the plans made in this process, by plan file (the newest MAX_PLAN_FILES). */
const planTypes = new Map<string, ReadonlySet<string>>();
const MAX_PLAN_FILES = 256;

function rememberPlanTypes(file: string, types: ReadonlySet<string>): void {
  planTypes.delete(file);
  if (planTypes.size >= MAX_PLAN_FILES) planTypes.delete(planTypes.keys().next().value!);
  planTypes.set(file, types);
}

/** Options that take a value (`-name=value` or `-name value`) among the ones these commands accept. */
const VALUE_OPTIONS = new Set(['-state', '-state-out', '-out', '-var', '-var-file', '-target', '-replace', '-lock-timeout', '-parallelism', '-backup', '-chdir']);

/** The value of `name` (`-name=value` or `-name value`), the last one given. */
function optionValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 1; i < args.length; i += 1) {
    if (args[i].startsWith(`${name}=`)) value = args[i].slice(name.length + 1);
    else if (args[i] === name && i + 1 < args.length) value = args[i + 1];
  }
  return value;
}

/** The arguments that are not options nor an option's value. */
function positionalArgs(args: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 1; i < args.length; i += 1) {
    if (VALUE_OPTIONS.has(args[i])) i += 1;
    else if (!args[i].startsWith('-')) found.push(args[i]);
  }
  return found;
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

/** The state files a run in `cwd` may read (`-state-out` is only written, and not by these commands). */
function stateFiles(cwd: string, args: readonly string[], files: readonly Json[]): string[] {
  const found = [path.join(cwd, 'terraform.tfstate')];
  const state = optionValue(args, '-state');
  if (state) found.push(path.resolve(cwd, state));
  for (const file of files) {
    const local = file.terraform?.backend?.local?.path;
    if (typeof local === 'string') found.push(path.resolve(cwd, local));
  }
  return found;
}
