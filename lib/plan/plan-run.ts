/**
 * `npm run plan`: which stacks to plan, against what, and where the results go.
 *
 * Head: the working tree's flags synthesized in-process; base: the configuration at
 *   a git ref, synthesized by that ref's own code (ref-synthesis.ts).
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
 *   manifest.json          PlanManifest (plan-manifest.ts); paths relative to the out dir
 *   flags/head/<env>.json  the head flags file of each planned environment
 *   flags/base/<env>.json  the base flags file (when the base has one)
 *   work/                  Terraform working directories (kept for debugging); work/_baselines
 *                          builds every stack's baseline (baselines.ts buildBaselines: one root per
 *                          provider configuration), work/_speculative/heads plans every head
 *                          (speculativePlans, the same way)
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errors } from '../errors';
import { mapLimit } from '../concurrency';
import { defaultBaselineCache } from './baseline-cache-dir';
import { copyFlags, countActions, describeStackResult, mergeManifests, prepareOutDir, readPreviousManifest, type ManifestStack, type PlanManifest, type PlanMode } from './plan-manifest';
import { synthesizeHead, synthesizeRef, type SynthesizedRef } from './ref-synthesis';
import { providerTemplate, terraform, type StackJson } from '../terraform/runner';
import { type Baseline, buildBaselines, canonical } from './baselines';
import { type PlanJson, speculativePlans } from './speculative';

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

export const DEFAULT_OUT_DIR = path.join('out', 'plan');
export const DEFAULT_CONCURRENCY = 2;

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

export { BASELINE_CACHE_ENV, defaultBaselineCache } from './baseline-cache-dir';

export { mapLimit } from '../concurrency';
