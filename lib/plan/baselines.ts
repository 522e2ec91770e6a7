/**
 * Speculative baselines: a Terraform state "as if the base configuration had been
 * applied", for speculative plans (speculative.ts) to plan a head against.
 *
 * The baseline is a fixpoint:
 *   round 1: plan the base against an empty state; every resource is a create.
 *            Known `after` values go into the state; computed ones the plan
 *            leaves unknown get placeholders from the provider schema (empty
 *            values, realistic IDs and ARNs: state-placeholders.ts).
 *   round n: plan the base against that state. References (`bucket =
 *            aws_s3_bucket.x.id`) now resolve, defaults and `tags_all` show up as
 *            updates; their known `after` values are folded back in.
 *   ...until a plan shows no changes (usually round 2 or 3). Capped; not converging
 *   is an error that names the resources that keep changing.
 *
 * Several stacks fold together (`buildBaselines`): those with the same provider
 * configuration (modules-workdir.ts `providerGroups`: variants of one stack) are modules of one
 * root, so a round is ONE `plan` + ONE `show -json` for all of them, attached to one pooled
 * provider server; stacks with different provider configurations fold in roots of their
 * own, `concurrency` at a time (a root of modules with their own provider blocks launches a provider
 * per module for every plan, which costs more than the extra Terraform processes; with the
 * pool off, FLEETFLAGS_PROVIDER_POOL=0, all in one root as before). Each
 * stack's baseline, rounds and cache entry are exactly those of the stack alone
 * (`buildBaseline` is the one-stack case).
 *
 * Rule: an unchanged configuration plans to zero changes (test/lib/plan/speculative.test.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { settledInOrder, valuesOrThrow } from '../concurrency';
import { errors } from '../errors';
import { providerPoolEnabled } from '../terraform/provider-eligibility';
import { providerPool } from '../terraform/provider-pool';
import { modulePlan, moduleOutputName, providerGroups, writeModulesWorkdir } from '../terraform/modules-workdir';
import { writeOfflineWorkdir } from '../terraform/offline-workdir';
import { providerTemplate, type StackJson, terraform } from '../terraform/runner';
import { type ProviderSchemas, providerSchemas } from './provider-schema';
import { emptyState, foldPlan, type PlanJson, planIsEmpty, plannedChanges, type StateBuildContext, type StateJson } from './state';

export type { PlanJson, StateJson, StackJson };

/** Bumped whenever a change here or in state*.ts changes the baselines built. */
export const BASELINE_ALGORITHM_VERSION = 2;
/** Rounds of the fixpoint before giving up. */
export const DEFAULT_MAX_ROUNDS = 6;
/**
 * Roots planned at once by buildBaselines and speculativePlans: two, the servers a jest worker's
 * provider pool may start (test/global-setup.js), and the cores of the machine CI runs on.
 */
export const DEFAULT_CONCURRENCY = 2;
const ACCOUNT_FALLBACK = '123456789012';

export interface BaselinesOptions {
  /** Directory to plan the base configurations in (created; its contents are ours). */
  readonly workdir: string;
  /** @default DEFAULT_MAX_ROUNDS */
  readonly maxRounds?: number;
  /**
   * Directory of cached baselines, one file per configuration, keyed by a hash of the
   * configuration, the providers and BASELINE_ALGORITHM_VERSION. @default no cache
   */
  readonly cacheDir?: string;
  /** Provider schemas. @default providerSchemas() (cached on disk) */
  readonly schemas?: ProviderSchemas;
  /**
   * Provider groups (modules-workdir.ts providerGroups) folded at once, each in its own root and
   * Terraform processes; at most the provider pool's servers (groupConcurrency: the runs
   * beyond them would launch their own providers). @default DEFAULT_CONCURRENCY
   */
  readonly concurrency?: number;
}

export interface BaselineOptions extends BaselinesOptions {
  /** Stack name, for messages. @default the stack's own name from its metadata */
  readonly stackName?: string;
}

export interface Baseline {
  readonly state: StateJson;
  /** Plans it took: the last one showed no changes. 0 when it came from the cache. */
  readonly rounds: number;
  readonly fromCache: boolean;
  /**
   * The last round's plan of the base against its baseline (no changes), shaped like
   * a plan of that configuration alone (modules-workdir.ts modulePlan). Read on demand: one
   * `terraform show` per round and provider group, shared by the group's stacks that converged in it. Absent
   * when the baseline came from the cache.
   */
  readonly finalPlan?: () => Promise<PlanJson>;
}

