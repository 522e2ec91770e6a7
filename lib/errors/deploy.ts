import { ExitCode, FleetflagsError } from './base';
import { redactSecret } from './text';

/** Errors of deploys, rollbacks, drift, the handoff and the health check after an apply. */
export const deployErrors = {
  guardRefused: (environment: string, blocked: readonly { readonly guard: string; readonly message: string }[]) =>
    new FleetflagsError(
      `deploy to ${environment} refused by ${blocked.length} guard${blocked.length === 1 ? '' : 's'}; nothing was applied:\n` +
        blocked.map((b) => `  ${b.guard}: ${b.message.replace(/\n/g, '\n    ')}`).join('\n'),
      ExitCode.GuardRefused,
    ),

  unhealthyAfterApply: (environment: string, problems: readonly string[], rolledBack: boolean) =>
    new FleetflagsError(
      `${environment} is unhealthy after the apply; the promotion stops here:\n` +
        problems.map((p) => `  ${p}`).join('\n') +
        (rolledBack
          ? '\nThe AWS side rolled back (instance refresh auto rollback): the fleet runs the previous launch template again, ' +
            'while main still holds the change; fix: `npm run rollback -- --env ' + environment + '` to revert it in git.'
          : '\nfix: look at the instances\' health in the target groups and the instance refresh status, then ' +
            '`npm run rollback -- --env ' + environment + '` to revert the change.'),
      ExitCode.UnhealthyAfterApply,
    ),

  gitLogFailed: (revs: string, repoDir: string, stderr: string) =>
    new FleetflagsError(
      `git log ${revs} failed in ${repoDir}: ${stderr.trim()}; the commits being deployed must be in the clone ` +
        '(in CI, check out with fetch-depth: 0)',
      ExitCode.Failure,
    ),

  githubNotConfigured: (variable: string) =>
    new FleetflagsError(
      `${variable} is not set; deploy history lives in GitHub Deployments. Set GITHUB_TOKEN (a token with deployments: write, ` +
        'or read for `npm run history`) and GITHUB_REPOSITORY ("owner/repo"); GitHub Actions sets GITHUB_REPOSITORY and GITHUB_API_URL.',
      ExitCode.Usage,
    ),

  badRepository: (value: string) =>
    new FleetflagsError(`GITHUB_REPOSITORY is ${JSON.stringify(value)}; allowed: "owner/repo"`, ExitCode.Usage),

  githubApiFailed: (what: string, status: number | undefined, message: string) =>
    new FleetflagsError(`GitHub API: ${what} failed (${status ?? 'no response'}): ${message}`, ExitCode.Failure),

  honeycombSloFailed: (url: string, status: number | undefined, body: string, apiKey: string) =>
    new FleetflagsError(
      `Honeycomb SLO GET ${url} failed (${status ?? 'no response'}): ${redactSecret(body.trim().slice(0, 300), apiKey)}; ` +
        'fix: check HONEYCOMB_API_KEY (a configuration key with access to SLOs), HONEYCOMB_API_URL, and the dataset and sloId in $.slos.objectives',
      ExitCode.Failure,
    ),

  honeycombMarkerFailed: (url: string, status: number | undefined, body: string, apiKey: string) =>
    new FleetflagsError(
      `Honeycomb marker POST ${url} failed (${status ?? 'no response'}): ${redactSecret(body.trim().slice(0, 300), apiKey)}; ` +
        'fix: check HONEYCOMB_API_KEY (a configuration key with "Manage markers"), HONEYCOMB_DATASET and HONEYCOMB_API_URL',
      ExitCode.Failure,
    ),
};

/** Errors of the on-call handoff (lib/handoff/, scripts/handoff.ts). */
export const handoffErrors = {
  badSince: (value: string) =>
    new FleetflagsError(
      `--since: got ${JSON.stringify(value)}; allowed: a duration such as "7d", "36h" or "2w" (at least 1h), or a past ISO date such as "2026-11-20" or "2026-11-20T09:00:00Z"`,
      ExitCode.Usage,
    ),
  localRecordUnreadable: (file: string, reason: string) =>
    `the local deploy record ${file} could not be read (${reason}); its deploys are missing from this handoff`,
  githubUnreadable: (what: string, reason: string) =>
    `GitHub could not be read (${what}: ${reason}); the handoff shows the local records only`,
} as const;

