/**
 * Speculative plans: what Terraform would do, without cloud credentials or state.
 *
 * The base configuration (e.g. the base branch's) is turned into a Terraform state
 * "as if it had been applied" (baselines.ts), and the head configuration is
 * planned against it with `-refresh=false` (`speculativePlan`). So the real
 * provider, not us, decides what is an update and what is a replacement (and why:
 * `action_reason`, `replace_paths`).
 *
 * Several heads plan together (`speculativePlans`): those with the same provider
 * configuration as modules of one root, one root per provider configuration (as the
 * baselines fold: baselines.ts).
 *
 * The plan JSON `speculativePlan` returns is `terraform show -json` with one extra
 * top-level field, `fleetflags` (SpeculativeMarker): `speculative: true`, how the
 * baseline was made, and the resources whose `prevent_destroy` Terraform enforced
 * (see below). Readers of plan JSON ignore unknown top-level fields.
 *
 * prevent_destroy: when the head replaces or deletes a resource that has
 * `lifecycle.prevent_destroy`, Terraform refuses to plan at all. That refusal is
 * the real outcome, but a reviewer must see what the change would have done, so the
 * plan is made again with `prevent_destroy` lifted from exactly those resources,
 * and the marker lists them in `preventDestroy` (a deploy of this change fails).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mapLimit, settledInOrder, valuesOrThrow } from '../concurrency';
import { FleetflagsError } from '../errors';
import { modulePlan, providerGroups, writeModulesWorkdir } from '../terraform/modules-workdir';
import { writeOfflineWorkdir } from '../terraform/offline-workdir';
import { type StackJson } from '../terraform/runner';
import { type Baseline, buildBaseline, buildBaselines, canonical, groupConcurrency, moduleNames, moduleState, planOnce, showJson, stackNameOf } from './baselines';
import type { PlanJson, StateJson } from './state';

export type { PlanJson, StateJson, StackJson };

export interface SpeculativePlanOptions {
  /** The configuration the baseline is made of; none: plan against an empty state (everything is created). */
  readonly base?: StackJson;
  readonly head: StackJson;
  /** Working directory (created): `base/` builds the baseline, `head/` plans the head. */
  readonly workdir: string;
  readonly stackName?: string;
  /** Cache of baselines (see BaselineOptions.cacheDir). @default none */
  readonly cacheDir?: string;
  readonly maxRounds?: number;
  /**
   * The baseline of `base`, already built (buildBaselines: several stacks' in one go).
   * @default built here (buildBaseline)
   */
  readonly baseline?: Baseline;
  /**
   * When head and base are the same configuration, return the baseline's last
   * round (already a plan of it against its baseline) instead of planning again.
   * @default true
   */
  readonly reuseFinalRound?: boolean;
}

/** What `speculativePlan` adds to the plan JSON, as its top-level `fleetflags` field. */
export interface SpeculativeMarker {
  readonly speculative: true;
  /** "base": planned against a baseline of the base configuration; "empty": against no state. */
  readonly baseline: 'base' | 'empty';
  /** Plans the baseline took (0: cached or empty). */
  readonly baselineRounds: number;
  /**
   * Resources whose `lifecycle.prevent_destroy` the head would violate. Terraform
   * refuses such a plan; it was made again without their prevent_destroy to show
   * what would happen, and an apply of this change will fail.
   */
  readonly preventDestroy: readonly string[];
}

export type SpeculativePlanJson = PlanJson & { fleetflags: SpeculativeMarker };

