/**
 * npm run expire-catch-ups [-- --base <branch>]
 *
 * The scheduled job (drift.yml) that turns expired catch-up fleets off: it reads the
 * flags files of the default branch through the GitHub API and keeps one PR that
 * sets `"enabled": false` on every enabled catch-up fleet past its expiry (see
 * lib/deploy/expire-catch-ups.ts). Needs GITHUB_TOKEN (contents: write,
 * pull-requests: write) and GITHUB_REPOSITORY; GITHUB_API_URL when not github.com.
 */
import type { Octokit } from '@octokit/rest';
import { parseCommandLine } from '../lib/cli';
import { openExpireCatchUpsPr } from '../lib/deploy/expire-catch-ups';
import { githubConfigFromEnv } from '../lib/deploy/history';
import { createOctokit } from '../lib/github/sticky-comment';

const USAGE = 'npm run expire-catch-ups [-- --base <branch>]   (GITHUB_TOKEN and GITHUB_REPOSITORY required)';

export interface ExpireCatchUpsMainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
  readonly now?: Date;
  readonly octokit?: Octokit;
}

export async function main(args: readonly string[], options: ExpireCatchUpsMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, help } = parseCommandLine<{ base?: string }>(args, { usage: USAGE, options: { base: { type: 'string' } } });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const gh = githubConfigFromEnv(env);
  const result = await openExpireCatchUpsPr({
    octokit: options.octokit ?? createOctokit({ token: gh.token, baseUrl: gh.apiUrl }),
    owner: gh.owner,
    repo: gh.repo,
    baseBranch: values.base ?? env.GITHUB_REF_NAME ?? 'main',
    now: options.now,
    log: print,
  });
  print(
    result.action === 'none'
      ? 'expire-catch-ups: nothing to do'
      : `expire-catch-ups: ${result.action} PR #${result.pullRequest!.number} for ${result.expired.map((e) => e.environment).join(', ')}`,
  );
  return 0;
}
