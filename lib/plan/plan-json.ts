/**
 * Terraform's JSON plan format (`terraform show -json <planfile>`, format 1.x): the parts
 * fleetflags reads, validated with zod (everything else passes through), and reading a plan
 * file as a shell may have written it (gzipped, UTF-8 with a BOM, UTF-16). A state file, a
 * cut file or a hostile nesting depth is refused with the file named (lib/errors/plan-comments.ts).
 * lib/plan/plan-model.ts builds the PR comment's view of a plan from these.
 * @see https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import { errors } from '../errors';

// ---------------------------------------------------------------------------
// The JSON format (the parts we read; everything else passes through)
// ---------------------------------------------------------------------------

const Change = z.looseObject({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.looseObject({ id: z.string().optional(), identity: z.unknown().optional() }).optional(),
  generated_config: z.string().optional(),
});

const ResourceChange = z.looseObject({
  address: z.string(),
  previous_address: z.string().optional(),
  module_address: z.string().optional(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string().optional(),
  index: z.unknown().optional(),
  deposed: z.string().optional(),
  provider_name: z.string().optional(),
  change: Change,
  action_reason: z.string().optional(),
});

const OutputChange = Change.omit({ replace_paths: true, importing: true, generated_config: true });

export const TerraformPlanSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(ResourceChange).optional(),
  resource_drift: z.array(ResourceChange).optional(),
  output_changes: z.record(z.string(), OutputChange).optional(),
  errored: z.boolean().optional(),
  applyable: z.boolean().optional(),
  complete: z.boolean().optional(),
  /** Added by lib/plan/speculative.ts: the plan is speculative, and what prevent_destroy blocked. */
  fleetflags: z
    .looseObject({ speculative: z.boolean().optional(), preventDestroy: z.array(z.string()).optional() })
    .optional(),
});

export type TerraformPlan = z.infer<typeof TerraformPlanSchema>;
export type TerraformResourceChange = z.infer<typeof ResourceChange>;
export type TerraformChange = z.infer<typeof Change>;
export type TerraformOutputChange = z.infer<typeof OutputChange>;

/** Reads and validates a `terraform show -json` file (plain or .gz; UTF-8, UTF-8 with a BOM, or UTF-16). */
export function readPlanFile(file: string): TerraformPlan {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
    if (file.endsWith('.gz')) raw = gunzipSync(raw);
  } catch (e) {
    throw errors.planFileUnreadable(file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
  const text = decodeText(raw, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw errors.planFileInvalid(file, `not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return parseTerraformPlan(json, file);
}

/**
 * The text of a file as a Windows shell may have written it: UTF-8 (a BOM is
 * dropped), UTF-16 LE or BE with a BOM (PowerShell's `>`), or UTF-16 LE without one.
 * Invalid byte sequences are refused with the encoding named, never replaced.
 */
export function decodeText(raw: Buffer, file: string): string {
  const decode = (encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array, name: string) => {
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw errors.planFileEncoding(file, name);
    }
  };
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return decode('utf-8', raw.subarray(3), 'UTF-8 (with a BOM)');
  if (raw[0] === 0xff && raw[1] === 0xfe) return decode('utf-16le', raw.subarray(2), 'UTF-16 LE (with a BOM)');
  if (raw[0] === 0xfe && raw[1] === 0xff) return decode('utf-16be', raw.subarray(2), 'UTF-16 BE (with a BOM)');
  // JSON starts with ASCII: a NUL after each of the first characters is UTF-16 LE without a BOM.
  if (raw.length >= 4 && raw[0] !== 0 && raw[1] === 0 && raw[2] !== 0 && raw[3] === 0) return decode('utf-16le', raw, 'UTF-16 LE');
  return decode('utf-8', raw, 'UTF-8');
}

/** Deepest nesting of arrays and objects a plan may have; far beyond any real value, far below the call stack. */
export const MAX_PLAN_DEPTH = 256;

/** How deeply `json` nests (iteratively: a hostile depth cannot overflow the stack), up to `limit` + 1. */
export function nestingDepth(json: unknown, limit = MAX_PLAN_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[json, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const d = depth + 1;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const v of Array.isArray(value) ? value : Object.values(value)) if (v !== null && typeof v === 'object') stack.push([v, d]);
  }
  return deepest;
}

/** The fields only a plan has (`terraform show -json <planfile>`); a state has "values" instead. */
const PLAN_FIELDS = ['planned_values', 'resource_changes', 'output_changes', 'applyable'] as const;

/** Validates parsed JSON as a Terraform JSON plan: a plan, not a state or a cut file, of sane depth. */
export function parseTerraformPlan(json: unknown, source = 'plan'): TerraformPlan {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json);
    if (!PLAN_FIELDS.some((k) => keys.includes(k))) {
      if (keys.includes('values')) throw errors.planIsState(source);
      throw errors.planNotAPlan(source, keys);
    }
  }
  const depth = nestingDepth(json);
  if (depth > MAX_PLAN_DEPTH) throw errors.planTooDeep(source, depth, MAX_PLAN_DEPTH);
  const result = TerraformPlanSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    throw errors.planFileInvalid(source, `${where}: ${issue.message}`);
  }
  if (!/^1\./.test(result.data.format_version)) {
    throw errors.planFileInvalid(source, `format_version ${JSON.stringify(result.data.format_version)} is not 1.x`);
  }
  return result.data;
}
