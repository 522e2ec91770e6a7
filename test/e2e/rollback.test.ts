/**
 * Rollback end to end in a temporary git repository (a copy of the project with a
 * bare `origin`, and a local stand-in for GitHub's pulls API): change a flag,
 * commit, then `npm run rollback` reverts it on a branch, pushes it and opens a PR
 * with the speculative plan of the revert. From the JSON plans: the revert's plan is
 * the exact inverse of the change's (same addresses, before/after swapped).
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthWorkTree } from '../../lib/deploy/rollback';
import { speculativePlan } from '../../lib/plan/speculative';
import { changedLeaves, changesOf, expectInverse } from './inverse';
import { testBaselineCache } from '../helpers/baseline-cache';
import { makeTempRepo, type TempRepo } from './temp-repo';

const LIFECYCLE = 'aws_s3_bucket_lifecycle_configuration.AccessLogs_Lifecycle_D71DE234';

describe('npm run rollback, end to end', () => {
  let repo: TempRepo;
  let server: http.Server;
  let apiUrl: string;
  const pulls: { method: string; url: string; body: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  beforeAll(async () => {
    repo = makeTempRepo({ withOrigin: true });
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (req.method === 'GET' && req.url?.startsWith('/repos/acme/fleetflags/deployments')) {
        // The deploy history: nothing deployed yet.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[]');
        return;
      }
      pulls.push({ method: req.method ?? '', url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ number: 101, html_url: 'https://github.test/acme/fleetflags/pull/101' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  const afterAllCleanup: string[] = [];
  afterAll(async () => {
    repo?.remove();
    afterAllCleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('with no git identity anywhere, the rollback stops before it changes anything and says how to set one', async () => {
    // GIVEN a clone with no user.name / user.email, no global or system git config, and no GIT_* identity variables
    const head = repo.git('rev-parse', 'HEAD');
    repo.git('config', '--unset', 'user.name');
    repo.git('config', '--unset', 'user.email');
    repo.git('config', 'user.useConfigOnly', 'true');
    const noIdentity = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined, EMAIL: undefined };
    try {
      // WHEN
      const r = await repo.run('scripts/rollback.ts', ['--env', 'sandbox'], noIdentity);

      // THEN exit 2, one message with git's words and the fix
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/git has no identity to commit the revert with in .*; git says: fatal: .*fix: `git config user\.name "Your Name"`/);
      // AND nothing changed: same commit, same branch, nothing staged, no rollback branch
      expect(repo.git('rev-parse', 'HEAD')).toBe(head);
      expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
      expect(repo.git('status', '--porcelain')).toBe('');
      expect(repo.git('branch', '--list', 'rollback/*')).toBe('');
    } finally {
      repo.git('config', '--unset', 'user.useConfigOnly');
      repo.git('config', 'user.name', 'Ada Operator');
      repo.git('config', 'user.email', 'ada@example.com');
    }
  });

  test('the revert of a flag change is its exact inverse, and is proposed as a PR', async () => {
    // GIVEN a flag change committed on main, and its speculative plan
    const work = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-e2e-plan-'));
    afterAllCleanup.push(work);
    const before = await synthWorkTree(repo.dir, path.join(work, 'before'));
    repo.editFlags('sandbox', (f) => (f.accessLogs.expirationDays = 30));
    const change = repo.commitAll('sandbox: keep access logs 30 days');
    const after = await synthWorkTree(repo.dir, path.join(work, 'after'));
    const changePlan = await speculativePlan({
      base: before.get('sandbox-data'),
      head: after.get('sandbox-data')!,
      workdir: path.join(work, 'plan'),
      cacheDir: testBaselineCache(),
    });
    expect([...changesOf(changePlan as never).keys()]).toEqual([LIFECYCLE]);
    expect(changedLeaves(changesOf(changePlan as never).get(LIFECYCLE)!)).toEqual({ '$.rule[0].expiration[0].days': [14, 30] });

    // WHEN on-call rolls back (GitHub Deployments has no deploy of the sandbox: the last change in the git log)
    const r = await repo.run('scripts/rollback.ts', ['--env', 'sandbox'], {
      GITHUB_TOKEN: 'ghs_test',
      GITHUB_REPOSITORY: 'acme/fleetflags',
      GITHUB_API_URL: apiUrl,
    });

    // THEN the change is reverted on its own branch, pushed, and proposed as a PR
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const branch = `rollback/sandbox-${change.slice(0, 7)}`;
    const result = repo.readJson('out/rollback/sandbox.json');
    expect(result).toMatchObject({
      reverted: { commit: change, subject: 'sandbox: keep access logs 30 days', source: 'HEAD' },
      branch,
      baseBranch: 'main',
      mode: 'pr',
      pushed: true,
      pullRequest: { number: 101, url: 'https://github.test/acme/fleetflags/pull/101' },
      flagsChanged: ['flags/sandbox.json $.accessLogs.expirationDays: 30 → 14'],
    });
    expect(execFileSync('git', ['--git-dir', repo.origin!, 'rev-parse', branch], { encoding: 'utf8' }).trim()).toBe(result.revertCommit);
    expect(execFileSync('git', ['--git-dir', repo.origin!, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).not.toBe(result.revertCommit);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ method: 'POST', url: '/repos/acme/fleetflags/pulls', body: { head: branch, base: 'main' } });
    expect(pulls[0].body.body).toContain('`$.accessLogs.expirationDays` | `30` | `14`');
    expect(pulls[0].body.body).toContain('rule[0].expiration[0].days: 30 → 14');

    // AND, from the JSON plans, the revert is the exact inverse of the change
    expectInverse(changePlan as never, repo.readJson('out/rollback/sandbox/sandbox-data.plan.json'));
    expect(result.plans.find((p: { stack: string }) => p.stack === 'sandbox-fleet')).toMatchObject({ unchanged: true });
  });
});
