/**
 * Terraform state (format version 4) built from plans, for speculative plans:
 * - `stateFromPlan` turns every planned create into a resource instance: the
 *   plan's known `after` values, placeholders (state-placeholders.ts) where the
 *   plan says "known after apply".
 * - `foldPlan` folds a later plan back into the state: the known `after` values of
 *   every update and replacement (unknown ones keep the prior value on update and
 *   get fresh placeholders on replacement), creates added, deletes removed, output
 *   values set. This is the step of the fixpoint in baselines.ts.
 */
import { blockType, normalizeSource, resourceSchema, type CtyType, type ProviderSchemas } from './provider-schema';
import { placeholder, type PlaceholderContext } from './state-placeholders';
import { getPath, resolveFromConfiguration, typeOfValue, type UnknownOutput, type UnknownValue } from './state-references';
import type { StackJson } from '../terraform/runner';

export { typeOfValue };

/* eslint-disable @typescript-eslint/no-explicit-any */
export type PlanJson = Record<string, any>;

export interface StateInstance {
  index_key?: string | number;
  schema_version: number;
  attributes: Record<string, unknown>;
  sensitive_attributes: unknown[];
  dependencies?: string[];
}

export interface StateResource {
  module?: string;
  mode: 'managed';
  type: string;
  name: string;
  provider: string;
  instances: StateInstance[];
}

export interface StateJson {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>;
  resources: StateResource[];
  check_results?: null;
}

export interface StateBuildContext {
  readonly schemas: ProviderSchemas;
  readonly region: string;
  readonly accountId: string;
}

interface ResourceChange {
  address: string;
  module_address?: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  provider_name: string;
  change: { actions: string[]; before: any; after: any; after_unknown: any };
}

export function emptyState(terraformVersion: string, lineage: string): StateJson {
  return { version: 4, terraform_version: terraformVersion, serial: 1, lineage, outputs: {}, resources: [] };
}

/** True when a plan changes nothing: every resource and output change is a no-op. */
export function planIsEmpty(plan: PlanJson): boolean {
  const rc = (plan.resource_changes ?? []) as ResourceChange[];
  const oc = Object.values(plan.output_changes ?? {}) as Array<{ actions: string[] }>;
  return rc.every((c) => isNoop(c.change.actions)) && oc.every((c) => isNoop(c.actions));
}

/** Addresses of the resource changes that are not no-ops, with their actions. */
export function plannedChanges(plan: PlanJson): Array<{ address: string; actions: string[] }> {
  return ((plan.resource_changes ?? []) as ResourceChange[])
    .filter((c) => !isNoop(c.change.actions))
    .map((c) => ({ address: c.address, actions: c.change.actions }));
}

function isNoop(actions: readonly string[]): boolean {
  return actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read');
}

/**
 * Folds a plan into `state` (mutated and returned). On the first round (empty
 * state) every change is a create; later rounds are updates and replacements.
 * With the stack's configuration, what the plan left unknown and the configuration
 * computes from other resources is evaluated against the folded state
 * (state-references.ts), as the next round's plan will evaluate it.
 */
export function foldPlan(state: StateJson, plan: PlanJson, ctx: StateBuildContext, config?: StackJson): StateJson {
  const providerKeys = providerKeysByAddress(plan);
  const unknownValues: UnknownValue[] = [];
  const unknownOutputs: UnknownOutput[] = [];
  for (const rc of (plan.resource_changes ?? []) as ResourceChange[]) {
    if (rc.mode !== 'managed') continue;
    const actions = rc.change.actions;
    if (isNoop(actions)) continue;
    const key = resourceKey(rc);
    if (actions.length === 1 && actions[0] === 'delete') {
      removeInstance(state, key, rc.index);
      continue;
    }
    const schema = resourceSchema(ctx.schemas, rc.provider_name, rc.type);
    const existing = findInstance(state, key, rc.index);
    const replace = actions.includes('delete') && actions.includes('create');
    const prior = existing && !replace && !actions.includes('create') ? existing.attributes : undefined;
    const attributes = resolveAttributes(schema.block ? blockType(schema.block) : 'dynamic', rc, ctx, prior, existing?.attributes, (path, ctyType) => {
      // Resources of nested modules are left to the next round (their configuration is elsewhere).
      if (!rc.module_address) unknownValues.push({ type: rc.type, name: rc.name, index: rc.index, path, ctyType });
    });
    const instance: StateInstance = {
      ...(rc.index !== undefined ? { index_key: rc.index } : {}),
      schema_version: schema.version ?? 0,
      attributes,
      sensitive_attributes: [],
    };
    if (existing) Object.assign(existing, instance);
    else addInstance(state, key, rc, providerKeys.get(configAddress(rc)) ?? 'aws', instance);
  }
  for (const [name, oc] of Object.entries((plan.output_changes ?? {}) as Record<string, any>)) {
    if (isNoop(oc.actions)) continue;
    if (oc.actions.includes('delete') && !oc.actions.includes('create')) {
      delete state.outputs[name];
      continue;
    }
    if (oc.after_unknown === true || oc.after === null || oc.after === undefined) {
      delete state.outputs[name]; // resolved from the configuration below, or on a later round
      if (oc.after_unknown === true) unknownOutputs.push({ name, sensitive: oc.after_sensitive === true || config?.output?.[name]?.sensitive === true });
      continue;
    }
    state.outputs[name] = { value: oc.after, type: typeOfValue(oc.after), ...(oc.after_sensitive === true ? { sensitive: true } : {}) };
  }
  if (config) resolveFromConfiguration(state, config, unknownValues, unknownOutputs);
  state.serial += 1;
  return state;
}

