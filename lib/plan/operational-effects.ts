/**
 * What a plan does to the running fleet, next to Terraform's view of it: a
 * launch-template change on a group with an instance refresh replaces every
 * instance of that fleet (Terraform counts it as "1 to change"); capacity and
 * spot-ratio changes; fleets created and removed. One short table a reviewer
 * reads first.
 *
 * Read from the plan's Auto Scaling groups and launch templates only (before and
 * after values), so it works the same on speculative and real plans.
 */
import type { ResourceChangeView, StackPlan } from './plan-model';
import { compare } from './plan-model';
import { code, plural } from './markdown';

export type FleetEffectKind = 'rolling-replacement' | 'template-change' | 'capacity' | 'spot-ratio' | 'new-fleet' | 'removed-fleet' | 'fleet-replaced';

export interface FleetEffect {
  readonly stack: string;
  /** The group's name (`name` of the aws_autoscaling_group), else its address. */
  readonly group: string;
  readonly address: string;
  readonly kind: FleetEffectKind;
  /** One line, plain text. */
  readonly detail: string;
  /** Instances affected, when known (the desired capacity before the change). */
  readonly instances?: number;
}

type Obj = Record<string, unknown>;

const ASG = 'aws_autoscaling_group';
const LAUNCH_TEMPLATE = 'aws_launch_template';

/** The operational effects of every stack, in stack then group order. */
export function fleetEffects(stacks: readonly StackPlan[]): FleetEffect[] {
  return stacks.flatMap(stackEffects);
}

export function stackEffects(s: StackPlan): FleetEffect[] {
  const changedTemplates = new Set<string>();
  for (const r of s.changes) {
    if (r.type !== LAUNCH_TEMPLATE || (r.kind !== 'update' && r.kind !== 'replace')) continue;
    const id = str(obj(r.change.before)?.id);
    if (id) changedTemplates.add(id);
  }
  const out: FleetEffect[] = [];
  for (const r of s.changes.filter((c) => c.type === ASG)) out.push(...groupEffects(s.stack, r, changedTemplates));
  return out.sort((a, b) => compare(a.group, b.group) || compare(a.kind, b.kind));
}

