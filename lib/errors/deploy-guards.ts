/**
 * Texts of the deploy guards (lib/deploy/guards/) and the change-size rules (lib/change-size/).
 */
import { showValue } from './base';
import { formatPercent } from './text';

/** Where an artifact problem is: the flags file, the fleets that run the build, the object. */
export interface ArtifactWhere {
  readonly file: string;
  readonly bucket: string;
  readonly key: string;
  readonly buildId: string;
  readonly arch: string;
  /** "ingest ($.ingest.buildId)", "quarantine acme ($.quarantines[0].buildId)", ... */
  readonly fleets: readonly string[];
}

export type ArtifactProblemKind =
  | { readonly kind: 'missing' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'checksumMissing'; readonly checksumKey: string }
  | { readonly kind: 'checksumMalformed'; readonly checksumKey: string; readonly text: string }
  | { readonly kind: 'checksumMismatch'; readonly checksumKey: string; readonly published: string; readonly actual: string };

/** Texts of deploy-guard results (a guard result is not an error: it is shown and recorded). */
export const deployMessages = {
  deployFrozen: (environment: string, region: string, flagKey: string, reason: string) =>
    `deploys to ${environment} (${region}) are frozen by the LaunchDarkly flag "${flagKey}" (${reason}); nothing was applied; ` +
    `fix: when the freeze is over, turn "${flagKey}" off for ${environment} in LaunchDarkly (no commit needed) and re-run the deploy`,

  freezeUnanswered: (
    environment: string,
    file: string,
    flagKey: string,
    state: string,
    reason: string,
    policy: { readonly freeze: boolean; readonly source: string },
  ) =>
    `LaunchDarkly ${state} (${reason}); the deploy-freeze flag "${flagKey}" could not be evaluated, so the ` +
    `unreachable-policy applies: ${policy.freeze ? 'fail closed, deploys are frozen' : 'proceed, the deploy goes ahead'} ` +
    `(${policy.source})` +
    (policy.freeze
      ? `; fix: set LAUNCHDARKLY_SDK_KEY and check that LaunchDarkly is reachable and "${flagKey}" exists` +
        (environment === 'production' ? '' : `, or set "deploy": { "freezeWhenFlagServiceUnreachable": false } in ${file} to proceed without it`)
      : ''),

  artifactProblem: (where: ArtifactWhere, problem: ArtifactProblemKind) => {
    const object = `s3://${where.bucket}/${where.key}`;
    const head = `${where.file}: fleet ${where.fleets.join(', fleet ')} runs build ${where.buildId} (${where.arch})`;
    const fix = `fix: publish the build (binary and "<sha256>  <name>" checksum) from a green CI run, or pin a published build`;
    switch (problem.kind) {
      case 'missing':
        return `${head}, but the artifact ${object} does not exist; ${fix}`;
      case 'empty':
        return `${head}, but the artifact ${object} is zero bytes (a broken build); fix: rebuild and republish ${where.buildId}, or pin the previous build`;
      case 'checksumMissing':
        return `${head}, but the artifact ${object} has no published checksum s3://${where.bucket}/${problem.checksumKey}; ${fix}`;
      case 'checksumMalformed':
        return (
          `${head}, but the checksum s3://${where.bucket}/${problem.checksumKey} holds ${showValue(problem.text)}; ` +
          `allowed: 64 hex digits, optionally followed by the file name (sha256sum output); ${fix}`
        );
      case 'checksumMismatch':
        return (
          `${head}, but the artifact ${object} does not match its published SHA-256: published ${problem.published}, ` +
          `actual ${problem.actual} (a corrupt or overwritten upload); fix: republish the build, or pin another`
        );
    }
  },

  artifactNotPinned: (where: ArtifactWhere, pinned: string, actual: string) =>
    `${where.file}: build ${where.buildId} (${where.arch}) in s3://${where.bucket}/${where.key} has SHA-256 ${actual}, but the flags pin ${pinned} ` +
    `(builds["${where.buildId}"].${where.arch}); the build was replaced or the pin is wrong. Fix: publish a new build ID (a published one cannot be overwritten) and pin it with the line npm run publish-build prints`,

  artifactUnreadable: (where: ArtifactWhere, reason: string) =>
    `${where.file}: fleet ${where.fleets.join(', fleet ')} runs build ${where.buildId} (${where.arch}), but ` +
    `s3://${where.bucket}/${where.key} could not be checked (${reason}); fix: give the deploy role s3:GetObject and ` +
    `s3:ListBucket on the artifacts bucket (without ListBucket a missing object reads as 403)`,

  statefulChangeRefused: (
    environment: string,
    refused: readonly { readonly stack: string; readonly address: string; readonly actions: readonly string[]; readonly what: string }[],
    commits?: { readonly base?: string; readonly head: string },
  ) =>
    `the plan for ${environment} would ${refused.length === 1 ? 'delete or replace a stateful resource' : `delete or replace ${refused.length} stateful resources`}; nothing was applied:\n` +
    refused.map((c) => `  ${c.actions.join('+')} ${c.address} in ${c.stack}: ${c.what}`).join('\n') +
    `\nfix: if this is intended, add one trailer per resource to the commit message (last paragraph), e.g. with ` +
    `\`git commit --amend --trailer\`:\n` +
    refused.map((c) => `  Allow-Stateful-Change: ${c.address}`).join('\n') +
    `\nThe commits checked: ${commits ? (commits.base ? `${commits.base.slice(0, 12)}..${commits.head.slice(0, 12)}` : commits.head.slice(0, 12)) : 'none given'}. See docs/operating.md.`,

  errorBudgetExhausted: (
    environment: string,
    file: string,
    below: readonly { readonly name: string; readonly budgetRemainingPercent: number; readonly threshold: number }[],
    reasons: readonly string[],
  ) =>
    `${environment} has burned its error budget: ${below.map((b) => `SLO ${b.name} has ${formatPercent(b.budgetRemainingPercent)} left, below ${formatPercent(b.threshold)}`).join('; ')} ` +
    `(${file}: $.slos.minBudgetRemainingPercent); a feature change is refused until the budget recovers; nothing was applied. The change: ` +
    `${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; … (${reasons.length} in all)` : ''}. ` +
    'allowed now: a rollback or revert, turning a catch-up fleet or a quarantine off, pinning a build deployed before; ' +
    'fix: ship reliability work first, or, if this change must go out, add the trailer "Allow-Error-Budget: <why>" to the commit (recorded in the deploy history and the Honeycomb marker)',

  errorBudgetUnanswered: (environment: string, file: string, reason: string, policy: { readonly refuse: boolean; readonly source: string }) =>
    `Honeycomb could not be asked for the error budget (${reason}), so the unreachable-policy applies: ` +
    `${policy.refuse ? 'fail closed, the deploy is refused' : 'proceed, the deploy goes ahead'} (${policy.source})` +
    (policy.refuse
      ? '; fix: set HONEYCOMB_API_KEY and check that Honeycomb is reachable' +
        (environment === 'production' ? '' : `, or set "slos": { "whenApiUnreachable": "proceed" } in ${file}`) +
        ', or add the trailer "Allow-Error-Budget: <why>" to the commit'
      : ''),

  breakGlassNotRollback: (environment: string, reason: string, saidRollback: boolean) =>
    `break glass refused for ${environment} (reason given: ${JSON.stringify(reason)}): it lets only a rollback through a freeze, ` +
    (saidRollback
      ? 'and git does not show one (the commit does not go back in history, and not every commit since the last deploy is a `git revert`)'
      : 'and this run does not say it is a rollback (--rollback, the deploy workflow\'s "rollback" input)') +
    `; allowed: a rollback (npm run rollback, or an older commit with --rollback); fix: roll back first, ship the feature when the freeze lifts`,

  breakGlassUsed: (environment: string, breakGlass: { readonly reason: string; readonly source: string; readonly actor?: string }, frozen: string) =>
    `BREAK GLASS: rollback of ${environment} allowed through the freeze (${breakGlass.source}${breakGlass.actor ? `, by ${breakGlass.actor}` : ''}): ` +
    `${breakGlass.reason}\n(without it: ${frozen})`,

  notOnMain: (environment: string, head: string, mainRef: string, unknown: boolean) =>
    `refusing to deploy ${head.slice(0, 12)} to ${environment}: ` +
    (unknown ? `git cannot tell whether it is on ${mainRef} (is ${mainRef} fetched?)` : `it is not on ${mainRef}`) +
    `; allowed: commits merged to main; fix: merge the change through a pull request (only the sandbox, offline or emulated, deploys other commits)`,

  silentRollback: (environment: string, head: string, base: string) =>
    `refusing to deploy ${head.slice(0, 12)} to ${environment}: it is older than the last deployed commit ${base.slice(0, 12)} ` +
    `(an ancestor of it), so this would roll ${environment} back silently (a re-run of an old workflow run?); ` +
    `allowed: commits at or after ${base.slice(0, 12)}; fix: to roll back, use npm run rollback (a revert), ` +
    `or deploy with --rollback (the deploy workflow's "rollback" input) to say that going back is intended`,

  forwardOnlyUnknownBase: (environment: string, base: string) =>
    `cannot tell whether the deploy to ${environment} goes back: the last deployed commit ${base.slice(0, 12)} is not in this clone; ` +
    `fix: fetch the full history (actions/checkout with fetch-depth: 0)`,

  forwardOnlyUnknownCommits: (environment: string) =>
    `cannot check the deploy to ${environment} goes forward: no commits were given to the guards`,

  catchUpExpired: (file: string, expiresAt: string, now: Date) =>
    `${file}: $.catchUp.expiresAt: the catch-up fleet expired at ${expiresAt} (now ${now.toISOString()}) but is still enabled; ` +
    `it has already been scaled to zero; fix: remove it with the one-line change in ${file}:\n  "catchUp": { "enabled": false }`,
} as const;

