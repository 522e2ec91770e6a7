/**
 * What `npm run plan` writes to its out dir (default out/plan), read by the plan-comment
 * renderer: manifest.json (PlanManifest), and flags/head/<env>.json and
 * flags/base/<env>.json, the flags files of each planned environment; and the line it
 * prints per stack. The plans themselves are <stack>.plan.json beside them.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { errors, jsonPath, showValue } from '../errors';
import type { LoadedFlags } from '../flags/load';
import { isImported, isOutputChange, kindOf, movedFrom } from './plan-model';
import type { SynthesizedRef } from './ref-synthesis';
import type { PlanJson } from './speculative';

export type PlanMode = 'speculative' | 'real';

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
  /** Objects Terraform stops managing and leaves in the cloud (a `removed` block, destroy = false). */
  readonly forget: number;
  /** Instances whose state address changes (a `moved` block), also counted under their action. */
  readonly move: number;
  /** Instances an `import` block brings under management, also counted under their action. */
  readonly import: number;
  /** Root-module outputs created, changed or removed. */
  readonly output: number;
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

/** What `--append` needs of the manifest a run before left: its version and the lists it merges. */
const PreviousManifest = z
  .object({
    version: z.literal(1),
    mode: z.enum(['speculative', 'real']),
    baseRef: z.string().nullable(),
    changedSince: z.string().nullable(),
    stacks: z.array(z.object({ stack: z.string() }).loose()),
    baseFlags: z.record(z.string(), z.string()),
    headFlags: z.record(z.string(), z.string()),
    unchanged: z.array(z.string()),
  })
  .loose();

/**
 * The manifest a run before left in `outDir`, if any (`--append`). One that cannot be read as
 * a manifest (cut short, another tool's, another version) is an error naming each problem: merging
 * it would drop or garble the stacks planned before.
 */
export function readPreviousManifest(outDir: string): PlanManifest | undefined {
  const file = path.join(outDir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw errors.previousManifestUnreadable(file, [`not JSON: ${(e as Error).message}`]);
  }
  const parsed = PreviousManifest.safeParse(json);
  if (!parsed.success) {
    throw errors.previousManifestUnreadable(
      file,
      parsed.error.issues.map((i) => {
        const value = i.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), json);
        return `${jsonPath(i.path)}: ${value === undefined ? 'missing' : showValue(value)} (${i.message})`;
      }),
    );
  }
  return json as PlanManifest;
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

/** Removes what a run before left in `outDir` (plans, manifest, flags); the Terraform work directories stay. */
export function prepareOutDir(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) {
    if (f.endsWith('.plan.json') || f === 'manifest.json' || f === 'flags') rmSync(path.join(outDir, f), { recursive: true, force: true });
  }
}

/** Copies the head and base flags files of the planned environments into `outDir`/flags/; returns their paths relative to it. */
export function copyFlags(
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

/**
 * Counts of a plan's changes by kind; a replacement counts once, as replace; a create-then-forget
 * as a create and a forget; a moved or imported instance also under its action.
 */
export function countActions(plan: PlanJson): PlanCounts {
  const counts = { create: 0, update: 0, delete: 0, replace: 0, forget: 0, move: 0, import: 0, output: 0, noop: 0 };
  type Rc = { mode?: string; address?: string; previous_address?: string; change: { actions: string[]; importing?: unknown } };
  for (const rc of (plan.resource_changes ?? []) as Rc[]) {
    if (rc.mode === 'data') continue;
    // The kinds of the PR comment's plan model, so the two never classify an action list differently.
    const { kind } = kindOf(rc.change.actions);
    if (kind === 'create-forget') {
      counts.create++;
      counts.forget++;
    } else if (kind === 'no-op' || kind === 'read') counts.noop++;
    else counts[kind]++;
    if (movedFrom(rc) !== undefined) counts.move++;
    if (isImported(rc)) counts.import++;
  }
  const outputs = (plan.output_changes ?? {}) as Record<string, { actions: string[] }>;
  for (const out of Object.values(outputs)) if (isOutputChange(out.actions)) counts.output++;
  return counts;
}

/** The one line `npm run plan` prints for a planned stack. */
export function describeStackResult(s: ManifestStack): string {
  const tag = s.speculative ? `speculative, base ${s.baseRef ?? 'none (empty state)'}` : 'real state';
  return `${s.stack}: ${describeCounts(s.counts)} [${tag}, ${s.seconds}s]${s.preventDestroy.length ? ` — prevent_destroy violated: ${s.preventDestroy.join(', ')}` : ''}`;
}

/**
 * "1 to create, 0 to update, 0 to replace, 0 to destroy", then ", 1 to forget", ", 1 to move",
 * ", 1 to import" and ", 1 output to change" for those there are; "no changes" when nothing
 * would change (Terraform's own rule: a move, an import or an output alone is a change).
 * A manifest of an earlier version lacks the later counts: they read as 0.
 */
export function describeCounts(c: PlanCounts): string {
  const [forget, move, imported, output] = [c.forget ?? 0, c.move ?? 0, c.import ?? 0, c.output ?? 0];
  if (c.create + c.update + c.delete + c.replace + forget + move + imported + output === 0) return 'no changes';
  const extra = [
    forget ? `, ${forget} to forget` : '',
    move ? `, ${move} to move` : '',
    imported ? `, ${imported} to import` : '',
    output ? `, ${output} ${output === 1 ? 'output' : 'outputs'} to change` : '',
  ].join('');
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to destroy${extra}`;
}