/** A Terraform state "as if `base` had been applied": its plan against it shows no changes. */
export async function baselineState(base: StackJson, options: BaselineOptions): Promise<StateJson> {
  return (await buildBaseline(base, options)).state;
}

/** baselineState with how it was made: buildBaselines of this one stack. */
export async function buildBaseline(base: StackJson, options: BaselineOptions): Promise<Baseline> {
  const stack = options.stackName ?? stackNameOf(base);
  return (await buildBaselines(new Map([[stack, base]]), options)).get(stack)!;
}

/** A stack whose baseline is being built. */
interface Folding {
  readonly name: string;
  readonly module: string;
  readonly cacheFile?: string;
  readonly ctx: StateBuildContext;
  state?: StateJson;
}

/**
 * The baselines of several stacks (name -> configuration), built together: the stacks
 * not in the cache, in groups of the same provider configuration (providerGroups), each
 * group the modules of one root (modules-workdir.ts writeModulesWorkdir, their outputs re-exported,
 * the provider configuration the root's): each round of a group's fixpoint is ONE
 * `terraform plan` and ONE `show -json` for all of it, attached to one pooled provider
 * server. Groups fold `concurrency` at a time. (One stack alone, buildBaseline, is planned
 * as the root itself: its `finalPlan` is then the full `show -json`; in a fold of several,
 * every stack is a module, so each `finalPlan` has the modulePlan shape whatever the grouping.)
 *
 * Each stack keeps its own state, folded from its module's part of the plan (modulePlan)
 * with its own region and account (providerContext); the round's state is those states
 * moved into their modules (`moduleState`). A stack is done in the first round its module
 * plans no changes, and its rounds are those of that stack alone: its baseline is the one
 * `buildBaseline` of it alone gives, and the cache entries are the same files (same key),
 * so either function hits what the other cached.
 */
export async function buildBaselines(stacks: ReadonlyMap<string, StackJson>, options: BaselinesOptions): Promise<Map<string, Baseline>> {
  const dir = path.resolve(options.workdir);
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const lock = readFileSync(path.join(await providerTemplate(), '.terraform.lock.hcl'), 'utf8');
  const results = new Map<string, Baseline>();
  const folding: Folding[] = [];
  const modules = moduleNames([...stacks.keys()]);
  let schemas = options.schemas;
  for (const [name, base] of stacks) {
    const cacheFile = options.cacheDir ? path.join(options.cacheDir, `${baselineKey(base, lock)}.tfstate`) : undefined;
    const cached = cacheFile ? readCached(cacheFile) : undefined;
    if (cached) {
      results.set(name, { state: cached, rounds: 0, fromCache: true });
      continue;
    }
    schemas ??= await providerSchemas();
    const { region, accountId } = providerContext(base);
    folding.push({ name, module: modules.get(name)!, cacheFile, ctx: { schemas, region, accountId } });
  }
  if (folding.length > 0) {
    mkdirSync(dir, { recursive: true });
    const byName = new Map(folding.map((f) => [f.name, f]));
    const groups = providerGroups(folding.map((f) => f.name), (name) => stacks.get(name)!);
    // One group: its root is `dir` itself. Several: each in a directory of its own, named after its first module.
    const groupDir = (group: readonly string[]) => (groups.length === 1 ? dir : path.join(dir, byName.get(group[0])!.module));
    // A group of one stack is the root itself only when it is the whole fold (buildBaseline): a plan of
    // the stack alone. In a fold of several, every stack is a module, whatever its group: each stack's
    // plan has the same shape (modulePlan) with the pool on or off, built or read from the cache.
    const single = groups.length === 1 && groups[0].length === 1;
    const settled = await settledInOrder(groups, groupConcurrency(options.concurrency), (group) =>
      foldGroup(group.map((name) => byName.get(name)!), groupDir(group), stacks, maxRounds, results, single),
    );
    // Every stack that did not converge, whichever group it was folded in: one error naming them all.
    const stuck = valuesOrThrow(settled).flat();
    if (stuck.length > 0) {
      // Taken in turn from each stack, so the first ones the error shows cover every stack.
      const named = stuck.map((f) => f.changes.map((c) => (stuck.length > 1 ? `${f.name}: ${c}` : c)));
      const changes = Array.from({ length: Math.max(...named.map((c) => c.length)) }, (_, i) => named.flatMap((c) => c.slice(i, i + 1))).flat();
      throw errors.speculativeNotConverged(stuck.map((f) => f.name).join(', '), maxRounds, changes);
    }
  }
  // In the order asked.
  return new Map([...stacks.keys()].map((name) => [name, results.get(name)!]));
}