/** Texts of the change-size rules (lib/change-size/): one line per finding. */
export const changeSizeMessages = {
  capacityMoveTooLarge: (
    file: string,
    move: { readonly path: string; readonly before: number; readonly after: number },
    limits: { readonly capacityMovePercent: number; readonly capacityMoveAbsolute: number },
    rule: string,
  ) => {
    const delta = move.after - move.before;
    const percent = move.before === 0 ? 'from 0' : `${delta > 0 ? '+' : ''}${Math.round((delta / move.before) * 100)}%`;
    return (
      `${file}: ${move.path}: moves ${move.before} → ${move.after} (${delta > 0 ? '+' : ''}${delta} instances, ${percent}) in one deploy; got ${move.after}; ` +
      `allowed: within ±${limits.capacityMoveAbsolute} instances or ±${limits.capacityMovePercent}% of ${move.before} ` +
      `($.changeLimits.capacityMoveAbsolute, $.changeLimits.capacityMovePercent); fix: step it over several deploys, ` +
      `or add the trailer "Allow-Change-Size: ${rule}" to the commit if the size is intended`
    );
  },

  onDemandMoveTooLarge: (file: string, move: { readonly path: string; readonly before: number; readonly after: number }, points: number, rule: string) =>
    `${file}: ${move.path}: moves ${move.before}% → ${move.after}% (${Math.abs(move.after - move.before)} points) in one deploy; got ${move.after}; ` +
    `allowed: within ±${points} points of ${move.before} ($.changeLimits.onDemandPercentagePoints); fix: move it in steps of at most ${points} points, ` +
    `or add the trailer "Allow-Change-Size: ${rule}" to the commit`,

  tooManyFleets: (
    environment: string,
    fleets: readonly { readonly stack: string; readonly address: string; readonly action: string }[],
    limit: number,
    rule: string,
  ) =>
    `${environment}: the plan creates or replaces ${fleets.length} Auto Scaling groups at once (${fleets.map((f) => `${f.action} ${f.address} in ${f.stack}`).join('; ')}); ` +
    `allowed: at most ${limit} ($.changeLimits.fleetsReplacedOrCreated); fix: split the change over several deploys, ` +
    `or add the trailer "Allow-Change-Size: ${rule}" to the commit`,

  refreshBatchTooLarge: (
    refresh: { readonly stack: string; readonly address: string; readonly minHealthy: number; readonly desired?: number },
    limit: number,
    rule: string,
  ) =>
    `${refresh.stack}: ${refresh.address}: an instance refresh with min_healthy_percentage ${refresh.minHealthy} takes ${100 - refresh.minHealthy}% of the fleet ` +
    `out of service at once${refresh.desired !== undefined ? ` (up to ${Math.ceil((refresh.desired * (100 - refresh.minHealthy)) / 100)} of ${refresh.desired} instances)` : ''}; ` +
    `got ${refresh.minHealthy}; allowed: a minimum healthy percentage of at least ${100 - limit} ($.changeLimits.refreshBatchPercent = ${limit}); ` +
    `fix: raise refreshMinHealthyPercentage of the group, or add the trailer "Allow-Change-Size: ${rule}" to the commit`,
} as const;
