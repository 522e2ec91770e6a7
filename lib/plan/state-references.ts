/**
 * References resolved within a round of the speculative baseline's fixpoint.
 *
 * A plan from an empty state leaves "known after apply" every attribute that refers
 * to another new resource (`bucket = aws_s3_bucket.x.id`, a listener's
 * `load_balancer_arn`, a policy's `jsonencode({...})` with ARNs in it). The fold
 * gives the referenced resources placeholders (IDs, ARNs); Terraform would then
 * need another round to carry them into the resources that refer to them, and one
 * more for what refers to those. Here the fold evaluates such an attribute's
 * configuration expression (hcl-expression.ts) against the state it is building,
 * as Terraform will on the next round, so that round already finds them equal.
 *
 * It only fills what the plan left unknown, and only where the expression is one
 * this evaluator models; anything else keeps its placeholder. A wrong guess costs a
 * round, never a wrong baseline: Terraform's next plan still has to show no changes.
 */
import type { CtyType } from './provider-schema';
import { Deferred, evaluateConfigValue, isTemplate, type Lookup, Unsupported } from './hcl-expression';
import type { StackJson } from '../terraform/runner';
import type { StateJson, StateResource } from './state';

/** An attribute (or a part of one) the plan left unknown, with the type the schema gives it. */
export interface UnknownValue {
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly path: readonly (string | number)[];
  readonly ctyType: CtyType;
}

/** An output the plan left unknown. */
export interface UnknownOutput {
  readonly name: string;
  readonly sensitive: boolean;
}

const NONE = Symbol('no configuration expression');

/**
 * Fills `unknown` values (and outputs) of `state` (mutated) from the stack's
 * configuration where their expression can be evaluated. Returns how many it filled.
 */
export function resolveFromConfiguration(
  state: StateJson,
  config: StackJson,
  unknown: readonly UnknownValue[],
  outputs: readonly UnknownOutput[] = [],
): number {
  const resources = new Map<string, StateResource>();
  for (const r of state.resources) if (!r.module) resources.set(`${r.type}.${r.name}`, r);
  const attributesOf = (type: string, name: string, index?: string | number) =>
    resources.get(`${type}.${name}`)?.instances.find((i) => i.index_key === index)?.attributes;

  // Each unknown value with the expression the configuration gives it (count/for_each instances have none we model).
  let waiting = unknown.flatMap((u) => {
    if (u.index !== undefined) return [];
    const attributes = attributesOf(u.type, u.name);
    const expression = attributes ? expressionAt(config.resource?.[u.type]?.[u.name], u.path, attributes) : NONE;
    return expression === NONE || !mentionsResources(expression) ? [] : [{ ...u, expression }];
  });
  const isWaiting = (type: string, name: string, path: readonly (string | number)[]) =>
    waiting.some((w) => w.type === type && w.name === name && overlaps(w.path, path));
  const lookup: Lookup = (type, name, path) => {
    if (isWaiting(type, name, path)) throw new Deferred();
    const attributes = attributesOf(type, name);
    if (!attributes) throw new Unsupported(`${type}.${name} is not in the state`);
    const value = getPath(attributes, path);
    if (value === undefined || value === null) throw new Unsupported(`${type}.${name}.${path.join('.')} has no value`);
    return value;
  };

  let filled = 0;
  // References between unknown values resolve in dependency order: a pass settles what depends on settled values only.
  for (let progress = true; progress && waiting.length > 0; ) {
    progress = false;
    for (const w of [...waiting]) {
      let value: unknown;
      try {
        value = coerce(evaluateConfigValue(w.expression, lookup), w.ctyType);
      } catch (e) {
        if (e instanceof Deferred) continue;
        if (!(e instanceof Unsupported)) throw e;
        waiting = waiting.filter((x) => x !== w); // keeps its placeholder
        progress = true;
        continue;
      }
      setPath(attributesOf(w.type, w.name)!, w.path, value);
      waiting = waiting.filter((x) => x !== w);
      filled++;
      progress = true;
    }
  }

  for (const o of outputs) {
    const expression = config.output?.[o.name]?.value;
    if (expression === undefined) continue;
    try {
      const value = evaluateConfigValue(expression, lookup);
      state.outputs[o.name] = { value, type: typeOfValue(value), ...(o.sensitive ? { sensitive: true } : {}) };
      filled++;
    } catch (e) {
      if (!(e instanceof Deferred || e instanceof Unsupported)) throw e;
    }
  }
  return filled;
}