function groupEffects(stack: string, r: ResourceChangeView, changedTemplates: ReadonlySet<string>): FleetEffect[] {
  const before = obj(r.change.before);
  const after = obj(r.change.after);
  const group = str(after?.name) ?? str(before?.name) ?? r.address;
  const base = { stack, group, address: r.address };
  const effects: FleetEffect[] = [];
  if (r.kind === 'create' || r.kind === 'create-forget') {
    return [{ ...base, kind: 'new-fleet', detail: `new fleet: ${capacityText(after)}`, instances: num(after?.desired_capacity) ?? num(after?.min_size) }];
  }
  if (r.kind === 'delete') {
    const n = num(before?.desired_capacity);
    return [{ ...base, kind: 'removed-fleet', detail: `fleet removed: ${n === undefined ? 'its instances are' : n === 1 ? 'its 1 instance is' : `its ${n} instances are`} terminated`, instances: n }];
  }
  if (r.kind === 'replace') {
    const n = num(before?.desired_capacity);
    return [{ ...base, kind: 'fleet-replaced', detail: `the whole group is replaced: ${n ?? 'all'} instance${plural(n ?? 2)} terminated and launched anew (${capacityText(after)})`, instances: n }];
  }
  if (r.kind !== 'update') return effects;

  // Launch template: a changed template the group uses, or a changed template reference.
  const templatesBefore = templateRefs(before);
  const templatesAfter = templateRefs(after);
  const unknownRefs = JSON.stringify(r.change.after_unknown ?? {}).match(/"(launch_template_specification|launch_template)":\[\{[^\]]*"(version|id|launch_template_id)":true/) !== null;
  const templateChanged =
    templatesBefore.some((t) => changedTemplates.has(t.id)) ||
    unknownRefs ||
    JSON.stringify(templatesBefore) !== JSON.stringify(templatesAfter.length ? templatesAfter : templatesBefore);
  if (templateChanged) {
    const refresh = instanceRefresh(after) ?? instanceRefresh(before);
    const n = num(before?.desired_capacity);
    const count = n === undefined ? 'every instance' : n === 1 ? 'its 1 instance' : `all ${n} instances`;
    if (refresh) {
      effects.push({
        ...base,
        kind: 'rolling-replacement',
        detail:
          `rolling replacement of every instance: the launch template changes, and the instance refresh replaces ${count}, ` +
          `keeping at least ${refresh.minHealthyPercentage ?? 90}% healthy${refresh.autoRollback ? ' (auto rollback on failure)' : ''}`,
        instances: n,
      });
    } else {
      effects.push({ ...base, kind: 'template-change', detail: `the launch template changes; no instance refresh: new instances use it, the ${n ?? ''} running keep the old one until replaced`.replace('the  running', 'running instances'), instances: n });
    }
  }

  // Capacity.
  const parts: string[] = [];
  for (const [key, label] of [['min_size', 'min'], ['max_size', 'max'], ['desired_capacity', 'desired']] as const) {
    const b = num(before?.[key]);
    const a = num(after?.[key]);
    if (a !== undefined && b !== a) parts.push(`${label} ${b ?? '(none)'} → ${a}`);
  }
  if (parts.length) effects.push({ ...base, kind: 'capacity', detail: `capacity: ${parts.join(', ')}`, instances: num(before?.desired_capacity) });

  // Spot ratio.
  const db = distribution(before);
  const da = distribution(after);
  if (da && db && (da.base !== db.base || da.percent !== db.percent)) {
    const spot = (d: Distribution) => (d.percent === undefined ? '?' : `${100 - d.percent}%`);
    const pieces: string[] = [];
    if (da.percent !== db.percent) pieces.push(`on-demand above base ${db.percent ?? '?'}% → ${da.percent ?? '?'}% (spot ${spot(db)} → ${spot(da)})`);
    if (da.base !== db.base) pieces.push(`on-demand base ${db.base ?? '?'} → ${da.base ?? '?'} instances`);
    effects.push({ ...base, kind: 'spot-ratio', detail: `spot ratio: ${pieces.join('; ')}` });
  }
  return effects;
}

const ICON: Record<FleetEffectKind, string> = {
  'rolling-replacement': '🔁',
  'template-change': '📝',
  capacity: '📏',
  'spot-ratio': '💸',
  'new-fleet': '🆕',
  'removed-fleet': '🗑️',
  'fleet-replaced': '♻️',
};

/** The "what happens to the fleet" table; '' when the plans change no fleet. */
export function renderFleetEffects(effects: readonly FleetEffect[]): string {
  if (effects.length === 0) return '';
  const rolling = effects.filter((e) => e.kind === 'rolling-replacement' || e.kind === 'fleet-replaced');
  const instances = rolling.reduce((n, e) => n + (e.instances ?? 0), 0);
  const lead = rolling.length
    ? `**What happens to the fleet** (read this first): ${rolling.length} fleet${plural(rolling.length)} replace${rolling.length === 1 ? 's' : ''} every instance${instances ? ` (${instances} instance${plural(instances)} in all)` : ''}, although Terraform counts ${rolling.length === 1 ? 'it' : 'them'} as in-place changes.`
    : '**What happens to the fleet** (read this first):';
  return [
    lead,
    '',
    '| fleet | stack | effect |',
    '| --- | --- | --- |',
    ...effects.map((e) => `| ${code(e.group)} | ${code(e.stack)} | ${ICON[e.kind]} ${e.detail.replace(/\|/g, '\\|')} |`),
  ].join('\n');
}

// -- reading values -----------------------------------------------------------------

interface TemplateRef {
  readonly id: string;
  readonly version: string;
}

/** Launch templates a group uses: `launch_template` or the mixed instances policy's. */
function templateRefs(group: Obj | undefined): TemplateRef[] {
  const out: TemplateRef[] = [];
  for (const lt of arr(group?.launch_template)) out.push({ id: str(obj(lt)?.id) ?? str(obj(lt)?.name) ?? '', version: str(obj(lt)?.version) ?? '' });
  for (const mip of arr(group?.mixed_instances_policy)) {
    for (const lt of arr(obj(mip)?.launch_template)) {
      for (const spec of arr(obj(lt)?.launch_template_specification)) {
        out.push({ id: str(obj(spec)?.launch_template_id) ?? str(obj(spec)?.launch_template_name) ?? '', version: str(obj(spec)?.version) ?? '' });
      }
    }
  }
  return out;
}

function instanceRefresh(group: Obj | undefined): { minHealthyPercentage?: number; autoRollback: boolean } | undefined {
  const refresh = obj(arr(group?.instance_refresh)[0]);
  if (!refresh) return undefined;
  const prefs = obj(arr(refresh.preferences)[0]);
  return { minHealthyPercentage: num(prefs?.min_healthy_percentage), autoRollback: prefs?.auto_rollback === true };
}

interface Distribution {
  readonly base?: number;
  readonly percent?: number;
}

function distribution(group: Obj | undefined): Distribution | undefined {
  const d = obj(arr(obj(arr(group?.mixed_instances_policy)[0])?.instances_distribution)[0]);
  if (!d) return undefined;
  return { base: num(d.on_demand_base_capacity), percent: num(d.on_demand_percentage_above_base_capacity) };
}

function capacityText(group: Obj | undefined): string {
  const min = num(group?.min_size);
  const max = num(group?.max_size);
  const desired = num(group?.desired_capacity);
  return `${min ?? '?'}-${max ?? '?'} instances${desired === undefined ? '' : `, ${desired} desired`}`;
}

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}
