/**
 * Plan, approve, apply exactly that file (issue 11, finding 4). For an environment
 * whose deploys are approved, the reviewer must see the plan before approving:
 *
 * 1. the plan job (read-only role) runs `deploy --plan-only --save-plan <dir>`: the
 *    saved plan files, a manifest with each file's SHA-256 and the commit, and a
 *    redacted rendering (sensitive values masked, no prior state) for the job summary;
 * 2. the reviewer approves the deploy job of the GitHub environment, after reading it;
 * 3. the deploy job runs `deploy --apply-plan <dir>`: each file must match its
 *    SHA-256 and the commit being deployed, the guards see that plan, and
 *    `terraform apply <file>` applies exactly it (Terraform refuses it if the state
 *    has moved on since: "Saved plan is stale").
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deployRunErrors } from '../errors';
import { stackPlan } from '../plan/plan-model';
import { parseTerraformPlan } from '../plan/plan-json';
import { renderMarkdown, STEP_SUMMARY_LIMIT } from '../plan/render';
import { terraform } from '../terraform/runner';
import type { DeployPlanner, PlannedStack } from './deploy';
import { DEPLOY_PLAN_FILE, initStack, type StackDir } from './terraform-stacks';

export const SAVED_PLAN_MANIFEST = 'manifest.json';

export interface SavedPlanManifest {
  readonly format: 'fleetflags.saved-plan/1';
  readonly environment: string;
  readonly commit: string;
  readonly stacks: readonly { readonly stack: string; readonly file: string; readonly sha256: string }[];
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A planner that remembers what it planned (for --save-plan). */
export function capturingPlanner(inner: DeployPlanner): DeployPlanner & { planned: PlannedStack[] } {
  const captured = {
    mode: inner.mode,
    planned: [] as PlannedStack[],
    plan: async () => {
      captured.planned = await inner.plan();
      return captured.planned;
    },
  };
  return captured;
}

/** Copies each saved plan file to `dir`, writes the manifest, and returns the redacted Markdown for the job summary. */
export function savePlans(planned: readonly PlannedStack[], dir: string, meta: { environment: string; commit: string }): { manifest: SavedPlanManifest; summary: string } {
  mkdirSync(dir, { recursive: true });
  const stacks = planned.map((p) => {
    if (!p.planFile) throw deployRunErrors.savedPlanMissing(dir, p.stack, 'the planner saved no plan file');
    const file = `${p.stack}.tfplan`;
    copyFileSync(p.planFile, path.join(dir, file));
    return { stack: p.stack, file, sha256: sha256File(path.join(dir, file)) };
  });
  const manifest: SavedPlanManifest = { format: 'fleetflags.saved-plan/1', environment: meta.environment, commit: meta.commit, stacks };
  writeFileSync(path.join(dir, SAVED_PLAN_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const hashes = ['| stack | saved plan | SHA-256 |', '| --- | --- | --- |', ...stacks.map((s) => `| ${s.stack} | \`${s.file}\` | \`${s.sha256}\` |`)].join('\n');
  const intro = `## Plan of ${meta.environment} at \`${meta.commit.slice(0, 12)}\`: approve the deploy only if this is what you expect\n\n${hashes}\n\nThe deploy job applies exactly these files, after checking each SHA-256.\n\n`;
  const views = planned.map((p) => stackPlan(parseTerraformPlan(p.plan, p.stack), p.stack));
  // renderMarkdown masks sensitive values and shows changes only (no prior state).
  const summary = intro + renderMarkdown(views, { maxChars: STEP_SUMMARY_LIMIT - intro.length - 2 });
  return { manifest, summary };
}

export interface SavedPlanPlannerOptions {
  readonly environment: string;
  /** The commit being deployed: the manifest must name it. */
  readonly commit: string;
  readonly log?: (line: string) => void;
  /** @default terraform init with the real backend */
  readonly init?: (dir: string) => Promise<void>;
  /** @default terraform show -json <file> */
  readonly show?: (dir: string, file: string) => Promise<Record<string, unknown>>;
}

/** Plans nothing: loads the approved saved plans, each checked against its SHA-256, into the synthesized stack directories. */
export function savedPlanPlanner(dir: string, stacks: readonly StackDir[], options: SavedPlanPlannerOptions): DeployPlanner {
  const init = options.init ?? initStack;
  const show = options.show ?? (async (cwd: string, file: string) => JSON.parse((await terraform(['show', '-json', '-no-color', file], { cwd })).stdout) as Record<string, unknown>);
  return {
    mode: 'terraform',
    plan: async () => {
      const manifestFile = path.join(dir, SAVED_PLAN_MANIFEST);
      if (!existsSync(manifestFile)) throw deployRunErrors.savedPlanMissing(dir, SAVED_PLAN_MANIFEST, 'no manifest');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SavedPlanManifest;
      if (manifest.environment !== options.environment || manifest.commit !== options.commit) {
        throw deployRunErrors.savedPlanMismatch(dir, `it is the plan of ${manifest.environment} at ${String(manifest.commit).slice(0, 12)}, not of ${options.environment} at ${options.commit.slice(0, 12)}`);
      }
      const planned: PlannedStack[] = [];
      for (const s of stacks) {
        const entry = manifest.stacks.find((m) => m.stack === s.stack);
        if (!entry) throw deployRunErrors.savedPlanMissing(dir, s.stack, 'the manifest has no plan for it');
        const source = path.join(dir, path.basename(entry.file));
        if (!existsSync(source)) throw deployRunErrors.savedPlanMissing(dir, s.stack, `${entry.file} is missing`);
        const actual = sha256File(source);
        if (actual !== entry.sha256) throw deployRunErrors.savedPlanMismatch(dir, `${entry.file} has SHA-256 ${actual}, but the approved plan had ${entry.sha256}`);
        const target = path.join(s.dir, DEPLOY_PLAN_FILE);
        copyFileSync(source, target);
        await init(s.dir);
        options.log?.(`plan ${s.stack}: the approved saved plan ${entry.file} (SHA-256 ${actual})`);
        planned.push({ stack: s.stack, plan: await show(s.dir, DEPLOY_PLAN_FILE), planFile: target, workdir: s.dir, config: s.config });
      }
      return planned;
    },
  };
}
