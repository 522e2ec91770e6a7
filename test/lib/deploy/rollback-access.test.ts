/**
 * Findings 5 and 6 (issue 11): what a rollback may revert, when it may skip review,
 * and that the revert really deploys. Real git repositories with a bare origin; the
 * GitHub API is a local HTTP stand-in that records every request.
 *
 * @integration: about 90 real git processes in temporary repositories; left out of `npm run test:quick`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runRollback } from '../../../lib/deploy/rollback';
import { ExitCode } from '../../../lib/errors';
import { makeGitRepo, type GitRepo } from '../../helpers/git-repo';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let server: http.Server;
let url: string;
let requests: Recorded[];
/** The production environment's protection rules, as GitHub returns them. */
let protection: unknown[];

beforeEach(async () => {
  requests = [];
  protection = [{ id: 1, type: 'required_reviewers', prevent_self_review: true, reviewers: [{ type: 'Team', reviewer: { slug: 'oncall' } }] }];
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: u.pathname + u.search, body });
    const send = (status: number, data?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    if (u.pathname === '/repos/acme/fleetflags/environments/production') return send(200, { name: 'production', protection_rules: protection });
    if (u.pathname.startsWith('/repos/acme/fleetflags/environments/')) return send(404, { message: 'Not Found' });
    if (req.method === 'POST' && /\/actions\/workflows\/[^/]+\/dispatches$/.test(u.pathname)) return send(204);
    const runs = u.pathname.match(/\/actions\/workflows\/([^/]+)\/runs$/);
    if (runs) return send(200, { total_count: 1, workflow_runs: [{ id: 555, html_url: `https://github.test/acme/fleetflags/actions/runs/555`, created_at: new Date().toISOString() }] });
    if (req.method === 'POST' && u.pathname === '/repos/acme/fleetflags/pulls') return send(201, { number: 77, html_url: 'https://github.test/acme/fleetflags/pull/77' });
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const env = () => ({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: url });
const sameConfig = async () => new Map([['production-data', { resource: {} }]]);

/** main: a production change, then a docs change; a branch with a production change never merged. */
function scenario(): GitRepo & { change: string; docs: string; offMain: string } {
  const r = makeGitRepo();
  r.commit('first', { 'flags/production.json': '{"desired":2}\n' });
  const change = r.commit('production: desired 3', { 'flags/production.json': '{"desired":3}\n' });
  const docs = r.commit('docs only', { 'README.md': 'docs\n' });
  r.git('push', '-q', 'origin', 'main');
  r.git('checkout', '-q', '-b', 'experiment');
  const offMain = r.commit('production: experiment', { 'flags/production.json': '{"desired":9}\n' });
  r.git('checkout', '-q', 'main');
  return Object.assign(r, { change, docs, offMain });
}

describe('rollback --to', () => {
  it('refuses a commit that is not on main', async () => {
    const r = scenario();
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.offMain })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/is not on origin\/main: reverting it would put a change from another branch onto main/),
    });
    // AND nothing was committed
    expect(r.git('rev-parse', 'HEAD')).toBe(r.docs);
    r.remove();
  });

  it('refuses a commit on main that did not change the environment', async () => {
    const r = scenario();
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.docs })).rejects.toThrow(
      /did not change production \(none of flags\/production.json, stacks, lib\)/,
    );
    r.remove();
  });

  it('reverts a commit on main that changed the environment', async () => {
    const r = scenario();
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.change.slice(0, 9) });
    expect(result.reverted).toMatchObject({ commit: r.change, source: 'to' });
    r.remove();
  });
});

describe('rollback --push', () => {
  it('is refused when the GitHub environment has no required reviewers', async () => {
    protection = [];
    const r = scenario();
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, to: r.change, push: true, requireApprovedPush: true })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/--push deploys production without a pull request, so it needs a GitHub environment "production" with required reviewers; it has none/),
    });
    expect(r.git('--git-dir', r.origin, 'rev-parse', 'main')).toBe(r.docs);
    r.remove();
  });

  it('is refused when nothing can check the environment (no token)', async () => {
    const r = scenario();
    await expect(runRollback({ environment: 'production', repoDir: r.dir, env: {}, synth: sameConfig, to: r.change, push: true, requireApprovedPush: true })).rejects.toThrow(
      /cannot be checked/,
    );
    r.remove();
  });

  it('with reviewers, pushes the revert and dispatches the deploy workflow as a rollback, linking the run', async () => {
    // GIVEN an environment with reviewers, running as the workflow's token (which starts no runs by pushing)
    const r = scenario();
    const lines: string[] = [];
    // WHEN
    const result = await runRollback({
      environment: 'production',
      repoDir: r.dir,
      env: env(),
      synth: sameConfig,
      to: r.change,
      push: true,
      requireApprovedPush: true,
      dispatch: true,
      breakGlassReason: 'LaunchDarkly down, INC-7',
      log: (l) => lines.push(l),
    });
    // THEN the revert is on origin/main
    expect(r.git('--git-dir', r.origin, 'rev-parse', 'main')).toBe(result.revertCommit);
    // AND deploy.yml was dispatched on main, as an explicit rollback with the break-glass reason
    const dispatch = requests.find((q) => q.method === 'POST' && q.path.endsWith('/dispatches'));
    expect(dispatch).toEqual({
      method: 'POST',
      path: '/repos/acme/fleetflags/actions/workflows/deploy.yml/dispatches',
      body: { ref: 'main', inputs: { rollback: 'true', 'break-glass-reason': 'LaunchDarkly down, INC-7' } },
    });
    // AND the run is linked
    expect(result.dispatched).toMatchObject({ workflow: 'deploy.yml', url: 'https://github.test/acme/fleetflags/actions/runs/555', runId: 555 });
    expect(lines).toContain('started the deploy of the revert: https://github.test/acme/fleetflags/actions/runs/555');
    r.remove();
  });
});

describe('rollback PR', () => {
  it('dispatches the plan workflow on the rollback branch, for the PR', async () => {
    const r = scenario();
    const result = await runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, to: r.change, dispatch: true });
    expect(result.pullRequest?.number).toBe(77);
    const dispatch = requests.find((q) => q.path.endsWith('/dispatches'));
    expect(dispatch).toEqual({
      method: 'POST',
      path: '/repos/acme/fleetflags/actions/workflows/plan.yml/dispatches',
      body: { ref: result.branch, inputs: { pr: '77' } },
    });
    r.remove();
  });

  it('outside GitHub Actions (a person\'s token starts runs itself) dispatches nothing', async () => {
    const r = scenario();
    await runRollback({ environment: 'production', repoDir: r.dir, env: env(), synth: sameConfig, to: r.change });
    expect(requests.filter((q) => q.path.endsWith('/dispatches'))).toEqual([]);
    r.remove();
  });
});

describe('the push without persisted credentials (finding 8)', () => {
  it('authenticates through git\'s environment only: git sees the header, .git/config and argv hold no token', async () => {
    const { gitRaw, tokenAuthEnv } = await import('../../../lib/deploy/git');
    const r = makeGitRepo();
    const env = tokenAuthEnv('ghs_secret');
    const seen = await gitRaw(['config', '--get', 'http.extraheader'], r.dir, env);
    expect(seen.stdout.trim()).toBe(`AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_secret').toString('base64')}`);
    expect((await gitRaw(['config', '--local', '--list'], r.dir)).stdout).not.toMatch(/extraheader|ghs_secret/);
    expect(tokenAuthEnv(undefined)).toEqual({});
    r.remove();
  });
});
