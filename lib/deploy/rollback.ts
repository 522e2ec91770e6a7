/**
 * Rollback by `git revert`: the same path as any change (a PR with its plan, a
 * merge that deploys), only faster to start.
 *
 * 1. Find the change to undo: `--to <sha>`, or the last deployed change of the
 *    environment. "Deployed" comes from the deploy history (GitHub Deployments when
 *    GITHUB_TOKEN is set; the local record of deploys of an emulated
 *    environment), else from HEAD; the change is the last commit at or before it, on
 *    the first-parent line, that touched `flags/<env>.json`, `stacks/` or `lib/`
 *    (a merge commit is reverted with `-m 1`, so the whole PR is undone).
 * 2. `git revert --no-edit` it, on a branch `rollback/<env>-<shortsha>` (or, with
 *    `--push`, on the current branch).
 * 3. The speculative plan of the revert: base = the configuration before the revert
 *    (current main), head = after it; each synthesized by the code of its own commit.
 * 4. Open a PR with that plan (@octokit/rest; GITHUB_API_URL, GITHUB_TOKEN,
 *    GITHUB_REPOSITORY), or, with `--push`, push the revert straight to the branch
 *    (main), which deploys it without review: the emergency path.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import { deployRunErrors } from '../errors';
import { createOctokit } from '../github/sticky-comment';
import { diffFlags, readFlagsAtRef } from '../plan/flags-diff';
import { environmentOfStack, parseTerraformPlan, stackPlan, type StackPlan } from '../plan/plan-model';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../plan/render';
import { type Baseline, buildBaselines, canonical } from '../plan/baselines';
import { speculativePlan, type StackJson } from '../plan/speculative';
import { ALLOW_EXPIRED_CATCH_UP_ENV } from '../flags/load';
import { readStacks } from '../synth';
import { formatCounts, planCounts, type SimplePlanCounts } from './plan-counts';
import { environmentPaths, git, gitIdentityProblem, gitRaw, resolveCommit, tokenAuthEnv } from './git';
import { checkPushApproval, checkRollbackTarget, mainRefOf } from './rollback-checks';
import { dispatchWorkflow, type Dispatched } from '../github/dispatch';
import { githubConfigFromEnv, type DeployHistoryEntry } from './history';
import { lastTrustedDeploy, type TrustPolicy } from './trusted-history';
import { DeployedStore, unchangedPlan } from './deployed-store';

/** Hidden marker at the top of rollback PR bodies. */
export const ROLLBACK_MARKER = '<!-- fleetflags:rollback -->';

export type DeployedSource = 'github' | 'local' | 'HEAD';

export interface LastDeployedChange {
  /** The commit to revert. */
  readonly commit: string;
  /** The commit the environment runs (its last successful deploy), or HEAD when unknown. */
  readonly deployed: string;
  readonly source: DeployedSource;
}

export interface FindOptions {
  readonly repoDir: string;
  /** GitHub Deployments (DeployHistory.list). @default none */
  readonly history?: { list(environment: string, limit?: number): Promise<DeployHistoryEntry[]> };
  /** The local record of deploys of an emulated environment. @default none */
  readonly store?: DeployedStore;
  /** Which history entries count. @default the deploy workflow's identity, commits on origin/main */
  readonly trust?: Omit<TrustPolicy, 'repoDir'>;
  readonly log?: (line: string) => void;
}

/** The last deployed change of `environment` (see the module comment). */
export async function findLastDeployedChange(environment: string, options: FindOptions): Promise<LastDeployedChange> {
  const { repoDir } = options;
  let deployed: string | undefined;
  let source: DeployedSource = 'HEAD';
  if (options.history) {
    // Only deploys by the deploy workflow, with our payload, of a commit on main (lib/deploy/trusted-history.ts).
    const last = await lastTrustedDeploy(await options.history.list(environment, 30), environment, { repoDir, ...options.trust, log: options.log });
    if (last) {
      if (await resolveCommit(last.commit, repoDir)) {
        deployed = last.commit;
        source = 'github';
      } else {
        options.log?.(`warning: the last deployed commit ${last.commit.slice(0, 12)} is not in this clone; using HEAD`);
      }
    }
  }
  if (!deployed && options.store) {
    const last = options.store.lastDeploy(environment);
    if (last && (await resolveCommit(last.commit, repoDir))) {
      deployed = last.commit;
      source = 'local';
    }
  }
  deployed ??= await git(['rev-parse', 'HEAD'], repoDir);
  const paths = environmentPaths(environment);
  const commit = await git(['log', '--first-parent', '-1', '--format=%H', deployed, '--', ...paths], repoDir);
  if (!commit) throw deployRunErrors.nothingToRollBack(environment, paths);
  return { commit, deployed, source };
}

