/**
 * `npm run plan`: which stacks to plan, against what, and where the results go.
 *
 * Head: the working tree's flags (flags/*.json) synthesized in-process.
 * Base: the configuration at a git ref. `git archive <ref>` is unpacked into a
 *   temporary directory (read-only for the repository: no worktree, no checkout),
 *   node_modules is linked in, and the ref's OWN app command (cdktf.json "app") is
 *   run there with CDKTF_OUTDIR. So the base is synthesized by the ref's code from
 *   the ref's flags files, exactly as `cdktf synth` at that commit would.
 * Which stacks: every stack (of `--env`, when given); with `--changed-since <ref>`
 *   only those whose synthesized JSON differs from the ref's (a stack only in the
 *   base is planned too: its resources are destroyed).
 * Mode: speculative (speculative.ts: base = `--base`, default the
 *   `--changed-since` ref, else HEAD) when there are no AWS credentials, or for
 *   offline environments; real (`terraform init` with the stack's backend, then
 *   plan with refresh, as `cdktf diff`) with `--real`.
 * Output (`--out`, default out/plan), read by the plan-comment renderer:
 *   <stack>.plan.json      `terraform show -json`; speculative plans carry a
 *                          top-level `fleetflags` marker (speculative.ts)
 *   manifest.json          PlanManifest below; paths relative to the out dir
 *   flags/head/<env>.json  the head flags file of each planned environment
 *   flags/base/<env>.json  the base flags file (when the base has one)
 *   work/                  Terraform working directories (kept for debugging); work/_baselines
 *                          builds every stack's baseline (baselines.ts buildBaselines: one root per
 *                          provider configuration), work/_speculative/heads plans every head
 *                          (speculativePlans, the same way)
 */
import type { $ as Zx } from 'zx';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errors } from '../errors';
import { mapLimit } from '../concurrency';
import { ALLOW_EXPIRED_CATCH_UP_ENV, flagsFiles, loadFlagsOrThrow, type LoadedFlags } from '../flags/load';
import { baseFlagsAtRef } from '../flags/base-flags';
import { readStacks, synthesizeStacks } from '../synth';
import { defaultBaselineCache } from './baseline-cache-dir';
import { providerTemplate, terraform, type StackJson } from '../terraform/runner';
import { type Baseline, buildBaselines, canonical } from './baselines';
import { type PlanJson, speculativePlans } from './speculative';

export type PlanMode = 'speculative' | 'real';

export interface PlanRunOptions {
  /** The project (a git repository when a ref is used). @default process.cwd() */
  readonly repoDir?: string;
  /** @default "out/plan" in repoDir */
  readonly outDir?: string;
  /** Only these environments. @default all */
  readonly environments?: readonly string[];
  /** Plan only the stacks whose synthesized JSON differs from this ref's. */
  readonly changedSince?: string;
  /** Base of speculative plans (and of offline environments in real mode). @default changedSince, else "HEAD" when speculative */
  readonly baseRef?: string;
  /** @default "speculative" without AWS credentials in the environment, else "real" */
  readonly mode?: PlanMode;
  /**
   * Real plans run at once, and speculative provider groups (baselines.ts groupConcurrency: at most the
   * provider pool's servers). @default 2
   */
  readonly concurrency?: number;
  /**
   * Add to the manifest already in outDir instead of starting afresh: plans of
   * environments in different accounts, each with its own credentials, in one
   * manifest (plan.yml). A stack planned again replaces its entry. @default false
   */
  readonly append?: boolean;
  /** Cache of speculative baselines; false: none. @default FLEETFLAGS_BASELINE_CACHE, else "<plugin cache>/../baselines" */
  readonly baselineCache?: string | false;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
  readonly noop: number;
}

