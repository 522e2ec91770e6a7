/**
 * The cost section of the PR comment, per environment: each fleet's estimated
 * monthly cost before -> after and the difference, and the arithmetic one click away
 * (a <details> block). Deterministic: no locale, fixed decimals.
 */
import type { CostLine, FleetEstimate, LoadBalancerEstimate, StackCost } from './estimate';

/** "$1,234.56" without the locale: the same on every machine. */
export function usd(v: number): string {
  const sign = v < 0 ? '-' : '';
  const [int, dec] = Math.abs(v).toFixed(2).split('.');
  return `${sign}$${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

/** "+$1.00", "-$2.50", "±$0.00". */
export function usdDelta(v: number): string {
  return v > 0 ? `+${usd(v)}` : v < 0 ? usd(v) : '±$0.00';
}

const perHour = (v: number | undefined) => (v === undefined ? '$?' : `$${v.toFixed(4)}`);

/** The markdown of an environment's cost section; "" when no stack of it has a fleet or load balancer. */
export function renderCostSection(environment: string, costs: readonly StackCost[] | undefined): string {
  const mine = (costs ?? []).filter((c) => c.environment === environment);
  if (mine.length === 0) return '';
  const out: string[] = [];
  for (const c of mine) {
    const icon = c.deltaUsd > 0 ? '📈' : c.deltaUsd < 0 ? '📉' : '💵';
    out.push(
      `${icon} **Estimated monthly cost of \`${c.stack}\`:** ${usd(c.totalBeforeUsd)} → ${usd(c.totalAfterUsd)} (**${usdDelta(c.deltaUsd)}**/month)`,
      '',
      '| fleet | before | after | difference |',
      '| --- | --: | --: | --: |',
    );
    for (const f of c.fleets) out.push(`| \`${(f.after ?? f.before)!.group}\` | ${cell(f.before)} | ${cell(f.after)} | ${usdDelta(f.deltaUsd)} |`);
    for (const l of c.loadBalancers) out.push(`| load balancer \`${(l.after ?? l.before)!.name}\` | ${cell(l.before)} | ${cell(l.after)} | ${usdDelta(l.deltaUsd)} |`);
    out.push('', '<details><summary>How this is estimated</summary>', '');
    for (const f of c.fleets) out.push(...fleetArithmetic(f));
    for (const l of c.loadBalancers) out.push(...loadBalancerArithmetic(l));
    out.push(
      '',
      `Prices: ${c.region}, on-demand per hour from the committed table (\`lib/cost/prices.ts\`, checked ${c.prices.retrieved}; ` +
        `${c.prices.sources.join('; ')}). Spot: ${c.prices.spotDiscountPercent} % below on-demand. A month is ${c.prices.hoursPerMonth} hours. ` +
        'On-demand instances are the base plus the percentage above it, rounded up, of the first (prioritized) type; spot instances are the cheapest type at the spot discount.',
      '',
      `Not estimated (billed by usage): ${c.notEstimated.join('; ')}.`,
      '',
      '</details>',
      '',
    );
  }
  return out.join('\n').trimEnd();
}

function cell(e: { monthlyUsd: number } | undefined): string {
  if (!e) return '—';
  const range = e as Partial<FleetEstimate>;
  const bounds =
    range.minSize !== undefined && range.maxSize !== undefined && range.minSize !== range.maxSize
      ? ` <sub>(${usd(range.monthlyAtMinUsd!)} at min ${range.minSize} … ${usd(range.monthlyAtMaxUsd!)} at max ${range.maxSize})</sub>`
      : '';
  return `${usd(e.monthlyUsd)}${bounds}`;
}

function fleetArithmetic(line: CostLine<FleetEstimate>): string[] {
  const out: string[] = [];
  for (const [label, e] of [['before', line.before], ['after', line.after]] as const) {
    if (!e) continue;
    const s = e.split;
    const parts: string[] = [];
    if (s.onDemand > 0) parts.push(`${s.onDemand} on-demand × ${e.onDemandType ?? '?'} ${perHour(e.onDemandUsdPerHour)}/h`);
    if (s.spot > 0) parts.push(`${s.spot} spot × ${e.spotType ?? '?'} ${perHour(e.spotUsdPerHour)}/h`);
    const hourly = s.onDemand * (e.onDemandUsdPerHour ?? 0) + s.spot * (e.spotUsdPerHour ?? 0);
    const hours = e.scaleToZeroAt ? `${e.hours} h (until its scale-to-zero at ${e.scaleToZeroAt})` : `${e.hours} h`;
    const split = `${s.instances} instance${s.instances === 1 ? '' : 's'}: base ${e.onDemandBaseCapacity} on-demand, ${e.onDemandPercentageAboveBaseCapacity} % on-demand above it`;
    out.push(
      `- \`${e.group}\` ${label}: ${split} → ${parts.length ? parts.join(' + ') : 'nothing'} = $${hourly.toFixed(4)}/h × ${hours} = **${usd(e.monthlyUsd)}**` +
        (e.unpriced.length ? ` ⚠️ no price for ${e.unpriced.map((t) => `\`${t}\``).join(', ')} (counted as $0)` : ''),
    );
  }
  return out;
}

function loadBalancerArithmetic(line: CostLine<LoadBalancerEstimate>): string[] {
  return ([['before', line.before], ['after', line.after]] as const)
    .filter(([, e]) => e !== undefined)
    .map(([label, e]) => `- load balancer \`${e!.name}\` ${label}: ${e!.hours} h × ${perHour(e!.usdPerHour)}/h = **${usd(e!.monthlyUsd)}** (plus LCUs, not estimated)`);
}
