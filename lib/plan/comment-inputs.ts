/**
 * What the plan comment is rendered from, as `plan-comment` reads it: plan files
 * (or the manifest `npm run plan` writes, whose paths must stay inside its own
 * directory: in the comment job it comes from an untrusted run), the flags diff,
 * and the run's link. Also the artifact side: plans redacted in place, and a ref's
 * flags files taken as data.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runUrlFromEnv } from '../deploy/history';
import { errors } from '../errors';
import { loadFlagsOrThrow } from '../flags/load';
import { diffFlags, readFlagsAtRef, readFlagsDir, readFlagsBytesAtRef, type FlagChange } from './flags-diff';
import { stackOfPlanFile, stackPlan, type StackPlan } from './plan-model';
import { readPlanFile } from './plan-json';
import { changeSizeReports, changeSizeSection } from './render-change-size';
import { estimateStackCost, type StackCost } from '../cost/estimate';
import { redactPlan } from './redact';
import { renderJson, renderMarkdown, type RenderOptions } from './render';

export interface RenderArgs {
  readonly plans: readonly { readonly file: string; readonly stack?: string; readonly environment?: string }[];
  readonly format: 'markdown' | 'json';
  readonly baseFlags?: string;
  readonly baseRef?: string;
  readonly headFlags?: string;
  readonly speculative?: boolean;
  readonly manifest?: string;
  readonly detailsUrl?: string;
  readonly commit?: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
  /** The plans were computed by a fork's own code. @default false */
  readonly untrustedCode?: boolean;
}

/**
 * What `npm run plan` writes next to the plans (out/plan/manifest.json, PlanManifest
 * in lib/plan/plan-manifest.ts). Read loosely: every field is optional here, paths are
 * relative to the manifest's directory.
 */
export interface Manifest {
  mode?: string;
  baseRef?: string | null;
  changedSince?: string | null;
  stacks?: { stack?: string; environment?: string; planFile?: string; speculative?: boolean }[];
  /** Environment -> its base / head flags file. */
  baseFlags?: Record<string, string>;
  headFlags?: Record<string, string>;
  /** Stacks not planned because they did not change since `changedSince`. */
  unchanged?: string[];
}

/** Rewrites every plan of a manifest redacted, in place; returns the files. */
export function redactManifest(manifestFile: string): string[] {
  const manifest = readManifest(manifestFile);
  const dir = path.dirname(manifestFile);
  const files: string[] = [];
  for (const s of manifest.stacks ?? []) {
    if (!s.planFile) continue;
    const file = insideDir(dir, s.planFile, manifestFile);
    writeFileSync(file, `${JSON.stringify(redactPlan(readPlanFile(file)))}\n`);
    files.push(s.planFile);
  }
  return files;
}

/**
 * Replaces the flags files of `dir` by those of `ref`, read from git objects (data:
 * nothing of the ref is run), then validates them the way every script does.
 */
export function flagsFromRef(ref: string, dir = 'flags', cwd = process.cwd()): string[] {
  // The files as committed, byte for byte: the loader's problems then name their lines, and see what a
  // parse or a decoding would hide (a field given twice, a file that is not UTF-8).
  const flags = readFlagsBytesAtRef(ref, dir, cwd);
  const target = path.resolve(cwd, dir);
  for (const name of readdirSync(target)) if (name.endsWith('.json') && name !== 'schema.json' && !flags.has(name)) rmSync(path.join(target, name));
  for (const [name, bytes] of flags) writeFileSync(path.join(target, name), bytes);
  const files = [...flags.keys()].map((n) => path.join(dir, n));
  loadFlagsOrThrow(files.map((f) => path.resolve(cwd, f)));
  return files;
}

/** A path of the manifest, which must stay inside its directory (the manifest came from an untrusted run). */
export function insideDir(dir: string, rel: string, manifestFile: string): string {
  const full = path.resolve(dir, rel);
  const back = path.relative(path.resolve(dir), full);
  if (path.isAbsolute(rel) || back.startsWith('..') || path.isAbsolute(back)) {
    throw errors.planManifestInvalid(manifestFile, `the path ${JSON.stringify(rel)} leaves the manifest's directory; allowed: paths inside it`);
  }
  return full;
}

