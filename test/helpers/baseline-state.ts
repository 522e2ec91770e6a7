/**
 * A Terraform state "as if the configuration had been applied", built offline, for
 * plan regression tests. TEST-ONLY STOPGAP: lib/plan/speculative.ts (issue 4) will
 * build such baselines for real; replace this helper with it when it lands.
 *
 * How: plan the configuration from nothing; turn its planned values into a state,
 * filling every value that is only known after apply with a deterministic
 * placeholder of the right type (ARNs that look like ARNs, numbers for numbers);
 * then plan again against that state and fold the result back in, until the
 * configuration plans no changes against its own state (a fixed point). Terraform
 * itself resolves references between resources on the way, so a resource that
 * refers to another's placeholder ID ends up holding exactly that ID.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { planJson, terraform, writeOfflineWorkdir, type StackJson } from '../../lib/terraform/runner';

const AWS = 'registry.terraform.io/hashicorp/aws';
type CtyType = string | [string, unknown];
interface Attribute { readonly type?: CtyType }
interface Block {
  readonly attributes?: Record<string, Attribute>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: Block }>;
}
interface ResourceSchema { readonly version: number; readonly block: Block }

let schemas: Promise<Record<string, ResourceSchema>> | undefined;

/** The AWS provider's resource schemas (`terraform providers schema -json`), once per process. */
function resourceSchemas(dir: string): Promise<Record<string, ResourceSchema>> {
  schemas ??= terraform(['providers', 'schema', '-json'], { cwd: dir }).then(
    (r) => (JSON.parse(r.stdout) as { provider_schemas: Record<string, { resource_schemas: Record<string, ResourceSchema> }> }).provider_schemas[AWS].resource_schemas,
  );
  return schemas;
}

/**
 * What AWS fills in for attributes the configuration leaves out, where any other
 * value would make the provider plan a replacement (these are force-new).
 */
const AWS_DEFAULTS: Record<string, Record<string, unknown>> = {
  aws_lb_target_group: {
    protocol_version: 'HTTP1',
    ip_address_type: 'ipv4',
    load_balancing_algorithm_type: 'round_robin',
    load_balancing_anomaly_mitigation: 'off',
    load_balancing_cross_zone_enabled: 'use_load_balancer_configuration',
  },
};

const hash = (text: string, length = 17) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** A deterministic, plausible value of `type` for an attribute known only after apply. */
function placeholder(type: CtyType | undefined, resourceType: string, address: string, name: string): unknown {
  const known = AWS_DEFAULTS[resourceType]?.[name];
  if (known !== undefined) return known;
  const kind = Array.isArray(type) ? type[0] : type;
  if (kind === 'number') return 1;
  if (kind === 'bool') return false;
  if (kind === 'list' || kind === 'set') return [];
  if (kind === 'map') return {};
  if (kind !== 'string') return null;
  const h = hash(`${address}.${name}`);
  if (name === 'arn' || name.endsWith('_arn')) {
    const service = resourceType.replace(/^aws_/, '').split('_')[0];
    return `arn:aws:${service}:us-east-1:000000000000:${resourceType}/placeholder-${h}`;
  }
  if (name === 'id' && resourceType === 'aws_launch_template') return `lt-${h}`;
  if (name === 'id' && resourceType === 'aws_security_group') return `sg-${h}`;
  if (name === 'id' && resourceType.startsWith('aws_vpc_security_group_')) return `sgr-${h}`;
  return `placeholder-${h}`;
}

type Ctx = { readonly type: string; readonly address: string };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An attribute value with the leaves `unknown` marks filled: the prior value, else a placeholder. */
function fillAttribute(value: unknown, unknown: unknown, type: CtyType | undefined, ctx: Ctx, name: string, prior: unknown): unknown {
  if (unknown === true) return prior ?? placeholder(type, ctx.type, ctx.address, name);
  const [kind, inner] = Array.isArray(type) ? type : [type, undefined];
  if (Array.isArray(unknown) && (kind === 'list' || kind === 'set')) {
    const list = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => {
      list[i] = fillAttribute(list[i], u, inner as CtyType, ctx, `${name}.${i}`, Array.isArray(prior) ? prior[i] : undefined);
    });
    return list;
  }
  if (isObject(unknown) && (kind === 'map' || kind === 'object')) {
    const out: Record<string, unknown> = { ...(isObject(value) ? value : {}) };
    for (const [key, u] of Object.entries(unknown)) {
      const sub = kind === 'map' ? inner : (inner as Record<string, CtyType>)[key];
      out[key] = fillAttribute(out[key], u, sub as CtyType, ctx, `${name}.${key}`, isObject(prior) ? prior[key] : undefined);
    }
    return out;
  }
  return value;
}

