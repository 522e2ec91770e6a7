/**
 * Provider schemas (`terraform providers schema -json`), which say each resource
 * attribute's type and whether it is computed. Loading them starts every provider
 * and prints ~14 MB for AWS, so it runs ONCE per machine and provider version: the
 * resource schemas (descriptions dropped) are cached on disk next to the plugin
 * cache, keyed by the providers and versions of the dependency lock file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors } from '../errors';
import { providerSchemasDir } from '../terraform/cli-config';
import { providerTemplate, terraform } from '../terraform/runner';

/** A cty type as Terraform writes it in JSON: "string", ["list", T], ["object", {...}], ... */
export type CtyType = string | [string, CtyType | Record<string, CtyType> | CtyType[], ...unknown[]];

export interface AttributeSchema {
  readonly type?: CtyType;
  /** Plugin-framework nested attributes (instead of `type`). */
  readonly nested_type?: { readonly attributes: Record<string, AttributeSchema>; readonly nesting_mode: NestingMode };
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

export type NestingMode = 'single' | 'group' | 'list' | 'set' | 'map';

export interface BlockSchema {
  readonly attributes?: Record<string, AttributeSchema>;
  readonly block_types?: Record<string, { readonly nesting_mode: NestingMode; readonly block: BlockSchema; readonly min_items?: number; readonly max_items?: number }>;
}

export interface ResourceSchema {
  /** The resource's schema version, recorded in state as `schema_version`. */
  readonly version: number;
  readonly block: BlockSchema;
}

/** Provider source address (e.g. "registry.terraform.io/hashicorp/aws") -> resource type -> schema. */
export type ProviderSchemas = Record<string, { readonly resource_schemas: Record<string, ResourceSchema> }>;

export interface ProviderSchemaOptions {
  /** A directory initialized for the providers (with `.terraform.lock.hcl`). @default the shared provider template */
  readonly workdir?: string;
  /** Where cached schemas live. @default providerSchemasDir() */
  readonly cacheDir?: string;
}

const memo = new Map<string, Promise<ProviderSchemas>>();

/** The resource schemas of every provider locked in `workdir`, from the disk cache when it has them. */
export async function providerSchemas(options: ProviderSchemaOptions = {}): Promise<ProviderSchemas> {
  const workdir = options.workdir ?? (await providerTemplate());
  const lock = readFileSync(path.join(workdir, '.terraform.lock.hcl'), 'utf8');
  const key = schemaCacheKey(lock);
  const cacheDir = options.cacheDir ?? providerSchemasDir();
  const file = path.join(cacheDir, `${key}.json`);
  let pending = memo.get(file);
  if (!pending) {
    pending = loadOrBuild(file, workdir);
    memo.set(file, pending);
    pending.catch(() => memo.delete(file));
  }
  return pending;
}

/** Cache key: the providers and versions of a lock file (hashes do not change the schema). */
export function schemaCacheKey(lockFile: string): string {
  const providers = [...lockFile.matchAll(/provider\s+"([^"]+)"\s*\{[^}]*?version\s*=\s*"([^"]+)"/g)]
    .map((m) => `${m[1]}@${m[2]}`)
    .sort();
  const readable = providers.map((p) => p.replace(/^registry\.terraform\.io\//, '').replace(/[^A-Za-z0-9.@-]+/g, '_')).join('+');
  const hash = createHash('sha256').update(providers.join('\n')).digest('hex').slice(0, 12);
  return `${readable.slice(0, 80)}-${hash}`;
}

async function loadOrBuild(file: string, workdir: string): Promise<ProviderSchemas> {
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ProviderSchemas;
    } catch {
      // A torn or corrupt cache file: rebuild it below.
    }
  }
  const result = await terraform(['providers', 'schema', '-json'], { cwd: workdir });
  const full = JSON.parse(result.stdout) as { provider_schemas?: Record<string, { resource_schemas?: Record<string, ResourceSchema> }> };
  const schemas: ProviderSchemas = {};
  for (const [source, provider] of Object.entries(full.provider_schemas ?? {})) {
    schemas[source] = { resource_schemas: stripDescriptions(provider.resource_schemas ?? {}) };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(schemas));
  renameSync(tmp, file); // atomic: parallel processes never read half a file
  return schemas;
}

function stripDescriptions<T>(value: T): T {
  // Only documentation: an attribute may itself be called "description" (an object, kept).
  const doc = (k: string, v: unknown) =>
    ((k === 'description' || k === 'description_kind') && typeof v === 'string') || (k === 'deprecated' && typeof v === 'boolean');
  return JSON.parse(JSON.stringify(value, (k, v) => (doc(k, v) ? undefined : v))) as T;
}

/** The schema of one resource type; throws when the provider does not know it. */
export function resourceSchema(schemas: ProviderSchemas, providerSource: string, type: string): ResourceSchema {
  const schema = schemas[normalizeSource(providerSource)]?.resource_schemas[type];
  if (!schema) throw errors.speculativeNoSchema(type, providerSource, Object.keys(schemas));
  return schema;
}

/** "hashicorp/aws" or "registry.terraform.io/hashicorp/aws" -> the full source address. */
export function normalizeSource(source: string): string {
  return source.split('/').length === 2 ? `registry.terraform.io/${source}` : source;
}

/** The cty type a block decodes to (an object of its attributes and nested blocks). */
export function blockType(block: BlockSchema): CtyType {
  const attrs: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(block.attributes ?? {})) attrs[name] = attributeType(a);
  for (const [name, b] of Object.entries(block.block_types ?? {})) attrs[name] = nested(b.nesting_mode, blockType(b.block));
  return ['object', attrs];
}

export function attributeType(a: AttributeSchema): CtyType {
  if (a.type !== undefined) return a.type;
  if (a.nested_type) return nested(a.nested_type.nesting_mode, blockType({ attributes: a.nested_type.attributes }));
  return 'dynamic';
}

function nested(mode: NestingMode, element: CtyType): CtyType {
  if (mode === 'list') return ['list', element];
  if (mode === 'set') return ['set', element];
  if (mode === 'map') return ['map', element];
  return element;
}
