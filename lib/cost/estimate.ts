/**
 * The estimated monthly cost of each fleet, before and after a plan, computed from
 * the Terraform JSON plan itself (so it matches what Terraform will do): the Auto
 * Scaling groups' sizes, their mixed instances policy (on-demand base, on-demand
 * percentage above it, instance type overrides), the scale-to-zero schedule of a
 * catch-up fleet, and the load balancer's hours, priced from the committed table
 * (lib/cost/prices.ts).
 *
 * How AWS fills a mixed group, and so how it is estimated:
 * - on-demand: the base, then the percentage of the rest, rounded up to whole
 *   instances; the "prioritized" strategy launches the first override type;
 * - spot: the rest; "price-capacity-optimized" leans to the cheapest pool, estimated
 *   as the cheapest override at the table's spot discount.
 * A group with a scale-to-zero schedule (a catch-up fleet) runs only until it.
 */
import type { TerraformPlan } from '../plan/plan-json';
import { NOT_ESTIMATED, PRICE_TABLE, type PriceTable } from './prices';

type Obj = Record<string, unknown>;

export interface InstanceSplit {
  readonly instances: number;
  readonly onDemand: number;
  readonly spot: number;
}

/** One fleet (Auto Scaling group) on one side of the plan. */
export interface FleetEstimate {
  readonly group: string;
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly onDemandBaseCapacity: number;
  readonly onDemandPercentageAboveBaseCapacity: number;
  /** At the desired capacity. */
  readonly split: InstanceSplit;
  readonly onDemandType?: string;
  readonly onDemandUsdPerHour?: number;
  readonly spotType?: string;
  readonly spotUsdPerHour?: number;
  /** Hours it runs in a month: the month, or until its scale-to-zero schedule. */
  readonly hours: number;
  /** When it scales to zero, if scheduled. */
  readonly scaleToZeroAt?: string;
  readonly monthlyUsd: number;
  readonly monthlyAtMinUsd: number;
  readonly monthlyAtMaxUsd: number;
  /** Instance types without a price in the table: counted as $0, and said so. */
  readonly unpriced: readonly string[];
}

export interface LoadBalancerEstimate {
  readonly name: string;
  readonly hours: number;
  readonly usdPerHour: number;
  readonly monthlyUsd: number;
}

export interface CostLine<T> {
  /** Resource address in the plan. */
  readonly address: string;
  readonly before?: T;
  readonly after?: T;
  /** after - before, USD per month. */
  readonly deltaUsd: number;
}

export interface StackCost {
  readonly stack: string;
  readonly environment: string;
  readonly region: string;
  readonly fleets: readonly CostLine<FleetEstimate>[];
  readonly loadBalancers: readonly CostLine<LoadBalancerEstimate>[];
  readonly totalBeforeUsd: number;
  readonly totalAfterUsd: number;
  readonly deltaUsd: number;
  /** The prices used: date, sources, spot discount, hours per month. */
  readonly prices: { readonly retrieved: string; readonly sources: readonly string[]; readonly spotDiscountPercent: number; readonly hoursPerMonth: number };
  readonly notEstimated: readonly string[];
}

export interface EstimateOptions {
  /** @default PRICE_TABLE */
  readonly prices?: PriceTable;
  /** Time the plan is for (catch-up hours until expiry). @default the plan's timestamp, else the clock */
  readonly now?: Date;
  /** @default the plan's provider region, else the region in the plan's ARNs */
  readonly region?: string;
}