/** Synthesizes every stack of the checked-out commit, with that commit's own code. */
export type SynthAtWorkTree = (repoDir: string, outdir: string) => Promise<Map<string, StackJson>>;

/** `node bin/run.mjs stacks/main.ts` (the cdktf app) into `outdir`. */
export const synthWorkTree: SynthAtWorkTree = async (repoDir, outdir) => {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      ['bin/run.mjs', 'stacks/main.ts'],
      { cwd: repoDir, env: { ...process.env, CDKTF_OUTDIR: outdir, [ALLOW_EXPIRED_CATCH_UP_ENV]: '1' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(deployRunErrors.synthFailed(`the configuration in ${repoDir}`, `${stderr}\n${stdout}`)) : resolve()),
    ),
  );
  return readStacks(outdir);
};

export interface RollbackOptions {
  readonly environment: string;
  /** Revert this commit instead of the last deployed change. */
  readonly to?: string;
  /** Emergency: commit the revert on the current branch and push it (deploys without review). @default false */
  readonly push?: boolean;
  readonly repoDir: string;
  /** GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_REF_NAME. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the plans, the PR body and the record go. @default <repoDir>/out/rollback */
  readonly outDir?: string;
  /** Baseline cache for the speculative plans. @default none */
  readonly cacheDir?: string;
  readonly history?: FindOptions['history'];
  readonly store?: DeployedStore;
  readonly synth?: SynthAtWorkTree;
  /** @default an Octokit for GITHUB_API_URL with GITHUB_TOKEN */
  readonly octokit?: Octokit;
  /** The git remote to push to. @default "origin" */
  readonly remote?: string;
  /**
   * Refuse to take "the last deployed change" from HEAD when no deploy is recorded:
   * for AWS environments, where a merged change may never have been deployed.
   * @default false
   */
  readonly requireDeployRecord?: boolean;
  /** The branch deploys run from; `--push` only from it. @default "main" */
  readonly mainBranch?: string;
  /**
   * `--push` needs the GitHub environment to have required reviewers (AWS
   * environments; lib/deploy/rollback-checks.ts). @default false
   */
  readonly requireApprovedPush?: boolean;
  /**
   * After a push, dispatch deploy.yml; after a PR, dispatch plan.yml: pushes made
   * with a workflow's token start no runs. @default true inside GitHub Actions
   */
  readonly dispatch?: boolean;
  /** Passed to the dispatched deploy as its break-glass reason. @default none */
  readonly breakGlassReason?: string;
  readonly log?: (line: string) => void;
}

export interface RollbackStackPlan {
  readonly stack: string;
  readonly counts: SimplePlanCounts;
  /** The configuration did not change: no plan was run. */
  readonly unchanged: boolean;
  readonly planJson: string;
}

export interface RollbackResult {
  readonly format: 'fleetflags.rollback/1';
  readonly environment: string;
  readonly reverted: { readonly commit: string; readonly subject: string; readonly source: DeployedSource | 'to'; readonly deployed?: string };
  readonly revertCommit: string;
  /** The branch the revert was committed on. */
  readonly branch: string;
  /** The branch the revert goes to (the PR's base, or where --push pushed). */
  readonly baseBranch: string;
  readonly mode: 'pr' | 'push';
  readonly pushed: boolean;
  readonly pullRequest?: { readonly number: number; readonly url: string };
  /** Why no PR was opened or nothing was pushed, when so. */
  readonly note?: string;
  /** The workflow run started for the push (deploy.yml) or the PR (plan.yml). */
  readonly dispatched?: Dispatched;
  readonly plans: readonly RollbackStackPlan[];
  readonly flagsChanged: readonly string[];
  readonly bodyFile: string;
}