/** Renders plan files (and the flags diff) as the comment body or the JSON summary. */
export function render(args: RenderArgs): string {
  const manifest = args.manifest ? readManifest(args.manifest) : undefined;
  const manifestDir = args.manifest ? path.dirname(args.manifest) : '.';
  const plans = [...args.plans];
  if (plans.length === 0 && manifest) {
    for (const s of manifest.stacks ?? []) {
      if (s.planFile) plans.push({ file: insideDir(manifestDir, s.planFile, args.manifest!), stack: s.stack, environment: s.environment });
    }
  }
  const environments = new Map((manifest?.stacks ?? []).filter((s) => s.stack && s.environment).map((s) => [s.stack!, s.environment!]));
  const rawPlans = plans.map((p) => ({ ...p, plan: readPlanFile(p.file) }));
  const costs: StackCost[] = [];
  const stacks: StackPlan[] = rawPlans.map((p) => {
    const stack = p.stack ?? stackOfPlanFile(p.file);
    const view = stackPlan(p.plan, stack, { environment: p.environment ?? environments.get(stack), source: p.file });
    // The estimated monthly cost of each fleet stack, before and after (issue 12).
    const cost = estimateStackCost(p.plan, view.stack, view.environment);
    if (cost) costs.push(cost);
    return view;
  });

  let flagChanges: FlagChange[] | undefined;
  let flagSets: { base: Map<string, unknown>; head: Map<string, unknown> } | undefined;
  if (args.baseFlags || args.baseRef) {
    flagSets = { base: args.baseFlags ? readFlagsDir(args.baseFlags) : readFlagsAtRef(args.baseRef!), head: readFlagsDir(args.headFlags ?? 'flags') };
  } else if (manifest?.baseFlags || manifest?.headFlags) {
    flagSets = {
      base: flagsFromManifest(manifest.baseFlags, manifestDir, args.manifest!),
      head: flagsFromManifest(manifest.headFlags, manifestDir, args.manifest!),
    };
  }
  if (flagSets) flagChanges = diffFlags(flagSets.base, flagSets.head);
  // The change-size verdicts of each environment, next to its plan (issue 12).
  const sections = flagSets
    ? [changeSizeSection(changeSizeReports(flagSets.base, flagSets.head, stacks.map((s, i) => ({ stack: s.stack, environment: s.environment, plan: rawPlans[i].plan as never }))))]
    : undefined;

  const options: RenderOptions = {
    speculative: args.speculative || manifest?.mode === 'speculative' || (manifest?.stacks ?? []).some((s) => s.speculative === true),
    flagChanges,
    detailsUrl: args.detailsUrl ?? runUrlFromEnv(),
    commit: args.commit,
    maxChars: args.maxChars,
    notPlanned: manifest?.unchanged,
    baseRef: manifest?.changedSince ?? undefined,
    untrustedCode: args.untrustedCode,
    sections,
    costs,
  };
  return args.format === 'json' ? renderJson(stacks, options) : renderMarkdown(stacks, options);
}

/** `{ env: file }` -> the FlagsSet diffFlags takes (`<env>.json` -> parsed JSON). */
function flagsFromManifest(files: Record<string, string> | undefined, dir: string, manifestFile: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [env, file] of Object.entries(files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const full = insideDir(dir, file, manifestFile);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (e) {
      throw errors.flagsDirUnreadable(full, (e as NodeJS.ErrnoException).code ?? String(e));
    }
    try {
      out.set(`${env}.json`, JSON.parse(text));
    } catch {
      out.set(`${env}.json`, text);
    }
  }
  return out;
}

export function readManifest(file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw errors.planManifestInvalid(file, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw errors.planManifestInvalid(file, 'it is not a JSON object');
  const m = json as Manifest;
  if (m.stacks !== undefined && !Array.isArray(m.stacks)) throw errors.planManifestInvalid(file, '"stacks" is not an array');
  return m;
}

