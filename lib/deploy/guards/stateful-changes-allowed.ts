/**
 * A plan that deletes or replaces stateful resources (the lock table, a bucket or
 * its settings) is refused unless the commits being deployed name each such
 * resource in a trailer:
 *
 *     Allow-Stateful-Change: aws_dynamodb_table.LockTable_Resource_1A2B3C4D
 *
 * A commit trailer, not a PR label: it travels with the change itself (through
 * squash merges, reverts and cherry-picks), is reviewed in the PR like the code,
 * needs no GitHub API at deploy time, and works for a deploy run by hand. See
 * docs/operating.md.
 */
import { execFile } from 'node:child_process';
import { deployErrors, deployMessages } from '../../errors';
import { block, pass, type CommitRange, type Guard, type GuardContext, type GuardResult } from './guard';

/** The trailer that names one resource address allowed to be deleted or replaced. */
export const STATEFUL_OVERRIDE_TRAILER = 'Allow-Stateful-Change';

/** Resource types whose deletion loses data or claims; reviewed data, not if-blocks. */
export const STATEFUL_RESOURCE_TYPES: readonly { readonly match: RegExp; readonly what: string }[] = [
  { match: /^aws_dynamodb_table$/, what: 'the lock table (in-flight claims are lost; agents re-process objects)' },
  { match: /^aws_s3_bucket$/, what: 'a bucket (its objects are lost)' },
  { match: /^aws_s3_bucket_/, what: 'a bucket setting (versioning, encryption, lifecycle, policy or access block)' },
];

export interface StatefulOverride {
  /** The resource address named in the trailer. */
  readonly address: string;
  /** The commit that carries it. */
  readonly commit: string;
}

/** A change to a stateful resource that deletes or replaces it. */
export interface DestructiveChange {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly what: string;
}

export interface StatefulChangesAllowedOptions {
  /** Where overrides come from. @default the trailers of the commits being deployed (`gitTrailerOverrides`) */
  readonly overrides?: (context: GuardContext) => Promise<readonly StatefulOverride[]>;
}

/** Deletes and replaces (delete+create either way) of stateful resources in the plans. */
export function destructiveStatefulChanges(plans: GuardContext['plans']): DestructiveChange[] {
  const found: DestructiveChange[] = [];
  for (const { stack, plan } of plans) {
    for (const rc of plan.resource_changes ?? []) {
      if (rc.mode === 'data' || !rc.change.actions.includes('delete')) continue;
      const kind = STATEFUL_RESOURCE_TYPES.find((t) => t.match.test(rc.type));
      if (kind) found.push({ stack, address: rc.address, type: rc.type, actions: rc.change.actions, what: kind.what });
    }
  }
  return found;
}

export function statefulChangesAllowed(options: StatefulChangesAllowedOptions = {}): Guard {
  const id = 'StatefulChangesAllowed';
  const overridesOf = options.overrides ?? ((ctx: GuardContext) => (ctx.commits ? gitTrailerOverrides(ctx.commits, ctx.repoDir) : Promise.resolve([])));
  return {
    id,
    description: `No plan deletes or replaces the lock table or a bucket without an "${STATEFUL_OVERRIDE_TRAILER}" trailer naming it.`,
    run: async (context): Promise<GuardResult> => {
      const changes = destructiveStatefulChanges(context.plans);
      if (changes.length === 0) return pass(id, 'no stateful resource is deleted or replaced');
      const overrides = await overridesOf(context);
      const allowed = new Map(overrides.map((o) => [o.address, o.commit]));
      const refused = changes.filter((c) => !allowed.has(c.address));
      const overridden = changes.filter((c) => allowed.has(c.address)).map((c) => ({ ...c, commit: allowed.get(c.address)! }));
      const details = { refused, overridden };
      if (refused.length > 0) return block(id, deployMessages.statefulChangeRefused(context.environment, refused, context.commits), details);
      return pass(
        id,
        overridden.map((c) => `allowed by ${STATEFUL_OVERRIDE_TRAILER} in ${c.commit.slice(0, 12)}: ${c.actions.join('+')} ${c.address} (${c.stack})`).join('\n'),
        details,
      );
    },
  };
}

/**
 * The `Allow-Stateful-Change` trailers of the commits in `base..head` (only `head`
 * when there is no base), parsed by git itself (`%(trailers)`, the same parser as
 * `git interpret-trailers --parse`). The key is case-insensitive; one address per trailer.
 */
export async function gitTrailerOverrides(range: CommitRange, repoDir: string = process.cwd()): Promise<StatefulOverride[]> {
  const format = `%H%x1f%(trailers:key=${STATEFUL_OVERRIDE_TRAILER},valueonly,separator=%x1e)%x1d`;
  const revs = range.base ? [`${range.base}..${range.head}`] : ['-n', '1', range.head];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('git', ['log', `--format=${format}`, ...revs, '--'], { cwd: repoDir, maxBuffer: 64 * 1024 * 1024 }, (err, out, stderr) =>
      err ? reject(deployErrors.gitLogFailed(revs.join(' '), repoDir, stderr || err.message)) : resolve(out),
    ),
  );
  return parseTrailerLog(stdout);
}

/** Parses `git log` output in the format of `gitTrailerOverrides`. */
export function parseTrailerLog(stdout: string): StatefulOverride[] {
  const overrides: StatefulOverride[] = [];
  for (const record of stdout.split('\x1d')) {
    const [commit, values] = record.replace(/^\s+/, '').split('\x1f');
    if (!commit || values === undefined) continue;
    for (const value of values.split('\x1e')) {
      const address = value.trim();
      if (address) overrides.push({ address, commit: commit.trim() });
    }
  }
  return overrides;
}