export interface ManifestStack {
  readonly stack: string;
  readonly environment: string;
  /** The plan JSON, relative to the manifest's directory. */
  readonly planFile: string;
  readonly speculative: boolean;
  readonly mode: PlanMode;
  /** The ref the speculative baseline came from; null: planned against no state (or real state). */
  readonly baseRef: string | null;
  /** The synthesized JSON differs from the base's (true when there is no base). */
  readonly changed: boolean;
  readonly counts: PlanCounts;
  /** Resources whose prevent_destroy the change violates (an apply fails); see speculative.ts. */
  readonly preventDestroy: readonly string[];
  /** Wall time of its plan; speculative stacks are planned together and share one figure (their baselines not included). */
  readonly seconds: number;
}

export interface PlanManifest {
  readonly version: 1;
  readonly mode: PlanMode;
  readonly baseRef: string | null;
  readonly changedSince: string | null;
  readonly stacks: readonly ManifestStack[];
  /** Environment -> its base flags file, relative to the manifest's directory. */
  readonly baseFlags: Record<string, string>;
  /** Environment -> its head flags file, relative to the manifest's directory. */
  readonly headFlags: Record<string, string>;
  /** Stacks left out with --changed-since because they did not change. */
  readonly unchanged: readonly string[];
}

export const DEFAULT_OUT_DIR = path.join('out', 'plan');
export const DEFAULT_CONCURRENCY = 2;

/** zx, loaded when a plan runs git or synthesizes a ref (not by every importer of the plan code). */
const zx = (): typeof Zx => (require('zx') as typeof import('zx')).$;
/** Under `<out>/work/`: where the baselines of all stacks are built together (a stack named so cannot clash: stacks are `<env>-<kind>`). */
export const BASELINES_WORKDIR = '_baselines';
/** Under `<out>/work/`: where the heads of all speculative stacks are planned together (`heads/`). */
export const HEADS_WORKDIR = '_speculative';

/** Plans the selected stacks and writes the out dir; returns the manifest. */
export async function runPlans(options: PlanRunOptions = {}): Promise<PlanManifest> {
  // Each base is a temporary checkout (synthesizeRef): removed however the plan ends.
  const bases = new Map<string, SynthesizedRef>();
  try {
    return await planWithBases(options, bases);
  } finally {
    for (const base of bases.values()) rmSync(base.dir, { recursive: true, force: true });
  }
}

