/**
 * What the privileged comment job asks GitHub about a pull request, with the
 * default branch's code and the job's own token (never from the artifact): its
 * current head commit (so a late run of an older push never overwrites a newer
 * comment) and the files it changes (so a fork PR that changes only flags files can
 * be planned from its flags as data, by trusted code).
 */
import type { Octokit } from '@octokit/rest';

export interface PullRequestTarget {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly pr: number;
}

export interface PullRequestFacts {
  readonly headSha: string;
  /** "owner/name" of the head repository. */
  readonly headRepository: string;
  readonly fork: boolean;
  /** Every file the PR adds, changes, removes or renames (both names of a rename). */
  readonly files: readonly string[];
}

export async function pullRequestFacts(t: PullRequestTarget): Promise<PullRequestFacts> {
  const { data } = await t.octokit.rest.pulls.get({ owner: t.owner, repo: t.repo, pull_number: t.pr });
  const listed = await t.octokit.paginate(t.octokit.rest.pulls.listFiles, { owner: t.owner, repo: t.repo, pull_number: t.pr, per_page: 100 });
  const files = [...new Set(listed.flatMap((f) => [f.filename, f.previous_filename].filter((x): x is string => typeof x === 'string')))].sort();
  const headRepository = data.head.repo?.full_name ?? '';
  return { headSha: data.head.sha, headRepository, fork: headRepository !== `${t.owner}/${t.repo}`, files };
}

/** An environment's flags file: `flags/<environment>.json` (not the generated schema). */
const FLAGS_FILE = /^flags\/[a-z][a-z0-9-]{1,19}\.json$/;

/**
 * Whether a PR changes only flags files: data our own code validates and plans.
 * Anything else (code, the lock file, workflows, the schema) is code.
 */
export function changesOnlyFlags(files: readonly string[]): boolean {
  return files.length > 0 && files.every((f) => FLAGS_FILE.test(f) && f !== 'flags/schema.json');
}

/**
 * How the comment job treats a PR: same-repository PRs and fork PRs that change
 * only flags are trusted plans (the former planned by its own trusted authors'
 * code, the latter re-planned here by the default branch's code); a fork PR that
 * changes code is shown with an "untrusted code" note.
 */
export type PlanTrust = 'same-repository' | 'fork-flags-only' | 'fork-code';

export function planTrust(facts: Pick<PullRequestFacts, 'fork' | 'files'>): PlanTrust {
  if (!facts.fork) return 'same-repository';
  return changesOnlyFlags(facts.files) ? 'fork-flags-only' : 'fork-code';
}