/** Errors of the deploy, rollback and drift commands (lib/deploy/deploy.ts, rollback.ts, drift.ts). */
export const deployRunErrors = {
  /** recordFile: none when the record could not be written either (recordNotWritten says so). */
  localHistoryNotWritten: (environment: string, dir: string, detail: string, recordFile: string | undefined, outcome: string) =>
    new FleetflagsError(
      `The deploy of ${environment} ended (${outcome}) and ${recordFile ? `its record is in ${recordFile}` : 'its record could not be written'}, but the local deploy history in ${dir} ` +
        `could not be written: ${detail.trim()}. The next deploy compares with the last deploy recorded there, which is now older ` +
        `than this one; allowed: a state directory this user can write, with free space. fix: correct the cause (permissions, disk), ` +
        `then run \`npm run deploy -- --env ${environment}\` again: it plans against the real state and records the deploy.`,
    ),

  recordNotWritten: (environment: string, file: string, detail: string, outcome: string) =>
    new FleetflagsError(
      `The deploy of ${environment} ended (${outcome}), but its record could not be written to ${file}: ${detail.trim()}. ` +
        `Nothing else says what this deploy did (read the log above); allowed: an output directory this user can write, with free space. ` +
        `fix: correct the cause (permissions, disk), then run \`npm run deploy -- --env ${environment}\` again: it plans against the real state and records the deploy.`,
    ),

  recordNotUpdated: (environment: string, file: string, detail: string) =>
    new FleetflagsError(
      `The record of the deploy of ${environment} is in ${file}, but its final update (whether the local history was written, ` +
        `the record phase's timing) could not be written: ${detail.trim()}; the file keeps the record written before the history. ` +
        `allowed: an output directory with free space. fix: free space in it before the next deploy.`,
    ),

  /** The deploy's own error first, then what failed after it (the record, the history): one message, the deploy's exit code. */
  alsoFailed: (first: FleetflagsError, later: readonly FleetflagsError[]) =>
    new FleetflagsError([first.message, ...later.map((e) => `Also: ${e.message}`)].join('\n'), first.exitCode),

  applyFailed: (environment: string, stack: string, detail: string, appliedBefore: readonly string[]) =>
    new FleetflagsError(
      `terraform apply of ${stack} failed; the deploy of ${environment} stops here:\n${detail.trim()}\n` +
        (appliedBefore.length ? `Applied before it: ${appliedBefore.join(', ')}. ` : 'Nothing was applied before it. ') +
        `Part of ${stack} may be applied: read the log above. fix: correct the cause and merge a fix, or ` +
        `\`npm run rollback -- --env ${environment}\` to revert the change; re-running the deploy plans again from the new state.`,
      ExitCode.ApplyFailed,
    ),

  dirtyWorkTree: (repoDir: string, files: readonly string[]) =>
    new FleetflagsError(
      `The work tree ${repoDir} has uncommitted changes (${files.slice(0, 5).join(', ')}${files.length > 5 ? `, and ${files.length - 5} more` : ''}); ` +
        'a rollback commits a revert and must not pick them up. fix: commit or stash them, then run the rollback again.',
      ExitCode.Usage,
    ),

  commitUnknown: (rev: string, repoDir: string) =>
    new FleetflagsError(
      `--to ${JSON.stringify(rev)} is not a commit in ${repoDir}; allowed: a commit SHA (or ref) of this repository; ` +
        'fix: `git fetch` the history (in CI, actions/checkout with fetch-depth: 0), or pick the SHA from `npm run history`.',
      ExitCode.Usage,
    ),

  deployedChangeUnknown: (environment: string) =>
    new FleetflagsError(
      `Cannot tell which change is deployed in ${environment}: no deploy history was read (GITHUB_TOKEN and ` +
        'GITHUB_REPOSITORY read it from GitHub Deployments), and the newest commit may never have been deployed ' +
        '(a frozen or refused deploy). fix: set GITHUB_TOKEN and GITHUB_REPOSITORY, or name the commit to revert with --to <sha> ' +
        '(`npm run history -- --env ' + environment + '` lists what ran).',
      ExitCode.Usage,
    ),

  savedPlanMissing: (dir: string, what: string, why: string) =>
    new FleetflagsError(
      `No approved saved plan for ${what} in ${dir} (${why}); nothing was applied. ` +
        `fix: deploy through the deploy workflow, whose plan job saves the plan the reviewer approves`,
      ExitCode.GuardRefused,
    ),

  savedPlanMismatch: (dir: string, why: string) =>
    new FleetflagsError(
      `The saved plan in ${dir} is not the one approved: ${why}; nothing was applied. ` +
        `fix: re-run the deploy workflow so the plan is made again and approved again`,
      ExitCode.GuardRefused,
    ),

  dispatchFailed: (workflow: string, ref: string, status: number | undefined, message: string) =>
    new FleetflagsError(
      `GitHub refused to start ${workflow} on ${ref} (${status ?? 'no response'}: ${message.trim()}); the push is done but nothing deploys it. ` +
        `fix: run ${workflow} by hand (Actions → ${workflow.replace(/\.ya?ml$/, '')} → Run workflow), and give the rollback job \`actions: write\``,
    ),

  rollbackTargetNotOnMain: (rev: string, sha: string, mainRef: string) =>
    new FleetflagsError(
      `--to ${rev} (${sha.slice(0, 12)}) is not on ${mainRef}: reverting it would put a change from another branch onto main; ` +
        `allowed: a commit on ${mainRef} that changed this environment; fix: pick the commit from \`git log ${mainRef}\``,
      ExitCode.Usage,
    ),

  rollbackTargetUntouched: (rev: string, sha: string, environment: string, paths: readonly string[]) =>
    new FleetflagsError(
      `--to ${rev} (${sha.slice(0, 12)}) did not change ${environment} (none of ${paths.join(', ')}): reverting it would not roll ${environment} back; ` +
        `allowed: a commit that touched ${paths.join(', ')}; fix: \`git log -- ${paths.join(' ')}\` lists them`,
      ExitCode.Usage,
    ),

  pushNeedsReviewers: (environment: string, why: string) =>
    new FleetflagsError(
      `--push deploys ${environment} without a pull request, so it needs a GitHub environment "${environment}" with required reviewers; ${why}. ` +
        `allowed: --push from the rollback workflow, whose push job waits for the environment's reviewers; ` +
        `fix: roll back through a PR (leave out --push), or add required reviewers to the environment (npm run doctor -- --env ${environment})`,
      ExitCode.Usage,
    ),

  pushNotOnMain: (branch: string, mainBranch: string) =>
    new FleetflagsError(
      `--push commits the revert on the branch you are on and pushes it, but you are on ${JSON.stringify(branch)}, not ${JSON.stringify(mainBranch)}: ` +
        `the revert would not deploy. fix: \`git checkout ${mainBranch}\` and run the rollback again, or leave out --push to open a PR.`,
      ExitCode.Usage,
    ),

  nothingToRollBack: (environment: string, paths: readonly string[]) =>
    new FleetflagsError(
      `No commit to roll back for ${environment}: no deploy is recorded and no commit touches ${paths.join(', ')}. ` +
        'fix: name the commit with --to <sha>.',
      ExitCode.Usage,
    ),

  rollbackBranchExists: (branch: string) =>
    new FleetflagsError(
      `The branch ${branch} already exists: a rollback of this commit was started before. ` +
        `fix: open or finish its PR, or delete the branch (\`git branch -D ${branch}\`) and run the rollback again.`,
      ExitCode.Usage,
    ),

  revertFailed: (commit: string, detail: string, conflicts: readonly string[]) =>
    new FleetflagsError(
      `git revert ${commit.slice(0, 12)} does not apply cleanly (later commits changed the same lines in ${conflicts.join(', ')}); git says:\n${detail.trim()}\n` +
        'Nothing was committed; the work tree, the index and the branches are as they were. ' +
        'fix: revert by hand (`git revert <sha>`, resolve, open a PR), or roll back a later commit first with --to <sha>.',
      ExitCode.Failure,
    ),

  /** The deploy's plan step failed with an error that is not one of ours (a backend, a provider, Terraform itself). */
  planFailed: (environment: string, detail: string) =>
    new FleetflagsError(
      `Planning ${environment} failed: ${detail.trim()}\nNothing was applied. fix: correct what the error names, then run the deploy again.`,
      ExitCode.TerraformFailed,
    ),

  /** GitHub refused to open the rollback PR; the branch is already pushed. */
  rollbackPrRefused: (status: number | string, detail: string, branch: string, bodyFile: string) =>
    new FleetflagsError(
      `GitHub refused to open the rollback PR (${status}: ${detail.trim()}); the branch ${branch} is pushed. ` +
        `fix: open the PR by hand with the body in ${bodyFile}, and check the job has pull-requests: write.`,
    ),

  gitFailed: (what: string, detail: string) =>
    new FleetflagsError(`git: ${what} failed; git says:\n${detail.trim()}`, ExitCode.Failure),

  /** A git command of the rollback failed; everything it did was undone. */
  rollbackGitFailed: (what: string, detail: string) =>
    new FleetflagsError(
      `git: ${what} failed; git says:\n${detail.trim()}\n` +
        'Nothing was committed; the work tree, the index and the branches are as they were. fix: correct what git names above, then run the rollback again.',
      ExitCode.Failure,
    ),

  /** The rollback commits a revert; git has no name and e-mail to commit with. */
  gitIdentityMissing: (repoDir: string, detail: string) =>
    new FleetflagsError(
      `git has no identity to commit the revert with in ${repoDir}; git says: ${detail.trim().split('\n').filter((l) => /fatal|error/i.test(l)).join(' ') || detail.trim()}; ` +
        'allowed: user.name and user.email in git config, or GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL in the environment. ' +
        'fix: `git config user.name "Your Name"` and `git config user.email you@example.com` (add --global for every repository; ' +
        'in CI, set them in the job before the rollback). Nothing was changed.',
      ExitCode.Usage,
    ),

  synthFailed: (what: string, detail: string) =>
    new FleetflagsError(
      `Cannot synthesize ${what}:\n${detail.trim()}\nfix: \`npm run check-flags\` and \`npm run synth\` show why.`,
      ExitCode.Failure,
    ),

  noDeployableEnvironments: (dir: string) =>
    new FleetflagsError(
      `No deployable environment in ${dir}: none has a "deploy" section with aws.offline false. ` +
        'fix: give an environment "deploy": { "order": 1 } to deploy (and check for drift in) it.',
      ExitCode.Usage,
    ),
};

