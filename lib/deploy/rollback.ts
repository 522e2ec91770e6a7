/**
 * Rollback by `git revert`: the same path as any change (a PR with its plan, a
 * merge that deploys), only faster to start.
 *
 * 1. Find the change to undo: `--to <sha>` (lib/deploy/rollback-checks.ts), or the last
 *    deployed change of the environment (lib/deploy/last-deployed-change.ts): the last
 *    commit at or before the last deploy that touched `flags/<env>.json`, `stacks/` or
 *    `lib/` (a merge commit is reverted with `-m 1`, so the whole PR is undone).
 * 2. `git revert --no-edit` it, on a branch `rollback/<env>-<shortsha>` (or, with
 *    `--push`, on the current branch).
 * 3. The speculative plan of the revert (lib/deploy/revert-plan.ts): base = the
 *    configuration before the revert (current main), head = after it; each synthesized
 *    by the code of its own commit.
 * 4. Open a PR with that plan (@octokit/rest; GITHUB_API_URL, GITHUB_TOKEN,
 *    GITHUB_REPOSITORY), or, with `--push`, push the revert straight to the branch
 *    (main), which deploys it without review: the emergency path
 *    (lib/deploy/rollback-publish.ts).
 * Until the revert is pushed, any failure puts the checkout back exactly as it was.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import { deployRunErrors } from '../errors';
import { createOctokit } from '../github/sticky-comment';
import type { Dispatched } from '../github/dispatch';
import { diffFlags, readFlagsAtRef } from '../plan/flags-diff';
import { environmentOfStack } from '../plan/plan-model';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../plan/render';
import type { StackJson } from '../plan/speculative';
import { ALLOW_EXPIRED_CATCH_UP_ENV } from '../flags/load';
import { readStacks } from '../synth';
import type { DeployedStore } from './deployed-store';
import { git, gitIdentityProblem, gitRaw, resolveCommit } from './git';
import { githubConfigFromEnv } from './history';
import { findLastDeployedChange, type DeployedSource, type FindOptions } from './last-deployed-change';
import { planRevert, type RollbackStackPlan } from './revert-plan';
import { checkPushApproval, checkRollbackTarget, mainRefOf } from './rollback-checks';
import { publishRollback } from './rollback-publish';

/** Hidden marker at the top of rollback PR bodies. */
export const ROLLBACK_MARKER = '<!-- fleetflags:rollback -->';

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
    const { plans, views } = await planRevert({ baseStacks, headStacks, outDir, workdir: path.join(synthRoot, 'plans'), cacheDir: options.cacheDir, log });
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
    const { pushed, pullRequest, note, dispatched } = await publishRollback(
      {
        repoDir,
        env,
        remote,
        push: options.push === true,
        baseBranch,
        branch,
        title: `Roll back ${environment}: revert ${short} "${subject}"`,
        body,
        bodyFile,
        gh,
        client,
        dispatch: options.dispatch ?? env.GITHUB_ACTIONS === 'true',
        breakGlassReason: options.breakGlassReason,
        log,
      },
      () => (published = true),
    );
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

function onlyEnvironment(stacks: ReadonlyMap<string, StackJson>, environment: string): Map<string, StackJson> {
  return new Map([...stacks].filter(([name]) => environmentOfStack(name) === environment));
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}
