/**
 * Speculative plans: what Terraform would do, without cloud credentials or state.
 *
 * The base configuration (e.g. the base branch's) is turned into a Terraform state
 * "as if it had been applied" (`baselineState`), and the head configuration is
 * planned against it with `-refresh=false` (`speculativePlan`). So the real
 * provider, not us, decides what is an update and what is a replacement (and why:
 * `action_reason`, `replace_paths`).
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
 * Several stacks fold together (`buildBaselines`): each is a module of one root, so a
 * round is ONE `plan` + ONE `show -json` for all of them (each Terraform process loads
 * the AWS provider schema: seconds of CPU), and each stack's baseline, rounds and
 * cache entry are exactly those of the stack alone (`buildBaseline` is the one-stack case).
 *
 * Rule: an unchanged configuration plans to zero changes (test/lib/plan/speculative.test.ts).
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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors, FleetflagsError } from '../errors';
import { modulePlan, moduleOutputName, providerTemplate, type StackJson, terraform, writeModulesWorkdir, writeOfflineWorkdir } from '../terraform/runner';
import { type ProviderSchemas, providerSchemas } from './provider-schema';
import { emptyState, foldPlan, type PlanJson, planIsEmpty, plannedChanges, type StateBuildContext, type StateJson } from './state';

export type { PlanJson, StateJson, StackJson };

/** Bumped whenever a change here or in state*.ts changes the baselines built. */
export const BASELINE_ALGORITHM_VERSION = 2;
/** Rounds of the fixpoint before giving up. */
export const DEFAULT_MAX_ROUNDS = 6;
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
   * a plan of that configuration alone (runner.ts modulePlan). Read on demand: one
   * `terraform show` per round, shared by every stack that converged in it. Absent
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
 * not in the cache are modules of one root (runner.ts writeModulesWorkdir, their
 * outputs re-exported), so each round of the fixpoint is ONE `terraform plan` and ONE
 * `show -json` for all of them, and the provider schema is loaded once per round. (One
 * stack to build is planned as the root itself, as before there were modules: its
 * `finalPlan` is then the full `show -json`.)
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
    // One stack alone is the root configuration itself: its plans are plans of it alone (a full `show -json`).
    const single = folding.length === 1;
    let sharedProvider = true;
    if (single) await writeOfflineWorkdir(dir, stacks.get(folding[0].name)!);
    else ({ sharedProvider } = await writeModulesWorkdir(dir, new Map(folding.map((f) => [f.module, stacks.get(f.name)!])), { outputs: true }));
    const partOfPlan = (plan: PlanJson, f: Folding): PlanJson => (single ? plan : modulePlan(plan, f.module));
    const stateFile = path.join(dir, 'baseline.tfstate');
    rmSync(stateFile, { force: true });
    const lineage = `fleetflags-speculative-${createHash('sha256').update(folding.map((f) => f.name).join('\n')).digest('hex').slice(0, 24)}`;
    let active = folding;
    for (let round = 1; active.length > 0; round++) {
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
      if (active.length === 0) break;
      if (round >= maxRounds) {
        const changes = active.flatMap((f) => plannedChanges(partOf(f)).map((c) => `${active.length > 1 ? `${f.name}: ` : ''}${c.address} (${c.actions.join(',')})`));
        throw errors.speculativeNotConverged(active.map((f) => f.name).join(', '), round, changes);
      }
      for (const f of active) {
        f.state ??= emptyState(parts!.terraform_version ?? '1.11.0', `fleetflags-speculative-${createHash('sha256').update(f.name).digest('hex').slice(0, 24)}`);
        foldPlan(f.state, partOf(f), f.ctx, stacks.get(f.name));
      }
      const combined = single
        ? folding[0].state!
        : moduleState(
            folding.map((f) => [f.module, f.state!] as const),
            sharedProvider,
            { lineage, serial: round, terraformVersion: parts!.terraform_version ?? '1.11.0' },
          );
      writeFileSync(stateFile, JSON.stringify(combined, null, 2));
    }
  }
  // In the order asked.
  return new Map([...stacks.keys()].map((name) => [name, results.get(name)!]));
}

/**
 * States of stacks alone, as one state of a root that holds each stack as a module
 * (runner.ts writeModulesWorkdir): each resource in `module.<name>`, its provider the
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
function moduleNames(names: readonly string[]): Map<string, string> {
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
}

/**
 * speculativePlan of several stacks (name -> job), in ONE `plan` + ONE `show -json`: each
 * head is a module of one root (runner.ts writeModulesWorkdir) planned against its
 * baseline moved into its module (moduleState); each stack's plan is its module's part
 * (runner.ts modulePlan: resource and output changes, configuration; no prior state).
 * Missing baselines are built together first (buildBaselines); an unchanged head reuses
 * its baseline's last round. prevent_destroy as in speculativePlan: the resources
 * Terraform refuses to destroy lose the guard in their own stack only, and that stack's
 * marker lists them.
 */