/** Lines of the health-after-apply report (lib/deploy/health.ts). */
export const healthMessages = {
  refreshFailed: (group: string, refresh: { readonly id: string; readonly status: string; readonly statusReason?: string }) =>
    `Auto Scaling group ${group}: instance refresh ${refresh.id} ended ${refresh.status}` +
    (refresh.statusReason ? ` (${refresh.statusReason})` : '') +
    (refresh.status.startsWith('Rollback')
      ? refresh.status === 'RollbackSuccessful'
        ? '; the AWS side rolled back to the previous launch template'
        : '; the AWS side tried to roll back and failed: the group may run a mix of launch templates'
      : '; the new instances did not become healthy'),

  refreshPending: (group: string, refresh?: { readonly id: string; readonly status: string; readonly percentageComplete?: number }) =>
    refresh
      ? `instance refresh ${refresh.id} of ${group}: ${refresh.status}${refresh.percentageComplete !== undefined ? ` ${refresh.percentageComplete}%` : ''}`
      : `Auto Scaling group ${group} (not found yet)`,

  targetsNotHealthy: (
    targetGroupArn: string,
    healthy: number,
    expected: number,
    notHealthy: readonly { readonly id: string; readonly state: string; readonly reason?: string }[],
  ) =>
    `target group ${targetGroupArn.replace(/^.*:targetgroup\//, '')}: ${healthy} healthy of at least ${expected}` +
    (notHealthy.length > 0
      ? `; not healthy: ${notHealthy
          .slice(0, 5)
          .map((t) => `${t.id} ${t.state}${t.reason ? ` (${t.reason})` : ''}`)
          .join(', ')}${notHealthy.length > 5 ? `, and ${notHealthy.length - 5} more` : ''}`
      : ''),

  timedOut: (timeoutSeconds: number) =>
    `not healthy within ${timeoutSeconds}s; still waiting for:`,
} as const;