/**
 * The full attribute object of an instance: every attribute of the schema, the
 * plan's known value where it has one; where it is unknown, the prior value on an
 * update (as the provider keeps it) or a placeholder.
 */
function resolveAttributes(
  type: CtyType,
  rc: ResourceChange,
  ctx: StateBuildContext,
  prior: Record<string, unknown> | undefined,
  previous: Record<string, unknown> | undefined,
  onUnknown: (path: (string | number)[], type: CtyType) => void,
): Record<string, unknown> {
  const after = (rc.change.after ?? {}) as Record<string, unknown>;
  const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
  const attrs = Array.isArray(type) && type[0] === 'object' ? (type[1] as Record<string, CtyType>) : {};
  // Known top-level values first: names feed realistic IDs and ARNs.
  const known: Record<string, unknown> = { ...(previous ?? {}) };
  for (const [k, v] of Object.entries(after)) if (unknown[k] !== true && v !== null && typeof v !== 'object') known[k] = v;
  const pctx = (path: (string | number)[]): PlaceholderContext => ({
    type: rc.type,
    address: rc.address,
    path,
    known,
    region: ctx.region,
    accountId: ctx.accountId,
  });
  const result: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(attrs)) {
    result[name] = fill(t, after[name], unknown[name], [name], (ty, p) => {
      onUnknown(p, ty);
      const kept = prior ? getPath(prior, p) : undefined;
      return kept !== undefined ? kept : placeholder(ty, pctx(p));
    });
  }
  return result;
}

type Fallback = (type: CtyType, path: (string | number)[]) => unknown;

function fill(type: CtyType, after: unknown, unknown: unknown, path: (string | number)[], fallback: Fallback): unknown {
  if (unknown === true) return fallback(type, path);
  if (after === undefined || after === null) return null;
  if (!Array.isArray(type)) return after;
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && Array.isArray(after)) {
    const u = Array.isArray(unknown) ? unknown : [];
    return after.map((v, i) => fill(inner as CtyType, v, u[i], [...path, i], fallback));
  }
  if (kind === 'tuple' && Array.isArray(after)) {
    const u = Array.isArray(unknown) ? unknown : [];
    return after.map((v, i) => fill((inner as CtyType[])[i] ?? 'dynamic', v, u[i], [...path, i], fallback));
  }
  if (kind === 'map' && isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, fill(inner as CtyType, v, u[k], [...path, k], fallback)]));
  }
  if (kind === 'object' && isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    const out: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(inner as Record<string, CtyType>)) out[k] = fill(t, after[k], u[k], [...path, k], fallback);
    return out;
  }
  return after;
}



function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// -- addressing --------------------------------------------------------------

function resourceKey(rc: ResourceChange): string {
  return `${rc.module_address ?? ''}|${rc.type}.${rc.name}`;
}

function configAddress(rc: ResourceChange): string {
  return `${rc.type}.${rc.name}`;
}

function findResource(state: StateJson, key: string): StateResource | undefined {
  return state.resources.find((r) => `${r.module ?? ''}|${r.type}.${r.name}` === key);
}

function findInstance(state: StateJson, key: string, index: string | number | undefined): StateInstance | undefined {
  return findResource(state, key)?.instances.find((i) => i.index_key === index);
}

function removeInstance(state: StateJson, key: string, index: string | number | undefined): void {
  const r = findResource(state, key);
  if (!r) return;
  r.instances = r.instances.filter((i) => i.index_key !== index);
  if (r.instances.length === 0) state.resources = state.resources.filter((x) => x !== r);
}

function addInstance(state: StateJson, key: string, rc: ResourceChange, providerKey: string, instance: StateInstance): void {
  let r = findResource(state, key);
  if (!r) {
    const [, alias] = providerKey.split('.');
    r = {
      ...(rc.module_address ? { module: rc.module_address } : {}),
      mode: 'managed',
      type: rc.type,
      name: rc.name,
      provider: `provider["${normalizeSource(rc.provider_name)}"]${alias ? `.${alias}` : ''}`,
      instances: [],
    };
    state.resources.push(r);
    state.resources.sort((a, b) => `${a.module ?? ''}${a.type}.${a.name}`.localeCompare(`${b.module ?? ''}${b.type}.${b.name}`));
  }
  r.instances.push(instance);
}

/** Root-module resource address -> provider config key ("aws" or "aws.alias"). */
function providerKeysByAddress(plan: PlanJson): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of (plan.configuration?.root_module?.resources ?? []) as Array<{ address: string; provider_config_key?: string }>) {
    if (r.provider_config_key) map.set(r.address, r.provider_config_key);
  }
  return map;
}