/** A block's values with every unknown leaf filled, guided by the schema `block`. */
function fillBlock(values: unknown, unknown: unknown, block: Block, ctx: Ctx, prior: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(isObject(values) ? values : {}) };
  if (!isObject(unknown)) return out;
  for (const [key, u] of Object.entries(unknown)) {
    const priorValue = isObject(prior) ? prior[key] : undefined;
    const attribute = block.attributes?.[key];
    const nested = block.block_types?.[key];
    if (attribute) {
      out[key] = fillAttribute(out[key], u, attribute.type, ctx, key, priorValue);
    } else if (nested) {
      if (u === true) out[key] = priorValue ?? (nested.nesting_mode === 'single' ? null : []);
      else if (Array.isArray(u)) {
        const list = Array.isArray(out[key]) ? [...(out[key] as unknown[])] : [];
        u.forEach((e, i) => {
          list[i] = fillBlock(list[i], e, nested.block, { ...ctx, address: `${ctx.address}.${key}.${i}` }, Array.isArray(priorValue) ? priorValue[i] : undefined);
        });
        out[key] = list;
      } else out[key] = fillBlock(out[key], u, nested.block, ctx, priorValue);
    }
  }
  return out;
}

interface StateResource {
  mode: string;
  type: string;
  name: string;
  provider: string;
  instances: Array<{ schema_version: number; attributes: Record<string, unknown>; sensitive_attributes: unknown[] }>;
}

interface ResourceChange {
  address: string;
  mode: string;
  type: string;
  name: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown: unknown };
}

export interface BaselineResult {
  /** The state file, in the working directory. */
  readonly stateFile: string;
  /** Plans it took to reach the fixed point. */
  readonly rounds: number;
}

/**
 * Writes an offline working copy of `stack` into `dir` and a state file in which
 * `stack` has been applied: planning `stack` against it shows no changes.
 */
export async function buildBaselineState(dir: string, stack: StackJson, maxRounds = 6): Promise<BaselineResult> {
  await writeOfflineWorkdir(dir, stack);
  const all = await resourceSchemas(dir);
  const stateFile = path.join(dir, 'baseline.tfstate');
  const resources = new Map<string, StateResource>();
  let serial = 0;
  const write = () =>
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.4',
        serial: ++serial,
        lineage: '00000000-0000-4000-8000-000000000000',
        outputs: {},
        resources: [...resources.values()],
        check_results: null,
      }),
    );

  for (let round = 1; round <= maxRounds; round++) {
    if (round > 1) write();
    const plan = await planJson(dir, round > 1 ? { stateFile, planFile: 'baseline.tfplan' } : { planFile: 'baseline.tfplan' });
    const changes = ((plan.resource_changes ?? []) as ResourceChange[]).filter((c) => c.mode === 'managed');
    const pending = changes.filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'));
    if (round > 1 && pending.length === 0) return { stateFile, rounds: round };
    if (process.env.FLEETFLAGS_DEBUG_BASELINE) {
      console.log(`round ${round}:\n${pending.map((c) => `  ${c.change.actions.join('+')} ${c.address}`).join('\n')}`);
    }
    for (const c of pending) {
      if (c.change.actions.includes('delete') && !c.change.actions.includes('create')) {
        resources.delete(c.address);
        continue;
      }
      const schema = all[c.type];
      if (!schema) throw new Error(`no provider schema for ${c.type}`);
      const prior = c.change.actions.includes('create') ? undefined : c.change.before;
      const attributes = fillBlock(c.change.after ?? {}, c.change.after_unknown, schema.block, { type: c.type, address: c.address }, prior);
      resources.set(c.address, {
        mode: 'managed',
        type: c.type,
        name: c.name,
        provider: `provider["${AWS}"]`,
        instances: [{ schema_version: schema.version, attributes, sensitive_attributes: [] }],
      });
    }
  }
  throw new Error(`the baseline state of ${dir} did not converge in ${maxRounds} plans`);
}