export async function runRollback(options: RollbackOptions): Promise<RollbackResult> {
  const { environment, repoDir } = options;
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const remote = options.remote ?? 'origin';
  const outDir = path.resolve(options.outDir ?? path.join(repoDir, 'out', 'rollback'), environment);
  const synth = options.synth ?? synthWorkTree;

  // Not trimmed: each line is "XY path", and a leading space is part of XY.
  const dirty = (await gitRaw(['status', '--porcelain', '--untracked-files=no'], repoDir)).stdout.split('\n').filter(Boolean);
  if (dirty.length > 0) throw deployRunErrors.dirtyWorkTree(repoDir, dirty.map((l) => l.slice(3)));
  // A PR needs GITHUB_REPOSITORY too: check it before anything is committed or pushed.
  if (!options.push && env.GITHUB_TOKEN) githubConfigFromEnv(env);
  let baseBranch = await git(['rev-parse', '--abbrev-ref', 'HEAD'], repoDir);
  const detached = baseBranch === 'HEAD';
  if (detached) baseBranch = env.GITHUB_REF_NAME || 'main';
  const mainBranch = options.mainBranch ?? 'main';
  if (options.push && baseBranch !== mainBranch) throw deployRunErrors.pushNotOnMain(baseBranch, mainBranch);
  // The revert is a commit: without a name and e-mail git would fail half-way.
  const identity = await gitIdentityProblem(repoDir);
  if (identity) throw deployRunErrors.gitIdentityMissing(repoDir, identity);

  const gh = env.GITHUB_TOKEN && env.GITHUB_REPOSITORY ? githubConfigFromEnv(env) : undefined;
  const client = options.octokit ?? (gh ? createOctokit({ token: gh.token, baseUrl: gh.apiUrl }) : undefined);
  if (options.push && options.requireApprovedPush) {
    await checkPushApproval(gh && client, { owner: gh?.owner ?? '', repo: gh?.repo ?? '', environment });
  }

  // 1. What to revert.
  let target: string;
  let source: DeployedSource | 'to';
  let deployed: string | undefined;
  if (options.to) {
    const sha = await resolveCommit(options.to, repoDir);
    if (!sha) throw deployRunErrors.commitUnknown(options.to, repoDir);
    await checkRollbackTarget(options.to, sha, environment, repoDir, await mainRefOf(repoDir, remote, mainBranch));
    target = sha;
    source = 'to';
  } else {
    const found = await findLastDeployedChange(environment, { repoDir, history: options.history, store: options.store, log });
    if (found.source === 'HEAD' && options.requireDeployRecord) throw deployRunErrors.deployedChangeUnknown(environment);
    target = found.commit;
    source = found.source;
    deployed = found.deployed;
  }
  const subject = await git(['log', '-1', '--format=%s', target], repoDir);
  const parents = (await git(['rev-list', '--parents', '-n', '1', target], repoDir)).split(' ').length - 1;
  if (parents === 0) throw deployRunErrors.nothingToRollBack(environment, [`${target.slice(0, 12)} (the first commit; reverting it would delete everything)`]);
  const short = target.slice(0, 7);
  log(
    `roll back ${environment}: revert ${short} "${subject}"` +
      (source === 'to' ? ' (--to)' : ` (the last change at or before ${deployed!.slice(0, 12)}, the ${source === 'HEAD' ? 'HEAD commit: no deploy recorded' : `last deploy from ${source}`})`),
  );

  // 2. The configuration before the revert, synthesized by its own code.
  const baseRev = await git(['rev-parse', 'HEAD'], repoDir);
  const synthRoot = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-rollback-'));
  // Until the revert is pushed, any failure puts the checkout back exactly as it was (catch below).
  let undo: (() => Promise<void>) | undefined;
  let published = false;
  try {
    const baseStacks = onlyEnvironment(await synth(repoDir, path.join(synthRoot, 'base')), environment);

    // 3. The revert.
    const branch = options.push ? baseBranch : `rollback/${environment}-${short}`;
    if (!options.push) {
      if ((await gitRaw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], repoDir)).code === 0) throw deployRunErrors.rollbackBranchExists(branch);
    }
    undo = () => restoreCheckout(repoDir, { baseRev, baseBranch: detached ? undefined : baseBranch, createdBranch: options.push ? undefined : branch });
    if (!options.push) {
      const checkout = await gitRaw(['checkout', '-q', '-b', branch], repoDir);
      if (checkout.code !== 0) throw deployRunErrors.rollbackGitFailed(`git checkout -b ${branch}`, checkout.stderr || checkout.stdout);
    }
    const revert = await gitRaw(['revert', '--no-edit', ...(parents > 1 ? ['-m', '1'] : []), target], repoDir);
    if (revert.code !== 0) {
      const conflicts = (await gitRaw(['diff', '--name-only', '--diff-filter=U'], repoDir)).stdout.split('\n').filter(Boolean);
      const detail = [revert.stdout.trim(), revert.stderr.trim()].filter(Boolean).join('\n'); // CONFLICT lines go to stdout
      throw conflicts.length > 0 ? deployRunErrors.revertFailed(target, detail, conflicts) : deployRunErrors.rollbackGitFailed(`git revert ${target.slice(0, 12)}`, detail);
    }
    const revertCommit = await git(['rev-parse', 'HEAD'], repoDir);
    log(
      `reverted in ${revertCommit.slice(0, 12)} on ${branch}` +
        (options.push ? '' : ` (now checked out here; \`git checkout ${detached ? baseRev.slice(0, 12) : baseBranch}\` to go back)`),
    );

    // 4. The speculative plan of the revert.
    const headStacks = onlyEnvironment(await synth(repoDir, path.join(synthRoot, 'head')), environment);
    mkdirSync(outDir, { recursive: true });
    const plans: RollbackStackPlan[] = [];
    const views: StackPlan[] = [];
    const stacks = [...new Set([...baseStacks.keys(), ...headStacks.keys()])].sort();
    // The baselines of every changed stack, folded together (baselines.ts buildBaselines).
    const changed = stacks.filter((s) => baseStacks.has(s) && headStacks.has(s) && canonical(baseStacks.get(s)) !== canonical(headStacks.get(s)));
    const baselines =
      changed.length > 0
        ? await buildBaselines(new Map(changed.map((s) => [s, baseStacks.get(s)!])), { workdir: path.join(synthRoot, 'plans', '_baselines'), cacheDir: options.cacheDir })
        : new Map<string, Baseline>();
    for (const stack of stacks) {
      const base = baseStacks.get(stack);
      const head = headStacks.get(stack);
      const unchanged = base !== undefined && head !== undefined && canonical(base) === canonical(head);
      let plan: Record<string, unknown>;
      if (unchanged) plan = unchangedPlan(stack);
      else if (!head) plan = { format_version: '1.2', resource_changes: [], fleetflags: { speculative: true, removedStack: true } };
      else plan = await speculativePlan({ base, head, workdir: path.join(synthRoot, 'plans', stack), stackName: stack, cacheDir: options.cacheDir, baseline: baselines.get(stack) });
      const planJson = path.join(outDir, `${stack}.plan.json`);
      writeFileSync(planJson, JSON.stringify(plan));
      const counts = planCounts(plan as Parameters<typeof planCounts>[0]);
      plans.push({ stack, counts, unchanged, planJson });
      views.push(stackPlan(parseTerraformPlan(plan, planJson), stack, { source: planJson }));
      log(`plan of the revert, ${stack}: ${unchanged ? 'unchanged' : formatCounts(counts)}`);
    }
    const flagChanges = diffFlags(readFlagsAtRef(baseRev, 'flags', repoDir), readFlagsAtRef(revertCommit, 'flags', repoDir));
    const flagsChanged = flagChanges.map((c) => `${c.file} ${c.path}: ${show(c.before)} → ${show(c.after)}`);

    const intro = [
      ROLLBACK_MARKER,
      `## Roll back ${environment}: revert \`${short}\` ${escapeMd(subject)}`,
      '',
      `This reverts ${target} (${source === 'to' ? 'chosen with `--to`' : source === 'HEAD' ? 'the last change touching this environment; no deploy is recorded' : `the last change deployed to ${environment}, from the ${source === 'github' ? 'GitHub Deployments history' : 'local deploy record'}`}).`,
      `Merging deploys the revert like any change (guards, health check, history). The plan below is speculative: ` +
        `base = the configuration at ${baseRev.slice(0, 12)}, head = after the revert.`,
      '',
    ].join('\n');
    const body = `${intro}\n${renderMarkdown(views, { speculative: true, flagChanges, maxChars: GITHUB_COMMENT_LIMIT - intro.length - 2 })}`;
    const bodyFile = path.join(outDir, 'pr.md');
    writeFileSync(bodyFile, body);

    // 5. Push, and open the PR.
    const hasRemote = (await gitRaw(['remote', 'get-url', remote], repoDir)).code === 0;
    let pushed = false;
    let pullRequest: RollbackResult['pullRequest'];
    let note: string | undefined;
    let dispatched: Dispatched | undefined;
    const dispatch = options.dispatch ?? env.GITHUB_ACTIONS === 'true';
    if (options.push) {
      if (hasRemote) {
        await pushRef(repoDir, remote, `HEAD:refs/heads/${baseBranch}`, env.GITHUB_TOKEN);
        pushed = true;
        published = true;
        log(`pushed the revert to ${remote}/${baseBranch}: it deploys without review`);
        if (dispatch && gh && client) {
          // The push was made with the workflow's token: it starts no deploy by itself.
          dispatched = await dispatchWorkflow(client, {
            owner: gh.owner,
            repo: gh.repo,
            workflow: 'deploy.yml',
            ref: baseBranch,
            inputs: { rollback: 'true', ...(options.breakGlassReason ? { 'break-glass-reason': options.breakGlassReason } : {}) },
          }, { serverUrl: env.GITHUB_SERVER_URL });
          log(`started the deploy of the revert: ${dispatched.url}`);
        }
      } else {
        note = `no git remote "${remote}": the revert is committed on ${baseBranch} locally; push it to deploy`;
      }
    } else if (!env.GITHUB_TOKEN) {
      note = `GITHUB_TOKEN is not set: the revert is on the local branch ${branch}; push it and open a PR with the body in ${path.relative(repoDir, bodyFile)}`;
    } else if (!hasRemote) {
      note = `no git remote "${remote}" to push ${branch} to; the PR body is in ${path.relative(repoDir, bodyFile)}`;
    } else {
      await pushRef(repoDir, remote, `refs/heads/${branch}:refs/heads/${branch}`, env.GITHUB_TOKEN);
      pushed = true;
      published = true;
      const gh = githubConfigFromEnv(env);
      const octokit = client ?? createOctokit({ token: gh.token, baseUrl: gh.apiUrl });
      try {
        const created = await octokit.rest.pulls.create({
          owner: gh.owner,
          repo: gh.repo,
          head: branch,
          base: baseBranch,
          title: `Roll back ${environment}: revert ${short} "${subject}"`.slice(0, 250),
          body,
        });
        pullRequest = { number: created.data.number, url: created.data.html_url };
        log(`opened PR #${created.data.number}: ${created.data.html_url}`);
        if (dispatch) {
          // The PR was opened with the workflow's token: it gets no plan run by itself.
          try {
            dispatched = await dispatchWorkflow(octokit, { owner: gh.owner, repo: gh.repo, workflow: 'plan.yml', ref: branch, inputs: { pr: String(created.data.number) } }, { serverUrl: env.GITHUB_SERVER_URL });
            log(`started the plan of the rollback PR: ${dispatched.url}`);
          } catch (e) {
            log(`warning: ${(e as Error).message}`);
          }
        }
      } catch (e) {
        const err = e as { status?: number; message?: string };
        throw deployRunErrors.rollbackPrRefused(err.status ?? 'no response', err.message ?? String(e), branch, path.relative(repoDir, bodyFile));
      }
    }
    if (note) log(note);

    const result: RollbackResult = {
      format: 'fleetflags.rollback/1',
      environment,
      reverted: { commit: target, subject, source, ...(deployed ? { deployed } : {}) },
      revertCommit,
      branch,
      baseBranch,
      mode: options.push ? 'push' : 'pr',
      pushed,
      ...(pullRequest ? { pullRequest } : {}),
      ...(note ? { note } : {}),
      ...(dispatched ? { dispatched } : {}),
      plans,
      flagsChanged,
      bodyFile,
    };
    writeFileSync(path.join(path.dirname(outDir), `${environment}.json`), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } catch (e) {
    // Pushed: the revert is on the remote, so it stays (the error says where). Not pushed: undo everything.
    if (undo && !published) await undo();
    throw e;
  } finally {
    rmSync(synthRoot, { recursive: true, force: true });
  }
}