async function planWithBases(options: PlanRunOptions, bases: Map<string, SynthesizedRef>): Promise<PlanManifest> {
  const repoDir = path.resolve(options.repoDir ?? process.cwd());
  const outDir = path.resolve(repoDir, options.outDir ?? DEFAULT_OUT_DIR);
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const mode = options.mode ?? (hasAwsCredentials(env) ? 'real' : 'speculative');
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const baseRef = options.baseRef ?? options.changedSince ?? (mode === 'speculative' ? 'HEAD' : undefined);

  // Head: the working tree.
  // The change is measured from --changed-since (a PR's base), else the plan's base: an expired
  // catch-up fleet it does not touch is a warning, and is planned at zero as deployed.
  const head = synthesizeHead(repoDir, options.environments, { baseRef: options.changedSince ?? baseRef ?? 'HEAD', warn: log });
  const environments = head.environments.map((e) => e.environment);

  // Base: a git ref, synthesized by its own code.
  const diffRef = options.changedSince;
  // In real mode the base still serves offline environments, which are always speculative.
  const refs = [...new Set([diffRef, baseRef].filter((r): r is string => !!r))];
  for (const ref of refs) {
    log(`synthesizing the configuration at ${ref}`);
    bases.set(ref, await synthesizeRef(repoDir, ref));
  }
  const diffBase = diffRef ? bases.get(diffRef)! : undefined;
  const planBase = baseRef ? bases.get(baseRef) : undefined;

  // Which stacks.
  const only = options.environments ?? [];
  const inScope = (stack: string) => only.length === 0 || environmentOfStack(stack, only) !== undefined;
  const names = new Set<string>([...head.stacks.keys()]);
  for (const base of [diffBase, planBase]) for (const s of base?.stacks.keys() ?? []) if (inScope(s)) names.add(s);
  const selected: string[] = [];
  const unchanged: string[] = [];
  for (const stack of [...names].sort()) {
    if (diffBase && !stackChanged(diffBase.stacks.get(stack), head.stacks.get(stack))) unchanged.push(stack);
    else selected.push(stack);
  }

  const previous = options.append ? readPreviousManifest(outDir) : undefined;
  if (!previous) prepareOutDir(outDir);
  const manifestFlags = copyFlags(outDir, head.environments, planBase ?? diffBase, environments);
  log(`planning ${selected.length} stack(s) (${mode}${planBase ? `, base ${baseRef}` : ''}), ${concurrency} at a time`);

  // What each stack is planned against, and how.
  const jobs = selected.map((stack) => {
    const headJson = head.stacks.get(stack) ?? emptiedStack(planBase?.stacks.get(stack) ?? diffBase!.stacks.get(stack)!);
    const stackMode: PlanMode = mode === 'real' && !isOfflineStack(headJson) ? 'real' : 'speculative';
    return { stack, headJson, baseJson: planBase?.stacks.get(stack), stackMode };
  });
  for (const job of jobs) if (job.stackMode === 'real' && !hasAwsCredentials(env)) throw errors.realPlanNeedsCredentials(job.stack);

  // Every speculative baseline: one plan and one show per fold round for each provider configuration, `concurrency` at a time (baselines.ts buildBaselines).
  const cacheDir = options.baselineCache === false ? undefined : (options.baselineCache ?? defaultBaselineCache(env));
  const baseConfigs = new Map(jobs.filter((j) => j.stackMode === 'speculative' && j.baseJson).map((j) => [j.stack, j.baseJson!] as const));
  let baselines = new Map<string, Baseline>();
  if (baseConfigs.size > 0) {
    const started = Date.now();
    log(baseConfigs.size === 1 ? 'building the baseline of 1 stack (or reading it from the cache)' : `building the baselines of ${baseConfigs.size} stacks together (those not in the cache)`);
    baselines = await buildBaselines(baseConfigs, { workdir: path.join(outDir, 'work', BASELINES_WORKDIR), cacheDir, concurrency });
    const cached = [...baselines.values()].filter((b) => b.fromCache).length;
    const rounds = Math.max(0, ...[...baselines.values()].map((b) => b.rounds));
    log(`baselines: ${cached} from the cache, ${baselines.size - cached} built in ${rounds} round(s) [${Math.round((Date.now() - started) / 100) / 10}s]`);
  }

  // Every speculative head, each against its baseline: one plan and one show per provider configuration (speculative.ts speculativePlans).
  const speculativeJobs = jobs.filter((j) => j.stackMode === 'speculative');
  let speculative = new Map<string, PlanJson>();
  let speculativeSeconds = 0;
  if (speculativeJobs.length > 0) {
    const started = Date.now();
    speculative = await speculativePlans(
      new Map(speculativeJobs.map((j) => [j.stack, { base: j.baseJson, head: j.headJson, baseline: baselines.get(j.stack) }])),
      { workdir: path.join(outDir, 'work', HEADS_WORKDIR), cacheDir, concurrency },
    );
    speculativeSeconds = Math.round((Date.now() - started) / 100) / 10;
  }

  const entries = await mapLimit(jobs, concurrency, async ({ stack, headJson, baseJson, stackMode }): Promise<ManifestStack> => {
    const started = Date.now();
    const environment = environmentOfStack(stack, [...environments, ...(planBase?.environments ?? [])]) ?? stack;
    const plan = stackMode === 'real' ? await realPlan(headJson, path.join(outDir, 'work', stack)) : speculative.get(stack)!;
    const planFile = `${stack}.plan.json`;
    writeFileSync(path.join(outDir, planFile), JSON.stringify(plan, null, 2));
    const entry: ManifestStack = {
      stack,
      environment,
      planFile,
      speculative: stackMode === 'speculative',
      mode: stackMode,
      baseRef: stackMode === 'speculative' && baseJson ? baseRef! : null,
      changed: stackChanged(baseJson ?? diffBase?.stacks.get(stack), head.stacks.get(stack)),
      counts: countActions(plan),
      preventDestroy: plan.fleetflags?.preventDestroy ?? [],
      seconds: stackMode === 'real' ? Math.round((Date.now() - started) / 100) / 10 : speculativeSeconds,
    };
    log(describeStackResult(entry));
    return entry;
  });

  const fresh: PlanManifest = {
    version: 1,
    mode,
    baseRef: baseRef ?? null,
    changedSince: diffRef ?? null,
    stacks: entries,
    ...manifestFlags,
    unchanged,
  };
  const manifest = previous ? mergeManifests(previous, fresh) : fresh;
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

// -- head and base ----------------------------------------------------------------

export interface SynthesizedRef {
  /** Where the ref was unpacked (removed after the run). */
  readonly dir: string;
  readonly stacks: ReadonlyMap<string, StackJson>;
  /** Environments of the ref's flags files. */
  readonly environments: readonly string[];
  /** Environment -> the ref's flags file (absolute). */
  readonly flagsFiles: ReadonlyMap<string, string>;
}

/** The working tree's flags, validated, and their stacks. */
export function synthesizeHead(
  repoDir: string,
  only?: readonly string[],
  options: { readonly baseRef?: string; readonly warn?: (line: string) => void } = {},
): { environments: LoadedFlags[]; stacks: ReadonlyMap<string, StackJson> } {
  // Relative to the working directory when inside it, so problems name files as people type them.
  const files = flagsFiles(path.join(repoDir, 'flags')).map((f) => (f.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), f) : f));
  let environments = loadFlagsOrThrow(files, { base: baseFlagsAtRef(options.baseRef ?? 'HEAD'), warn: options.warn });
  if (only && only.length > 0) {
    const known = environments.map((e) => e.environment);
    for (const e of only) if (!known.includes(e)) throw errors.unknownEnvironment(e, known);
    environments = environments.filter((e) => only.includes(e.environment));
  }
  return { environments, stacks: synthesizeStacks(environments) };
}