/** The cost estimate of one stack's plan; undefined when it has no fleet and no load balancer. */
export function estimateStackCost(plan: TerraformPlan, stack: string, environment: string, options: EstimateOptions = {}): StackCost | undefined {
  const table = options.prices ?? PRICE_TABLE;
  const changes = (plan.resource_changes ?? []).filter((rc) => (rc.mode ?? 'managed') === 'managed' && rc.deposed === undefined);
  const groups = changes.filter((rc) => rc.type === 'aws_autoscaling_group');
  const lbs = changes.filter((rc) => rc.type === 'aws_lb');
  if (groups.length === 0 && lbs.length === 0) return undefined;
  const region = options.region ?? regionOf(plan) ?? 'unknown';
  const prices = table.regions[region];
  const now = options.now ?? (typeof plan.timestamp === 'string' ? new Date(plan.timestamp) : new Date());
  const schedules = changes.filter((rc) => rc.type === 'aws_autoscaling_schedule');
  const side = (c: { before?: unknown; after?: unknown }, which: 'before' | 'after') => (isObj(c[which]) ? (c[which] as Obj) : undefined);

  const scheduleFor = (group: string, which: 'before' | 'after'): string | undefined =>
    schedules
      .map((s) => side(s.change, which))
      .find((s) => s && s.autoscaling_group_name === group && s.desired_capacity === 0 && typeof s.start_time === 'string')?.start_time as string | undefined;

  const fleet = (g: Obj, which: 'before' | 'after'): FleetEstimate => {
    const name = String(g.name ?? '');
    const minSize = num(g.min_size, 0);
    const maxSize = num(g.max_size, minSize);
    const desiredCapacity = num(g.desired_capacity, minSize);
    const mip = first(g.mixed_instances_policy);
    const dist = first(mip?.instances_distribution);
    const types = (first(mip?.launch_template)?.override as Obj[] | undefined ?? []).map((o) => String(o.instance_type ?? '')).filter(Boolean);
    const base = mip ? num(dist?.on_demand_base_capacity, 0) : 0;
    const pct = mip ? num(dist?.on_demand_percentage_above_base_capacity, 100) : 100;
    const price = (t: string) => prices?.onDemandUsdPerHour[t];
    const unpriced = types.filter((t) => price(t) === undefined);
    const onDemandType = types[0];
    const onDemandUsdPerHour = onDemandType !== undefined ? price(onDemandType) : undefined;
    const spotCandidates = types.filter((t) => price(t) !== undefined).map((t) => ({ t, usd: round4(price(t)! * (1 - table.spotDiscountPercent / 100)) }));
    const spot = spotCandidates.sort((a, b) => a.usd - b.usd || (a.t < b.t ? -1 : 1))[0];
    const scaleToZeroAt = scheduleFor(name, which);
    const hours = scaleToZeroAt ? clamp((Date.parse(scaleToZeroAt) - now.getTime()) / 3_600_000, 0, table.hoursPerMonth) : table.hoursPerMonth;
    const monthly = (n: number) => {
      const s = splitOf(n, base, pct);
      return round2(hours * (s.onDemand * (onDemandUsdPerHour ?? 0) + s.spot * (spot?.usd ?? 0)));
    };
    return {
      group: name,
      instanceTypes: types,
      minSize,
      maxSize,
      desiredCapacity,
      onDemandBaseCapacity: base,
      onDemandPercentageAboveBaseCapacity: pct,
      split: splitOf(desiredCapacity, base, pct),
      onDemandType,
      onDemandUsdPerHour,
      spotType: spot?.t,
      spotUsdPerHour: spot?.usd,
      hours: round2(hours),
      ...(scaleToZeroAt ? { scaleToZeroAt } : {}),
      monthlyUsd: monthly(desiredCapacity),
      monthlyAtMinUsd: monthly(minSize),
      monthlyAtMaxUsd: monthly(maxSize),
      unpriced,
    };
  };

  const loadBalancer = (lb: Obj): LoadBalancerEstimate => {
    const usdPerHour = (lb.load_balancer_type ?? 'application') === 'application' ? (prices?.loadBalancerUsdPerHour ?? 0) : 0;
    return { name: String(lb.name ?? ''), hours: table.hoursPerMonth, usdPerHour, monthlyUsd: round2(table.hoursPerMonth * usdPerHour) };
  };

  const lines = <T extends { monthlyUsd: number }>(rcs: typeof changes, make: (o: Obj, which: 'before' | 'after') => T): CostLine<T>[] =>
    rcs
      .map((rc) => {
        const b = side(rc.change, 'before');
        const a = side(rc.change, 'after');
        const before = b ? make(b, 'before') : undefined;
        const after = a ? make(a, 'after') : undefined;
        return { address: rc.address, before, after, deltaUsd: round2((after?.monthlyUsd ?? 0) - (before?.monthlyUsd ?? 0)) };
      })
      .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));

  const fleets = lines(groups, fleet);
  const loadBalancers = lines(lbs, (o) => loadBalancer(o));
  const all = [...fleets, ...loadBalancers] as CostLine<{ monthlyUsd: number }>[];
  const totalBeforeUsd = round2(all.reduce((n, l) => n + (l.before?.monthlyUsd ?? 0), 0));
  const totalAfterUsd = round2(all.reduce((n, l) => n + (l.after?.monthlyUsd ?? 0), 0));
  return {
    stack,
    environment,
    region,
    fleets,
    loadBalancers,
    totalBeforeUsd,
    totalAfterUsd,
    deltaUsd: round2(totalAfterUsd - totalBeforeUsd),
    prices: { retrieved: table.retrieved, sources: table.sources, spotDiscountPercent: table.spotDiscountPercent, hoursPerMonth: table.hoursPerMonth },
    notEstimated: prices ? [...NOT_ESTIMATED] : [`everything: no prices for region ${region} in lib/cost/prices.ts`, ...NOT_ESTIMATED],
  };
}

/** On-demand and spot instances of `n` in a mixed group: the base, then the percentage of the rest, rounded up. */
export function splitOf(n: number, base: number, percentAboveBase: number): InstanceSplit {
  const baseOnDemand = Math.min(n, base);
  const above = Math.max(0, n - base);
  const onDemandAbove = Math.ceil((above * percentAboveBase) / 100 - 1e-9);
  return { instances: n, onDemand: baseOnDemand + onDemandAbove, spot: above - onDemandAbove };
}

/** The region of the plan's AWS provider, or of the first ARN in it. */
export function regionOf(plan: TerraformPlan): string | undefined {
  const config = plan.configuration as Obj | undefined;
  const region = ((((config?.provider_config as Obj | undefined)?.aws as Obj | undefined)?.expressions as Obj | undefined)?.region as Obj | undefined)?.constant_value;
  if (typeof region === 'string') return region;
  const text = JSON.stringify(plan.resource_changes ?? []);
  return /arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):/.exec(text)?.[1];
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function first(v: unknown): Obj | undefined {
  return Array.isArray(v) && isObj(v[0]) ? v[0] : undefined;
}
function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}