/**
 * Puts the checkout back as it was before the rollback: no revert in progress, the
 * index and work tree at `baseRev`, on the branch it was on, and the rollback
 * branch (when one was made) deleted. The work tree was clean when the rollback
 * started (checked), so a hard reset loses nothing of the user's.
 */
export async function restoreCheckout(repoDir: string, was: { readonly baseRev: string; readonly baseBranch?: string; readonly createdBranch?: string }): Promise<void> {
  await gitRaw(['revert', '--abort'], repoDir); // fails harmlessly when no revert is in progress
  if (was.createdBranch) {
    await gitRaw(['checkout', '-q', '-f', was.baseBranch ?? was.baseRev], repoDir);
    await gitRaw(['branch', '-D', was.createdBranch], repoDir);
  }
  await gitRaw(['reset', '-q', '--hard', was.baseRev], repoDir);
}

async function pushRef(repoDir: string, remote: string, refspec: string, token?: string): Promise<void> {
  const r = await gitRaw(['push', remote, refspec], repoDir, tokenAuthEnv(token));
  if (r.code !== 0) throw deployRunErrors.gitFailed(`git push ${remote} ${refspec}`, r.stderr || r.stdout);
}

function onlyEnvironment(stacks: ReadonlyMap<string, StackJson>, environment: string): Map<string, StackJson> {
  return new Map([...stacks].filter(([name]) => environmentOfStack(name) === environment));
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
