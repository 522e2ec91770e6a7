/**
 * Rollback without Terraform: the git side of the rollback (branch, revert of a merge
 * with -m 1, push, PR, refusals; which commit is "the last deployed change" is
 * last-deployed-change.test.ts), in small
 * temporary git repositories. The synthesizer is a stand-in that returns the same
 * configuration before and after, so no plan runs (test/e2e/ runs the real ones).
 *
 * @integration: about 200 real git processes in temporary repositories; left out of `npm run test:quick`.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROLLBACK_MARKER, runRollback } from '../../../lib/deploy/rollback';
import { ExitCode } from '../../../lib/errors';
import { gitRepos } from './git-repo';

const repo = gitRepos();

describe('runRollback (git and GitHub side)', () => {
  let server: http.Server;
  let url: string;
  let pulls: { body: any; path: string }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What GitHub answers a new PR with. */
  let answer: { status: number; body: unknown };
  beforeEach(async () => {
    pulls = [];
    answer = { status: 201, body: { number: 77, html_url: 'https://github.test/acme/fleetflags/pull/77' } };
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      pulls.push({ path: `${req.method} ${req.url}`, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A repo whose last production change was merged as a PR (a merge commit), with a bare origin. */
  function mergedRepo() {
    const r = repo();
    r.commit('.gitignore', 'out/\n', 'the rollback writes its record to out/');
    r.commit('flags/production.json', '{"desired":2}\n', 'first');
    r.git('checkout', '-q', '-b', 'bump');
    r.commit('flags/production.json', '{"desired":3}\n', 'production: desired 3');
    r.git('checkout', '-q', 'main');
    r.git('merge', '-q', '--no-ff', 'bump', '-m', 'Merge pull request #12 from acme/bump');
    const merge = r.git('rev-parse', 'HEAD');
    const origin = path.join(path.dirname(r.dir), 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    r.git('remote', 'add', 'origin', origin);
    r.git('push', '-q', 'origin', 'main');
    return { ...r, merge, origin };
  }
  const sameConfig = async () => new Map([['production-data', { resource: {} }]]);
  const env = () => ({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: url });

  test('reverts the merged PR (-m 1) on rollback/<env>-<sha>, pushes the branch and opens a PR with the plan', async () => {
    // GIVEN
    const r = mergedRepo();

    // WHEN
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig });

    // THEN the whole PR is reverted on its own branch
    const short = r.merge.slice(0, 7);
    expect(result).toMatchObject({ branch: `rollback/production-${short}`, baseBranch: 'main', mode: 'pr', pushed: true, pullRequest: { number: 77 } });
    expect(readFileSync(path.join(r.dir, 'flags/production.json'), 'utf8')).toBe('{"desired":2}\n');
    expect(r.git('log', '-1', '--format=%s')).toBe('Revert "Merge pull request #12 from acme/bump"');
    expect(execFileSync('git', ['--git-dir', r.origin, 'branch', '--list'], { encoding: 'utf8' })).toContain(`rollback/production-${short}`);
    // AND main is untouched
    expect(execFileSync('git', ['--git-dir', r.origin, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(r.merge);
    // AND the PR
    expect(pulls).toHaveLength(1);
    expect(pulls[0].path).toBe('POST /repos/acme/fleetflags/pulls');
    expect(pulls[0].body).toMatchObject({ head: `rollback/production-${short}`, base: 'main', title: `Roll back production: revert ${short} "Merge pull request #12 from acme/bump"` });
    expect(pulls[0].body.body.startsWith(ROLLBACK_MARKER)).toBe(true);
    expect(pulls[0].body.body).toMatch(/Terraform plan \(speculative\)/);
  });

  test('GIVEN GitHub refuses to open the PR WHEN rolling back THEN the error names the answer, the pushed branch and the PR body to open it by hand, and the pushed revert stays', async () => {
    // GIVEN
    const r = mergedRepo();
    answer = { status: 403, body: { message: 'Resource not accessible by integration' } };
    const short = r.merge.slice(0, 7);

    // WHEN
    const failed = runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig });

    // THEN
    await expect(failed).rejects.toThrow(
      `GitHub refused to open the rollback PR (403: Resource not accessible by integration`,
    );
    await expect(failed).rejects.toThrow(`the branch rollback/production-${short} is pushed. fix: open the PR by hand with the body in ${path.join('out', 'rollback', 'production', 'pr.md')}, and check the job has pull-requests: write.`);
    // AND the branch is on the remote, and kept locally with its revert (published: nothing is undone)
    expect(execFileSync('git', ['--git-dir', r.origin, 'branch', '--list'], { encoding: 'utf8' })).toContain(`rollback/production-${short}`);
    expect(r.git('log', '-1', '--format=%s', `rollback/production-${short}`)).toBe('Revert "Merge pull request #12 from acme/bump"');
  });

  test('--push commits the revert on main and pushes it there', async () => {
    const r = mergedRepo();
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, push: true });
    expect(result).toMatchObject({ branch: 'main', mode: 'push', pushed: true });
    expect(result.pullRequest).toBeUndefined();
    expect(pulls).toHaveLength(0);
    expect(execFileSync('git', ['--git-dir', r.origin, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(result.revertCommit);
  });

  test('without GITHUB_TOKEN the revert stays on the local branch and the PR body is written', async () => {
    const r = mergedRepo();
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig });
    expect(result.pushed).toBe(false);
    expect(result.note).toMatch(/GITHUB_TOKEN is not set: the revert is on the local branch rollback\/production-/);
    expect(readFileSync(result.bodyFile, 'utf8')).toContain(ROLLBACK_MARKER);
  });

  test('says that the checkout is now on the rollback branch, and how to go back', async () => {
    // GIVEN a clean main
    const r = mergedRepo();
    const lines: string[] = [];

    // WHEN
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, log: (l) => lines.push(l) });

    // THEN the work tree is left on the rollback branch, and the log says so
    expect(r.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe(result.branch);
    expect(lines).toContain(`reverted in ${result.revertCommit.slice(0, 12)} on ${result.branch} (now checked out here; \`git checkout main\` to go back)`);
  });

  test('an AWS environment with no deploy recorded is refused, not guessed from HEAD', async () => {
    // GIVEN production with no GitHub history and no local deploy record
    const r = mergedRepo();
    // WHEN / THEN the rollback refuses before committing anything
    await expect(
      runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, requireDeployRecord: true }),
    ).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: expect.stringMatching(/Cannot tell which change is deployed in production.*--to <sha>/s) });
    expect(r.git('rev-parse', 'HEAD')).toBe(r.merge);
    // AND naming the commit works
    await expect(
      runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, requireDeployRecord: true, to: r.merge }),
    ).resolves.toMatchObject({ mode: 'pr' });
  });

  test('--push off main is refused: the revert would not deploy', async () => {
    const r = mergedRepo();
    r.git('checkout', '-q', '-b', 'feature');
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, push: true })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/--push .* you are on "feature", not "main"/),
    });
    expect(r.git('rev-parse', 'HEAD')).toBe(r.merge);
  });

  test('GITHUB_TOKEN without GITHUB_REPOSITORY is refused before anything is committed or pushed', async () => {
    // GIVEN a token but no repository to open the PR in
    const r = mergedRepo();

    // WHEN / THEN
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: { GITHUB_TOKEN: 't', GITHUB_API_URL: url }, synth: sameConfig })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/^GITHUB_REPOSITORY is not set/),
    });
    // AND nothing changed: still on main, no revert, no branch here or on origin, no PR
    expect(r.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(r.git('rev-parse', 'HEAD')).toBe(r.merge);
    expect(r.git('branch', '--list', 'rollback/*')).toBe('');
    expect(execFileSync('git', ['--git-dir', r.origin, 'branch', '--list', 'rollback/*'], { encoding: 'utf8' })).toBe('');
    expect(pulls).toHaveLength(0);
  });

  test('refuses a dirty work tree, an existing rollback branch, and an unknown --to', async () => {
    const r = mergedRepo();
    writeFileSync(path.join(r.dir, 'flags/production.json'), '{"dirty":true}');
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/uncommitted changes \(flags\/production.json\)/),
    });
    r.git('checkout', '--', 'flags/production.json');
    r.git('branch', `rollback/production-${r.merge.slice(0, 7)}`);
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig })).rejects.toThrow(/already exists/);
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: 'nope' })).rejects.toThrow(/--to "nope" is not a commit/);
  });

  test('a revert that conflicts commits nothing and leaves no branch behind', async () => {
    // GIVEN the flag changed again after the commit to revert
    const r = repo();
    r.commit('flags/production.json', '{"desired":2}\n', 'first');
    const target = r.commit('flags/production.json', '{"desired":3}\n', 'desired 3');
    r.commit('flags/production.json', '{"desired":4}\n', 'desired 4');
    const head = r.git('rev-parse', 'HEAD');

    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: target })).rejects.toThrow(
      /does not apply cleanly \(later commits changed the same lines in flags\/production.json\); git says:\n[\s\S]*CONFLICT[\s\S]*Nothing was committed/,
    );
    expect(r.git('rev-parse', 'HEAD')).toBe(head);
    expect(r.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(r.git('branch', '--list', 'rollback/*')).toBe('');
    expect(r.git('status', '--porcelain')).toBe('');
  });

  /** The checkout is exactly as it was: same commit, same branch, nothing staged or changed, no rollback branch, no revert in progress. */
  function expectUntouched(r: ReturnType<typeof mergedRepo>, branch = 'main') {
    expect(r.git('rev-parse', 'HEAD')).toBe(r.merge);
    expect(r.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe(branch);
    expect(r.git('status', '--porcelain')).toBe('');
    expect(r.git('branch', '--list', 'rollback/*')).toBe('');
    expect(existsSync(path.join(r.dir, '.git', 'REVERT_HEAD'))).toBe(false);
  }

  describe('without a git identity', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      // No global or system config, no identity variables: only the repository's own config counts.
      process.env.GIT_CONFIG_GLOBAL = '/dev/null';
      process.env.GIT_CONFIG_NOSYSTEM = '1';
      for (const v of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) delete process.env[v];
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    test('the rollback is refused up front, says how to set the identity, and changes nothing', async () => {
      // GIVEN a repository with no user.name / user.email, where git must not guess one
      const r = mergedRepo();
      r.git('config', '--unset', 'user.name');
      r.git('config', '--unset', 'user.email');
      r.git('config', 'user.useConfigOnly', 'true');

      // WHEN
      const run = runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.merge });

      // THEN one error naming the problem, git's own words, what is allowed and the fix
      await expect(run).rejects.toMatchObject({
        exitCode: ExitCode.Usage,
        message: expect.stringMatching(
          /^git has no identity to commit the revert with in .*; git says: fatal: .*email.*; allowed: user\.name and user\.email.*fix: `git config user\.name "Your Name"`/s,
        ),
      });
      // AND nothing changed
      expectUntouched(r);
    });

    test('the identity from the environment variables is enough', async () => {
      // GIVEN no identity in any config, but GIT_AUTHOR_* / GIT_COMMITTER_* set (as CI jobs do)
      const r = mergedRepo();
      r.git('config', '--unset', 'user.name');
      r.git('config', '--unset', 'user.email');
      r.git('config', 'user.useConfigOnly', 'true');
      Object.assign(process.env, { GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' });

      // WHEN
      const result = await runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.merge });

      // THEN the revert is committed by that identity
      expect(r.git('log', '-1', '--format=%an <%ae>', result.revertCommit)).toBe('CI <ci@example.com>');
    });
  });

  test('a git failure reports git\'s own message and leaves the checkout exactly as it was', async () => {
    // GIVEN another git process holds the index lock when the rollback starts committing
    const r = mergedRepo();
    const lock = path.join(r.dir, '.git', 'index.lock');
    const lockingSynth = async () => {
      writeFileSync(lock, '');
      return sameConfig();
    };

    // WHEN
    const run = runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: lockingSynth });

    // THEN git's real words, not a guess about conflicts
    await expect(run).rejects.toMatchObject({
      exitCode: ExitCode.Failure,
      message: expect.stringMatching(/^git: git (checkout -b|revert) .* failed; git says:\n[\s\S]*index\.lock[\s\S]*Nothing was committed; the work tree, the index and the branches are as they were/),
    });
    expect((await run.catch((e: Error) => e.message)) as string).not.toMatch(/does not apply cleanly/);
    // AND once the other process is done, nothing is left over
    unlinkSync(lock);
    expectUntouched(r);
  });

  test('a failure after the revert (the plan of the revert) undoes the revert and its branch', async () => {
    // GIVEN a synthesizer that fails on the reverted configuration
    const r = mergedRepo();
    let calls = 0;
    const failingSecond = async () => {
      calls += 1;
      if (calls === 2) throw new Error('synth of the revert failed');
      return sameConfig();
    };

    // WHEN / THEN
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: failingSecond })).rejects.toThrow('synth of the revert failed');
    expect(calls).toBe(2);
    expectUntouched(r);
  });

  test('--push: a push that fails takes the revert back off main', async () => {
    // GIVEN an origin that cannot be reached
    const r = mergedRepo();
    r.git('remote', 'set-url', 'origin', path.join(path.dirname(r.dir), 'no-such-origin.git'));

    // WHEN / THEN git's message, and main is where it was
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, push: true })).rejects.toThrow(
      /git push origin HEAD:refs\/heads\/main failed; git says:\n[\s\S]*no-such-origin/,
    );
    expectUntouched(r);
  });
});