/**
 * Provider groups run at once: `requested` (@default DEFAULT_CONCURRENCY), at most the servers of this
 * process's provider pool (a run beyond them would launch its own providers).
 */
export function groupConcurrency(requested: number | undefined): number {
  const wanted = requested !== undefined && Number.isInteger(requested) && requested > 0 ? requested : DEFAULT_CONCURRENCY;
  return providerPoolEnabled() ? Math.min(wanted, providerPool().capacity) : wanted;
}

/** A stack whose fixpoint did not converge in the rounds allowed, and what it kept changing. */
interface Stuck {
  readonly name: string;
  readonly changes: readonly string[];
}

/**
 * The fixpoint of stacks that share one provider configuration (providerGroups), folded in one
 * root in `dir`: each round ONE `plan` and ONE `show -json` for the group. Puts each converged
 * stack's Baseline into `results` (and the cache); returns the stacks still changing after `maxRounds`.
 */
async function foldGroup(
  group: readonly Folding[],
  dir: string,
  stacks: ReadonlyMap<string, StackJson>,
  maxRounds: number,
  results: Map<string, Baseline>,
  /** The group is the whole fold, of one stack: the root configuration itself, its plans those of it alone (a full `show -json`). */
  single: boolean,
): Promise<Stuck[]> {
  mkdirSync(dir, { recursive: true });
  let sharedProvider = true;
  if (single) await writeOfflineWorkdir(dir, stacks.get(group[0].name)!);
  else ({ sharedProvider } = await writeModulesWorkdir(dir, new Map(group.map((f) => [f.module, stacks.get(f.name)!])), { outputs: true }));
  const partOfPlan = (plan: PlanJson, f: Folding): PlanJson => (single ? plan : modulePlan(plan, f.module));
  const stateFile = path.join(dir, 'baseline.tfstate');
  rmSync(stateFile, { force: true });
  const lineage = `fleetflags-speculative-${createHash('sha256').update(group.map((f) => f.name).join('\n')).digest('hex').slice(0, 24)}`;
  let active = group;
  for (let round = 1; ; round++) {
    const planFile = `round-${round}.tfplan`;
    const exit = await planOnce(dir, planFile, round > 1 ? stateFile : undefined, true);
    const shown = once(() => showJson(dir, planFile));
    // Exit 0: no module changes anything. Otherwise each module's part says whether it is done.
    const parts = exit === 0 && round > 1 ? undefined : await shown();
    const partOf = (f: Folding): PlanJson => partOfPlan(parts!, f);
    const converged = round > 1 ? active.filter((f) => !parts || planIsEmpty(partOf(f))) : [];
    for (const f of converged) {
      if (f.cacheFile) writeAtomic(f.cacheFile, JSON.stringify(f.state));
      results.set(f.name, { state: f.state!, rounds: round, fromCache: false, finalPlan: once(async () => partOfPlan(await shown(), f)) });
    }
    active = active.filter((f) => !converged.includes(f));
    if (active.length === 0) return [];
    if (round >= maxRounds) return active.map((f) => ({ name: f.name, changes: plannedChanges(partOf(f)).map((c) => `${c.address} (${c.actions.join(',')})`) }));
    for (const f of active) {
      f.state ??= emptyState(parts!.terraform_version ?? '1.11.0', `fleetflags-speculative-${createHash('sha256').update(f.name).digest('hex').slice(0, 24)}`);
      foldPlan(f.state, partOf(f), f.ctx, stacks.get(f.name));
    }
    const combined = single
      ? group[0].state!
      : moduleState(
          group.map((f) => [f.module, f.state!] as const),
          sharedProvider,
          { lineage, serial: round, terraformVersion: parts!.terraform_version ?? '1.11.0' },
        );
    writeFileSync(stateFile, JSON.stringify(combined, null, 2));
  }
}