/** Synthesizes the configuration at `ref` with that ref's own code and flags (see the top of this file). */
export async function synthesizeRef(repoDir: string, ref: string): Promise<SynthesizedRef> {
  const git = zx()({ cwd: repoDir, quiet: true, nothrow: true });
  const commit = await git`git rev-parse --verify --quiet ${`${ref}^{commit}`}`;
  if (commit.exitCode !== 0) throw errors.gitRefUnknown(ref, repoDir, commit.stderr || 'not a commit');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-base-'));
  try {
    return await synthesizeInto(dir, repoDir, ref, commit.stdout.trim());
  } catch (e) {
    rmSync(dir, { recursive: true, force: true }); // the caller removes it only when this returns
    throw e;
  }
}

/** synthesizeRef's work in `dir`, the ref's own checkout. */
async function synthesizeInto(dir: string, repoDir: string, ref: string, commit: string): Promise<SynthesizedRef> {
  const archive = await zx()({ cwd: repoDir, quiet: true, nothrow: true })`git archive --format=tar ${commit} | tar -x -C ${dir}`;
  if (archive.exitCode !== 0) throw errors.gitRefUnknown(ref, repoDir, archive.stderr);
  const modules = nodeModulesDir(repoDir);
  if (modules && !existsSync(path.join(dir, 'node_modules'))) symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
  const flagsDir = path.join(dir, 'flags');
  const files = existsSync(flagsDir) ? flagsFiles(flagsDir) : [];
  const environments = files.map((f) => path.basename(f, '.json'));
  let stacks = new Map<string, StackJson>();
  if (files.length > 0) {
    const outdir = path.join(dir, 'cdktf.out');
    const app = readAppCommand(dir, ref);
    // The base is what was merged: time passing (an expired catch-up fleet) must not make it unsynthesizable.
    const run = await zx()({ cwd: dir, quiet: true, nothrow: true, env: { ...process.env, CDKTF_OUTDIR: outdir, [ALLOW_EXPIRED_CATCH_UP_ENV]: '1' } })`sh -c ${app}`;
    if (run.exitCode !== 0 || !existsSync(path.join(outdir, 'stacks'))) throw errors.baseSynthFailed(ref, `${run.stderr}\n${run.stdout}`);
    stacks = readStacks(outdir);
  }
  return { dir, stacks, environments, flagsFiles: new Map(files.map((f) => [path.basename(f, '.json'), f])) };
}