/** The JSON plan (`terraform show -json`) of `head` against a baseline of `base`, marked speculative. */
export async function speculativePlan(options: SpeculativePlanOptions): Promise<SpeculativePlanJson> {
  const workdir = path.resolve(options.workdir);
  mkdirSync(workdir, { recursive: true });
  const stack = options.stackName ?? stackNameOf(options.head);
  let baseline: Baseline | undefined;
  if (options.base) {
    baseline = options.baseline ?? await buildBaseline(options.base, {
      workdir: path.join(workdir, 'base'),
      stackName: stack,
      cacheDir: options.cacheDir,
      maxRounds: options.maxRounds,
    });
  }
  const marker = (preventDestroy: readonly string[]): SpeculativeMarker => ({
    speculative: true,
    baseline: options.base ? 'base' : 'empty',
    baselineRounds: baseline?.rounds ?? 0,
    preventDestroy,
  });

  // Unchanged: the baseline's last round already is the plan of head against it.
  if (baseline?.finalPlan && options.reuseFinalRound !== false && sameConfig(options.base!, options.head)) {
    return { ...(await baseline.finalPlan()), fleetflags: marker([]) };
  }

  const headDir = path.join(workdir, 'head');
  const stateFile = baseline ? path.join(workdir, 'baseline.tfstate') : undefined;
  if (stateFile) writeFileSync(stateFile, JSON.stringify(baseline!.state, null, 2));
  let head = options.head;
  await writeOfflineWorkdir(headDir, head);
  const lifted: string[] = [];
  for (;;) {
    try {
      await planOnce(headDir, 'plan.tfplan', stateFile, false);
      break;
    } catch (e) {
      const blocked = e instanceof FleetflagsError ? preventDestroyAddresses(e.message).filter((a) => !lifted.includes(a)) : [];
      if (blocked.length === 0) throw e;
      lifted.push(...blocked);
      head = withoutPreventDestroy(head, blocked);
      await writeOfflineWorkdir(headDir, head);
    }
  }
  const plan = await showJson(headDir, 'plan.tfplan');
  return { ...plan, fleetflags: marker(lifted.sort()) };
}

export interface SpeculativeJob {
  /** The configuration the baseline is made of; none: planned against an empty state. */
  readonly base?: StackJson;
  readonly head: StackJson;
  /** The baseline of `base`, already built (buildBaselines). @default built with the others missing one */
  readonly baseline?: Baseline;
}