/**
 * The configuration expression at a path of a resource's attributes. Blocks are
 * lists in the plan and an object or an array in the synthesized JSON; an element of
 * a set of several blocks is the one configured block whose literal values match it.
 */
function expressionAt(resourceConfig: unknown, path: readonly (string | number)[], attributes: Record<string, unknown>): unknown {
  let config: unknown = resourceConfig;
  let value: unknown = attributes;
  for (const step of path) {
    if (config === undefined || config === null) return NONE;
    if (typeof step === 'number') {
      const siblings = Array.isArray(value) ? value : [];
      const element = siblings[step];
      if (Array.isArray(config)) {
        config = config.length === siblings.length && siblings.length > 1 ? matchingBlock(config, element, step) : config.length === 1 ? config[0] : config[step];
      } else if (typeof config === 'object' && siblings.length === 1 && step === 0) {
        // one block, synthesized as an object
      } else return NONE;
      value = element;
    } else {
      if (typeof config !== 'object' || Array.isArray(config) || !(step in (config as object))) return NONE;
      config = (config as Record<string, unknown>)[step];
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[step] : undefined;
    }
  }
  return config === undefined ? NONE : config;
}

/**
 * The configured element for a list or set element: the one whose literal values all
 * equal the element's; by position when it is the only one or none tells them apart.
 */
function matchingBlock(configured: readonly unknown[], element: unknown, position: number): unknown {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return configured[position];
  const matches = configured.filter((c) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return false;
    return Object.entries(c).every(([k, v]) => {
      if (typeof v === 'object' && v !== null) return true;
      if (typeof v === 'string' && isTemplate(v)) return true;
      const actual = (element as Record<string, unknown>)[k];
      return actual === undefined || String(actual) === String(v);
    });
  });
  return matches.length === 1 ? matches[0] : NONE;
}

/** True when a configuration value has an interpolation at all (a literal would already have been known). */
function mentionsResources(value: unknown): boolean {
  if (typeof value === 'string') return isTemplate(value);
  if (Array.isArray(value)) return value.some(mentionsResources);
  if (value !== null && typeof value === 'object') return Object.values(value).some(mentionsResources);
  return false;
}

/** Terraform's conversion of a value to the attribute's type, for the cases references give. */
function coerce(value: unknown, type: CtyType): unknown {
  if (type === 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') throw new Unsupported(`a ${typeof value} for a string`);
    return value;
  }
  if (type === 'number') {
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (typeof value !== 'number') throw new Unsupported(`a ${typeof value} for a number`);
    return value;
  }
  if (type === 'bool') {
    if (value === 'true' || value === 'false') return value === 'true';
    if (typeof value !== 'boolean') throw new Unsupported(`a ${typeof value} for a bool`);
    return value;
  }
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set')) {
    if (!Array.isArray(value)) throw new Unsupported('not a list');
    return value.map((v) => coerce(v, type[1] as CtyType));
  }
  if (Array.isArray(type) && type[0] === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Unsupported('not a map');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v, type[1] as CtyType)]));
  }
  throw new Unsupported(`type ${JSON.stringify(type)}`); // objects and the rest: left to Terraform
}

function overlaps(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function setPath(root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let v: unknown = root;
  for (const p of path.slice(0, -1)) v = (v as Record<string | number, unknown>)[p];
  (v as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

/** The cty type of a JSON value, as outputs record it in state. */
export function typeOfValue(v: unknown): unknown {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return ['tuple', v.map(typeOfValue)];
  if (v !== null && typeof v === 'object') return ['object', Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeOfValue(x)]))];
  return 'dynamic';
}
