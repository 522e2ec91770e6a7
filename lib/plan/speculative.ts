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
import { type StackJson, terraform, writeOfflineWorkdir } from '../terraform/runner';
import { type ProviderSchemas, providerSchemas } from './provider-schema';
import { emptyState, foldPlan, type PlanJson, planIsEmpty, plannedChanges, type StateJson } from './state';

export type { PlanJson, StateJson, StackJson };

/** Bumped whenever a change here or in state*.ts changes the baselines built. */
export const BASELINE_ALGORITHM_VERSION = 1;
/** Rounds of the fixpoint before giving up. */
export const DEFAULT_MAX_ROUNDS = 6;
const ACCOUNT_FALLBACK = '123456789012';

export interface BaselineOptions {
  /** Directory to plan the base configuration in (created; its contents are ours). */
  readonly workdir: string;
  /** Stack name, for messages. @default the stack's own name from its metadata */
  readonly stackName?: string;
  /** @default DEFAULT_MAX_ROUNDS */
  readonly maxRounds?: number;
  /**
   * Directory of cached baselines, keyed by a hash of the base configuration, the
   * providers and BASELINE_ALGORITHM_VERSION. @default no cache
   */
  readonly cacheDir?: string;
  /** Provider schemas. @default providerSchemas() (cached on disk) */
  readonly schemas?: ProviderSchemas;
}

export interface Baseline {
  readonly state: StateJson;
  /** Plans it took: the last one showed no changes. 0 when it came from the cache. */
  readonly rounds: number;
  readonly fromCache: boolean;
  /** The last round's saved plan (base against its baseline: no changes), when one ran. */
  readonly finalPlanFile?: string;
}

/** A Terraform state "as if `base` had been applied": its plan against it shows no changes. */
export async function baselineState(base: StackJson, options: BaselineOptions): Promise<StateJson> {
  return (await buildBaseline(base, options)).state;
}

/** baselineState with how it was made. */
export async function buildBaseline(base: StackJson, options: BaselineOptions): Promise<Baseline> {
  const dir = path.resolve(options.workdir);
  const stack = options.stackName ?? stackNameOf(base);
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  await writeOfflineWorkdir(dir, base);
  const cacheFile = options.cacheDir ? path.join(options.cacheDir, `${baselineKey(base, dir)}.tfstate`) : undefined;
  if (cacheFile && existsSync(cacheFile)) {
    try {
      return { state: JSON.parse(readFileSync(cacheFile, 'utf8')) as StateJson, rounds: 0, fromCache: true };
    } catch {
      // corrupt cache entry: rebuild
    }
  }
  const schemas = options.schemas ?? (await providerSchemas());
  const { region, accountId } = providerContext(base);
  const ctx = { schemas, region, accountId };
  const stateFile = path.join(dir, 'baseline.tfstate');
  rmSync(stateFile, { force: true });

  let state: StateJson | undefined;
  for (let round = 1; round <= maxRounds; round++) {
    const planFile = `round-${round}.tfplan`;
    const exit = await planOnce(dir, planFile, state ? stateFile : undefined, true);
    if (exit === 0 && state) {
      if (cacheFile) writeAtomic(cacheFile, JSON.stringify(state));
      return { state, rounds: round, fromCache: false, finalPlanFile: path.join(dir, planFile) };
    }
    const plan = await showJson(dir, planFile);
    if (state && planIsEmpty(plan)) {
      if (cacheFile) writeAtomic(cacheFile, JSON.stringify(state));
      return { state, rounds: round, fromCache: false, finalPlanFile: path.join(dir, planFile) };
    }
    if (round === maxRounds) {
      throw errors.speculativeNotConverged(stack, round, plannedChanges(plan).map((c) => `${c.address} (${c.actions.join(',')})`));
    }
    state ??= emptyState(plan.terraform_version ?? '1.11.0', `fleetflags-speculative-${createHash('sha256').update(stack).digest('hex').slice(0, 24)}`);
    foldPlan(state, plan, ctx);
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }
  /* istanbul ignore next: the loop returns or throws */
  throw errors.speculativeNotConverged(stack, maxRounds, []);
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
    baseline = await buildBaseline(options.base, {
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
  if (baseline?.finalPlanFile && options.reuseFinalRound !== false && sameConfig(options.base!, options.head)) {
    const plan = await showJson(path.dirname(baseline.finalPlanFile), path.basename(baseline.finalPlanFile));
    return { ...plan, fleetflags: marker([]) };
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

function baselineKey(base: StackJson, dir: string): string {
  const lock = existsSync(path.join(dir, '.terraform.lock.hcl')) ? readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8') : '';
  const versions = [...lock.matchAll(/provider\s+"([^"]+)"[^}]*?version\s*=\s*"([^"]+)"/g)].map((m) => `${m[1]}@${m[2]}`).sort();
  return createHash('sha256')
    .update(`v${BASELINE_ALGORITHM_VERSION}\n${versions.join('\n')}\n${canonical(base)}`)
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