export interface SpeculativePlansOptions {
  /** Working directory (created): `base/` builds missing baselines, `heads/` plans the heads. */
  readonly workdir: string;
  /** Cache of baselines (see BaselinesOptions.cacheDir). @default none */
  readonly cacheDir?: string;
  readonly maxRounds?: number;
  /** See SpeculativePlanOptions.reuseFinalRound. @default true */
  readonly reuseFinalRound?: boolean;
  /** Provider groups planned at once (see BaselinesOptions.concurrency). @default baselines.ts DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
}

/**
 * speculativePlan of several stacks (name -> job), in ONE `plan` + ONE `show -json` per
 * provider group (providerGroups; `concurrency` groups at a time): each head is a module of
 * its group's root (modules-workdir.ts writeModulesWorkdir) planned against its
 * baseline moved into its module (moduleState); each stack's plan is its module's part
 * (modules-workdir.ts modulePlan: resource and output changes, configuration; no prior state).
 * Missing baselines are built together first (buildBaselines); an unchanged head reuses
 * its baseline's last round. prevent_destroy as in speculativePlan: the resources
 * Terraform refuses to destroy lose the guard in their own stack only, and that stack's
 * marker lists them.
 */
export async function speculativePlans(jobs: ReadonlyMap<string, SpeculativeJob>, options: SpeculativePlansOptions): Promise<Map<string, SpeculativePlanJson>> {
  const workdir = path.resolve(options.workdir);
  mkdirSync(workdir, { recursive: true });
  const missing = new Map([...jobs].filter(([, j]) => j.base && !j.baseline).map(([name, j]) => [name, j.base!] as const));
  const built =
    missing.size > 0
      ? await buildBaselines(missing, { workdir: path.join(workdir, 'base'), cacheDir: options.cacheDir, maxRounds: options.maxRounds, concurrency: options.concurrency })
      : undefined;
  const baselineOf = (name: string): Baseline | undefined => (jobs.get(name)!.base ? (jobs.get(name)!.baseline ?? built?.get(name)) : undefined);
  const marker = (name: string, preventDestroy: readonly string[]): SpeculativeMarker => ({
    speculative: true,
    baseline: jobs.get(name)!.base ? 'base' : 'empty',
    baselineRounds: baselineOf(name)?.rounds ?? 0,
    preventDestroy,
  });

  const concurrency = groupConcurrency(options.concurrency);
  const results = new Map<string, SpeculativePlanJson>();
  const reused = [...jobs].filter(([name, job]) => baselineOf(name)?.finalPlan && options.reuseFinalRound !== false && sameConfig(job.base!, job.head)).map(([name]) => name);
  const toPlan = [...jobs.keys()].filter((name) => !reused.includes(name));
  // Unchanged heads: their baseline's last round (a `show` per provider group and round, `concurrency` at a time).
  const finalPlans = await mapLimit(reused, concurrency, (name) => baselineOf(name)!.finalPlan!());
  reused.forEach((name, i) => results.set(name, { ...finalPlans[i], fleetflags: marker(name, []) }));
  if (toPlan.length > 0) {
    const modules = moduleNames(toPlan);
    const groups = providerGroups(toPlan, (name) => jobs.get(name)!.head);
    // One group: its root is `heads/`. Several: each in a directory of its own under it, named after its first module.
    const groupDir = (group: readonly string[]) => path.join(workdir, 'heads', ...(groups.length === 1 ? [] : [modules.get(group[0])!]));
    const settled = await settledInOrder(groups, concurrency, (group) => planHeads(group, groupDir(group), modules, jobs, baselineOf));
    for (const plans of valuesOrThrow(settled)) {
      for (const [name, { plan, lifted }] of plans) results.set(name, { ...plan, fleetflags: marker(name, lifted.sort()) });
    }
  }
  // In the order asked.
  return new Map([...jobs.keys()].map((name) => [name, results.get(name)!]));
}

/**
 * The heads of `group` (stacks that share a provider configuration: providerGroups) as modules of
 * one root in `dir`, each against its baseline moved into its module: ONE `plan` (again with the
 * prevent_destroy guards Terraform refused lifted, in their own stack only) and ONE `show -json`.
 * Each stack's plan is its module's part, with the addresses whose guard was lifted.
 */
async function planHeads(
  group: readonly string[],
  dir: string,
  modules: ReadonlyMap<string, string>,
  jobs: ReadonlyMap<string, SpeculativeJob>,
  baselineOf: (name: string) => Baseline | undefined,
): Promise<Map<string, { plan: PlanJson; lifted: string[] }>> {
  const byModule = new Map(group.map((name) => [modules.get(name)!, name]));
  const heads = new Map(group.map((name) => [name, jobs.get(name)!.head]));
  const write = () => writeModulesWorkdir(dir, new Map(group.map((name) => [modules.get(name)!, heads.get(name)!])), { outputs: true });
  const { sharedProvider } = await write();
  const withBase = group.filter((name) => baselineOf(name));
  let stateFile: string | undefined;
  if (withBase.length > 0) {
    stateFile = path.join(dir, 'baselines.tfstate');
    const states = withBase.map((name) => [modules.get(name)!, baselineOf(name)!.state] as const);
    const state = moduleState(states, sharedProvider, { lineage: 'fleetflags-speculative-heads', serial: 1, terraformVersion: states[0][1].terraform_version });
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }
  const lifted = new Map<string, string[]>(group.map((name) => [name, []]));
  for (;;) {
    try {
      await planOnce(dir, 'plan.tfplan', stateFile, false);
      break;
    } catch (e) {
      // "module.<name>.<address>": lift the guard in that module's configuration only.
      const blocked = (e instanceof FleetflagsError ? preventDestroyAddresses(e.message) : [])
        .map((a) => /^module\.([^.]+)\.(.+)$/.exec(a))
        .filter((m): m is RegExpExecArray => m !== null && byModule.has(m[1]) && !lifted.get(byModule.get(m[1])!)!.includes(m[2]));
      if (blocked.length === 0) throw e;
      for (const [, module, address] of blocked) {
        const name = byModule.get(module)!;
        lifted.get(name)!.push(address);
        heads.set(name, withoutPreventDestroy(heads.get(name)!, [address]));
      }
      await write();
    }
  }
  const plan = await showJson(dir, 'plan.tfplan');
  return new Map(group.map((name) => [name, { plan: modulePlan(plan, modules.get(name)!), lifted: lifted.get(name)! }]));
}

// -- helpers -----------------------------------------------------------------

/** Addresses Terraform refused to destroy because of `lifecycle.prevent_destroy`. */
export function preventDestroyAddresses(message: string): string[] {
  return [...new Set([...message.matchAll(/Resource (\S+) has\s+lifecycle\.prevent_destroy\s+set/g)].map((m) => m[1]))];
}

/** A copy of `stack` without `prevent_destroy` on the given resource addresses. */
export function withoutPreventDestroy(stack: StackJson, addresses: readonly string[]): StackJson {
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  for (const address of addresses) {
    const [type, name] = address.replace(/\[[^\]]*\]$/, '').split('.');
    const lifecycle = copy.resource?.[type]?.[name]?.lifecycle;
    if (lifecycle) delete lifecycle.prevent_destroy;
  }
  return copy;
}

function sameConfig(a: StackJson, b: StackJson): boolean {
  return canonical(a) === canonical(b);
}