function readAppCommand(dir: string, ref: string): string {
  try {
    const app = (JSON.parse(readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app?: string }).app;
    if (app) return app;
  } catch {
    // fall through
  }
  throw errors.baseSynthFailed(ref, 'no cdktf.json with an "app" command at that ref');
}

/** node_modules of the project (or the one this code runs from). */
function nodeModulesDir(repoDir: string): string | undefined {
  const own = path.join(repoDir, 'node_modules');
  if (existsSync(own)) return own;
  try {
    return path.resolve(path.dirname(require.resolve('cdktf/package.json')), '..');
  } catch {
    return undefined;
  }
}

// -- selection --------------------------------------------------------------------

/** Whether a stack's synthesized JSON differs (absent on one side counts as different). */
export function stackChanged(base: StackJson | undefined, head: StackJson | undefined): boolean {
  if (!base || !head) return base !== head;
  return canonical(withoutBackend(base)) !== canonical(withoutBackend(head));
}

/**
 * The stack without its state backend: where the state lives is not a change to what is
 * deployed (an emulated environment's local state path is relative to its synth directory).
 */
function withoutBackend(stack: StackJson): StackJson {
  if (!stack.terraform?.backend) return stack;
  const { backend: _, ...terraform } = stack.terraform as Record<string, unknown>;
  return { ...stack, terraform };
}

/** The environment of `<env>-<kind>`: the longest environment name it starts with. */
export function environmentOfStack(stack: string, environments: readonly string[]): string | undefined {
  return [...environments].sort((a, b) => b.length - a.length).find((e) => stack.startsWith(`${e}-`));
}

/** A stack removed in the head: its provider and settings without resources, so the plan destroys them. */
export function emptiedStack(base: StackJson): StackJson {
  const { resource: _resource, output: _output, data: _data, moved: _moved, import: _import, ...rest } = base;
  return JSON.parse(JSON.stringify(rest)) as StackJson;
}

function isOfflineStack(stack: StackJson): boolean {
  const providers = ([] as StackJson[]).concat(stack.provider?.aws ?? []);
  return providers.length > 0 && providers.every((p) => p.skip_credentials_validation === true);
}

/** AWS credentials the SDK/provider would find in the environment. */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
      env.AWS_PROFILE ||
      env.AWS_WEB_IDENTITY_TOKEN_FILE ||
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
  );
}

// -- real plans -------------------------------------------------------------------

/** Against real state, as `cdktf diff`: `terraform init` with the stack's backend, plan (with refresh), show. */
export async function realPlan(stack: StackJson, workdir: string): Promise<PlanJson> {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  writeFileSync(path.join(workdir, 'cdk.tf.json'), JSON.stringify(stack, null, 2));
  // The shared lock file; init then links the provider from the plugin cache.
  copyFileSync(path.join(await providerTemplate(), '.terraform.lock.hcl'), path.join(workdir, '.terraform.lock.hcl'));
  await terraform(['init', '-input=false', '-no-color'], { cwd: workdir });
  await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=plan.tfplan'], { cwd: workdir });
  const shown = await terraform(['show', '-json', '-no-color', 'plan.tfplan'], { cwd: workdir });
  return JSON.parse(shown.stdout) as PlanJson;
}