export async function speculativePlans(jobs: ReadonlyMap<string, SpeculativeJob>, options: SpeculativePlansOptions): Promise<Map<string, SpeculativePlanJson>> {
  const workdir = path.resolve(options.workdir);
  mkdirSync(workdir, { recursive: true });
  const missing = new Map([...jobs].filter(([, j]) => j.base && !j.baseline).map(([name, j]) => [name, j.base!] as const));
  const built = missing.size > 0 ? await buildBaselines(missing, { workdir: path.join(workdir, 'base'), cacheDir: options.cacheDir, maxRounds: options.maxRounds }) : undefined;
  const baselineOf = (name: string): Baseline | undefined => (jobs.get(name)!.base ? (jobs.get(name)!.baseline ?? built?.get(name)) : undefined);
  const marker = (name: string, preventDestroy: readonly string[]): SpeculativeMarker => ({
    speculative: true,
    baseline: jobs.get(name)!.base ? 'base' : 'empty',
    baselineRounds: baselineOf(name)?.rounds ?? 0,
    preventDestroy,
  });

  const results = new Map<string, SpeculativePlanJson>();
  const toPlan: string[] = [];
  for (const [name, job] of jobs) {
    const finalPlan = baselineOf(name)?.finalPlan;
    if (finalPlan && options.reuseFinalRound !== false && sameConfig(job.base!, job.head)) results.set(name, { ...(await finalPlan()), fleetflags: marker(name, []) });
    else toPlan.push(name);
  }
  if (toPlan.length > 0) {
    const modules = moduleNames(toPlan);
    const byModule = new Map(toPlan.map((name) => [modules.get(name)!, name]));
    const heads = new Map(toPlan.map((name) => [name, jobs.get(name)!.head]));
    const headDir = path.join(workdir, 'heads');
    const write = () => writeModulesWorkdir(headDir, new Map(toPlan.map((name) => [modules.get(name)!, heads.get(name)!])), { outputs: true });
    const { sharedProvider } = await write();
    const withBase = toPlan.filter((name) => baselineOf(name));
    let stateFile: string | undefined;
    if (withBase.length > 0) {
      stateFile = path.join(workdir, 'baselines.tfstate');
      const states = withBase.map((name) => [modules.get(name)!, baselineOf(name)!.state] as const);
      const state = moduleState(states, sharedProvider, { lineage: 'fleetflags-speculative-heads', serial: 1, terraformVersion: states[0][1].terraform_version });
      writeFileSync(stateFile, JSON.stringify(state, null, 2));
    }
    const lifted = new Map<string, string[]>(toPlan.map((name) => [name, []]));
    for (;;) {
      try {
        await planOnce(headDir, 'plan.tfplan', stateFile, false);
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
    const plan = await showJson(headDir, 'plan.tfplan');
    for (const name of toPlan) results.set(name, { ...modulePlan(plan, modules.get(name)!), fleetflags: marker(name, lifted.get(name)!.sort()) });
  }
  // In the order asked.
  return new Map([...jobs.keys()].map((name) => [name, results.get(name)!]));
}

// -- terraform ---------------------------------------------------------------

/** `terraform plan -refresh=false -out`; returns 0 (no changes) or 2 (changes) with -detailed-exitcode. */
async function planOnce(dir: string, planFile: string, stateFile: string | undefined, detailed: boolean): Promise<number> {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', `-out=${planFile}`];
  if (detailed) args.push('-detailed-exitcode');
  // Without -state, a stale terraform.tfstate in dir must not count: point at a file that does not exist.
  args.push(`-state=${stateFile ?? path.join(dir, 'empty.tfstate')}`);
  const result = await terraform(args, { cwd: dir, okExitCodes: detailed ? [0, 2] : [0] });
  return result.exitCode;
}

async function showJson(dir: string, planFile: string): Promise<PlanJson> {
  const shown = await terraform(['show', '-json', '-no-color', planFile], { cwd: dir });
  return JSON.parse(shown.stdout) as PlanJson;
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

/** JSON with sorted keys: equal configurations give equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** The cache key of a baseline: the configuration, the provider versions of the lock file (`lock`: its text) and the algorithm. */
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

function stackNameOf(stack: StackJson): string {
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
