/**
 * Nested defaults merge field by field, per fleet: a partial nested object keeps
 * its own fleet's default for every field it leaves out (issue: a catch-up fleet
 * with `"spot": {"onDemandBaseCapacity": 1}` used to plan the main fleet's 100%
 * on-demand instead of the catch-up default, all spot).
 *
 * The table below is the documented default of every nested object of every fleet,
 * written out by hand (not read from the schema, so the test can fail). A discovery
 * test keeps the table complete: a new nested object with defaults fails it.
 */
import { parseFlags } from '../../../lib/flags/load';
import { FlagsSchema } from '../../../lib/flags/schema';
import { CATCH_UP_EXPIRES_AT, fleetFlags } from '../../helpers/fleet-flags';
import { synthFleetStack } from '../../helpers/fleet-synth';
import { readFileSync } from 'node:fs';

interface NestedCase {
  /** Where the object sits in a flags file. */
  readonly path: readonly (string | number)[];
  /** Fields a valid object must have (they have no default). */
  readonly required: Readonly<Record<string, unknown>>;
  /** Every defaulted field, with its documented default and a valid non-default value. */
  readonly fields: Readonly<Record<string, { readonly default: unknown; readonly other: unknown }>>;
}

const CASES: readonly NestedCase[] = [
  {
    path: ['ingest'],
    required: { buildId: '2026.11.20-1', minSize: 1, maxSize: 4, desiredCapacity: 2 },
    fields: {
      spot: { default: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 }, other: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 50 } },
      autoscaling: { default: { enabled: false, metric: 'cpu', targetValue: 60 }, other: { enabled: true, metric: 'cpu', targetValue: 50 } },
    },
  },
  {
    path: ['ingest', 'spot'],
    required: {},
    fields: { onDemandBaseCapacity: { default: 0, other: 1 }, onDemandPercentageAboveBaseCapacity: { default: 100, other: 25 } },
  },
  {
    path: ['ingest', 'autoscaling'],
    required: {},
    fields: { enabled: { default: false, other: true }, metric: { default: 'cpu', other: 'requestsPerTarget' }, targetValue: { default: 60, other: 70 } },
  },
  {
    path: ['catchUp'],
    required: {},
    fields: {
      enabled: { default: false, other: false }, // on would need an expiry: covered by the catch-up cases below
      size: { default: 4, other: 2 },
      backfillMinutes: { default: 60, other: 120 },
      spot: { default: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 }, other: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 10 } },
    },
  },
  {
    path: ['catchUp', 'spot'],
    required: {},
    fields: { onDemandBaseCapacity: { default: 0, other: 1 }, onDemandPercentageAboveBaseCapacity: { default: 0, other: 25 } },
  },
  {
    path: ['quarantines', 0],
    required: { name: 'acme', pathPatterns: ['/1/events/acme-*'] },
    fields: { instanceCount: { default: 1, other: 3 } },
  },
];

/** Every subset of `keys`, the empty one included. */
function subsets<T>(keys: readonly T[]): T[][] {
  return Array.from({ length: 1 << keys.length }, (_, bits) => keys.filter((_, i) => (bits & (1 << i)) !== 0));
}

function sandboxRaw(): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync('flags/sandbox.json', 'utf8'));
}

function setAt(raw: any, at: readonly (string | number)[], value: unknown): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  let node = raw;
  for (const key of at.slice(0, -1)) {
    node[key] ??= typeof key === 'number' ? [] : {};
    if (Array.isArray(node[key]) && typeof at[at.indexOf(key) + 1] === 'number') node[key] = node[key].slice(0, 0);
    node = node[key];
  }
  node[at[at.length - 1]] = value;
}

function getAt(value: any, at: readonly (string | number)[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return at.reduce((node, key) => node?.[key], value);
}

const name = (c: NestedCase) => c.path.join('.');

/** The resource of type `t` whose name ends with `suffix` ("-ingest", "-catch-up"). */
function resourceOfType(json: any, t: string, suffix: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.values(json.resource[t] as Record<string, { name: string }>).find((r) => String(r.name).endsWith(suffix));
}

describe('nested defaults merge field by field, per fleet', () => {
  const rows = CASES.flatMap((c) => subsets(Object.keys(c.fields)).map((given) => [name(c), given.join(', ') || '(none)', c, given] as const));

  test.each(rows)('%s given only {%s}: every other field gets its own fleet\'s default', (_path, _label, c, given) => {
    // GIVEN the sandbox flags with a partial object at the path
    const raw = sandboxRaw();
    const partial = { ...c.required, ...Object.fromEntries(given.map((f) => [f, c.fields[f].other])) };
    setAt(raw, c.path, partial);

    // WHEN it is validated
    const { flags, problems } = parseFlags('flags/sandbox.json', JSON.stringify(raw));

    // THEN each field it left out is that fleet's documented default, and each given field is kept
    expect(problems).toEqual([]);
    const expected = { ...c.required, ...Object.fromEntries(Object.entries(c.fields).map(([f, v]) => [f, given.includes(f) ? v.other : v.default])) };
    expect(getAt(flags, c.path)).toMatchObject(expected);
  });

  test('the table covers every defaulted field of every nested object of every fleet', () => {
    // GIVEN the schema's fleets: the main fleet, the catch-up fleet, a quarantine
    const found: string[] = [];
    const walk = (node: any, at: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      let n = node;
      while (['optional', 'default', 'nullable'].includes(n.def.type)) n = n.def.innerType;
      if (n.def.type === 'array') return walk(n.def.element, `${at}.0`);
      if (n.def.type !== 'object') return;
      for (const [key, child] of Object.entries(n.shape as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
        if (child.def.type === 'default') found.push(`${at}.${key}`);
        walk(child, `${at}.${key}`);
      }
    };
    for (const fleet of ['ingest', 'catchUp', 'quarantines']) walk((FlagsSchema as any).shape[fleet], fleet); // eslint-disable-line @typescript-eslint/no-explicit-any

    // THEN every one is in the table above
    const covered = CASES.flatMap((c) => Object.keys(c.fields).map((f) => `${name(c)}.${f}`));
    expect(found.sort()).toEqual([...new Set(covered)].sort());
  });

  test('a catch-up fleet with only an on-demand base plans the rest as spot (0% on-demand above it)', () => {
    // GIVEN an enabled catch-up fleet whose spot object names only the base
    const flags = fleetFlags({ catchUp: true, spot: false }, (f) => {
      f.catchUp!.spot = { onDemandBaseCapacity: 1 };
    });

    // WHEN the fleet stack is synthesized
    const json = synthFleetStack(flags, new Date(Date.parse(CATCH_UP_EXPIRES_AT) - 86_400_000));

    // THEN the catch-up group is spot above its base; the main fleet keeps its own default (all on-demand)
    const distribution = (group: any) => group.mixed_instances_policy.instances_distribution; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(distribution(resourceOfType(json, 'aws_autoscaling_group', '-catch-up'))).toMatchObject({
      on_demand_base_capacity: 1,
      on_demand_percentage_above_base_capacity: 0,
    });
    expect(distribution(resourceOfType(json, 'aws_autoscaling_group', '-ingest'))).toMatchObject({ on_demand_percentage_above_base_capacity: 100 });
  });
});