// -- output -----------------------------------------------------------------------

function readPreviousManifest(outDir: string): PlanManifest | undefined {
  const file = path.join(outDir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as PlanManifest;
}

/**
 * One manifest of two runs (`--append`): the stacks of both (a stack planned again
 * takes its new entry), the flags of both; "real" when either planned real state.
 */
export function mergeManifests(previous: PlanManifest, next: PlanManifest): PlanManifest {
  const replanned = new Set(next.stacks.map((s) => s.stack));
  const stacks = [...previous.stacks.filter((s) => !replanned.has(s.stack)), ...next.stacks].sort((a, b) => a.stack.localeCompare(b.stack));
  const planned = new Set(stacks.map((s) => s.stack));
  return {
    version: 1,
    mode: previous.mode === 'real' || next.mode === 'real' ? 'real' : 'speculative',
    baseRef: next.baseRef ?? previous.baseRef,
    changedSince: next.changedSince ?? previous.changedSince,
    stacks,
    baseFlags: { ...previous.baseFlags, ...next.baseFlags },
    headFlags: { ...previous.headFlags, ...next.headFlags },
    unchanged: [...new Set([...previous.unchanged, ...next.unchanged])].filter((s) => !planned.has(s)).sort(),
  };
}

function prepareOutDir(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) {
    if (f.endsWith('.plan.json') || f === 'manifest.json' || f === 'flags') rmSync(path.join(outDir, f), { recursive: true, force: true });
  }
}

function copyFlags(
  outDir: string,
  head: readonly LoadedFlags[],
  base: SynthesizedRef | undefined,
  environments: readonly string[],
): { headFlags: Record<string, string>; baseFlags: Record<string, string> } {
  const headFlags: Record<string, string> = {};
  const baseFlags: Record<string, string> = {};
  for (const [side, record, files] of [
    ['head', headFlags, new Map(head.map((e) => [e.environment, path.resolve(e.file)]))],
    ['base', baseFlags, base?.flagsFiles ?? new Map<string, string>()],
  ] as const) {
    for (const [environment, file] of files) {
      if (environments.length > 0 && !environments.includes(environment)) continue;
      const rel = path.join('flags', side, `${environment}.json`);
      mkdirSync(path.join(outDir, 'flags', side), { recursive: true });
      copyFileSync(file, path.join(outDir, rel));
      record[environment] = rel;
    }
  }
  return { headFlags, baseFlags };
}

/** Counts of a plan's resource changes by kind; a replacement counts once, as replace. */
export function countActions(plan: PlanJson): PlanCounts {
  const counts = { create: 0, update: 0, delete: 0, replace: 0, noop: 0 };
  for (const rc of (plan.resource_changes ?? []) as Array<{ mode?: string; change: { actions: string[] } }>) {
    if (rc.mode === 'data') continue;
    const a = rc.change.actions;
    if (a.includes('create') && a.includes('delete')) counts.replace++;
    else if (a.includes('create')) counts.create++;
    else if (a.includes('delete')) counts.delete++;
    else if (a.includes('update')) counts.update++;
    else counts.noop++;
  }
  return counts;
}

/** The one line `npm run plan` prints for a planned stack. */
export function describeStackResult(s: ManifestStack): string {
  const tag = s.speculative ? `speculative, base ${s.baseRef ?? 'none (empty state)'}` : 'real state';
  return `${s.stack}: ${describeCounts(s.counts)} [${tag}, ${s.seconds}s]${s.preventDestroy.length ? ` — prevent_destroy violated: ${s.preventDestroy.join(', ')}` : ''}`;
}

export function describeCounts(c: PlanCounts): string {
  const changes = c.create + c.update + c.delete + c.replace;
  if (changes === 0) return 'no changes';
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to destroy`;
}

export { BASELINE_CACHE_ENV, defaultBaselineCache } from './baseline-cache-dir';

export { mapLimit } from '../concurrency';