/**
 * States of stacks alone, as one state of a root that holds each stack as a module
 * (modules-workdir.ts writeModulesWorkdir): each resource in `module.<name>`, its provider the
 * module's own (`module.<name>.provider["..."]`) or, when the modules share the root's,
 * that one (`provider["..."]`); outputs under their re-exported names (moduleOutputName).
 */
export function moduleState(
  states: ReadonlyArray<readonly [string, StateJson]>,
  sharedProvider: boolean,
  meta: { readonly lineage: string; readonly serial: number; readonly terraformVersion: string },
): StateJson {
  const outputs: StateJson['outputs'] = {};
  for (const [module, state] of states) {
    for (const [name, output] of Object.entries(state.outputs)) outputs[moduleOutputName(module, name)] = output;
  }
  return {
    ...emptyState(meta.terraformVersion, meta.lineage),
    serial: meta.serial,
    outputs,
    resources: states.flatMap(([module, state]) =>
      state.resources.map((r) => ({
        ...r,
        module: r.module ? `module.${module}.${r.module}` : `module.${module}`,
        provider: sharedProvider ? r.provider : `module.${module}.${r.provider}`,
        instances: r.instances.map((i) => (i.dependencies ? { ...i, dependencies: i.dependencies.map((d) => `module.${module}.${d}`) } : i)),
      })),
    ),
  };
}

/** Module names for stack names: the name itself when it is a Terraform identifier, else a sanitized one (unique). */
export function moduleNames(names: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const result = new Map<string, string>();
  names.forEach((name, i) => {
    let module = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) && !name.includes('__') ? name : `stack_${i}_${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
    while (used.has(module)) module = `${module}_`;
    used.add(module);
    result.set(name, module);
  });
  return result;
}

function readCached(file: string): StateJson | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StateJson;
  } catch {
    return undefined; // corrupt cache entry: rebuild
  }
}

/** A memoized thunk. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

// -- terraform ---------------------------------------------------------------

/** `terraform plan -refresh=false -out`; returns 0 (no changes) or 2 (changes) with -detailed-exitcode. */
export async function planOnce(dir: string, planFile: string, stateFile: string | undefined, detailed: boolean): Promise<number> {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', `-out=${planFile}`];
  if (detailed) args.push('-detailed-exitcode');
  // Without -state, a stale terraform.tfstate in dir must not count: point at a file that does not exist.
  args.push(`-state=${stateFile ?? path.join(dir, 'empty.tfstate')}`);
  const result = await terraform(args, { cwd: dir, okExitCodes: detailed ? [0, 2] : [0] });
  return result.exitCode;
}

export async function showJson(dir: string, planFile: string): Promise<PlanJson> {
  const shown = await terraform(['show', '-json', '-no-color', planFile], { cwd: dir });
  return JSON.parse(shown.stdout) as PlanJson;
}

// -- helpers -----------------------------------------------------------------

/** JSON with sorted keys: equal configurations give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/**
 * The cache key of a baseline: the configuration without its state backend (an offline
 * working copy drops it, and a local backend's path differs per checkout), the providers
 * and the algorithm version.
 */
function baselineKey(base: StackJson, lock: string): string {
  const { backend: _backend, ...terraformBlock } = (base.terraform ?? {}) as StackJson;
  const keyed = base.terraform ? { ...base, terraform: terraformBlock } : base;
  const versions = [...lock.matchAll(/provider\s+"([^"]+)"[^}]*?version\s*=\s*"([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`).sort();
  return createHash('sha256')
    .update(`v${BASELINE_ALGORITHM_VERSION}\n${versions.join('\n')}\n${canonical(keyed)}`)
    .digest('hex')
    .slice(0, 32);
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function stackNameOf(stack: StackJson): string {
  return stack['//']?.metadata?.stackName ?? 'stack';
}

/** Region and account the placeholders use: from the stack's (first) AWS provider. */
export function providerContext(stack: StackJson): { region: string; accountId: string } {
  const aws = ([] as StackJson[]).concat(stack.provider?.aws ?? [])[0] ?? {};
  const region = typeof aws.region === 'string' && !aws.region.includes('${') ? aws.region : 'us-east-1';
  const allowed = Array.isArray(aws.allowed_account_ids) ? aws.allowed_account_ids[0] : undefined;
  const accountId = typeof allowed === 'string' && /^\d{12}$/.test(allowed) ? allowed : ACCOUNT_FALLBACK;
  return { region, accountId };
}
