/**
 * Finding 1 (issue 11): `npm run doctor -- --env <env>` checks the GitHub
 * environment settings that go with the access stack, through the GitHub API (a
 * local HTTP stand-in serving the environments endpoints).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode } from '../../lib/errors';
import { main } from '../../scripts/doctor';

let server: http.Server;
let url: string;
let environments: Record<string, unknown>;
let branchPolicies: Record<string, string[]>;
let paths: string[];

beforeEach(async () => {
  paths = [];
  environments = {};
  branchPolicies = {};
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    paths.push(u.pathname);
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    const m = u.pathname.match(/^\/repos\/acme\/fleetflags\/environments\/([^/]+)(\/deployment-branch-policies)?$/);
    if (!m || !(m[1] in environments)) return send(404, { message: 'Not Found' });
    if (m[2]) return send(200, { total_count: branchPolicies[m[1]].length, branch_policies: branchPolicies[m[1]].map((name, i) => ({ id: i, name, type: 'branch' })) });
    return send(200, environments[m[1]]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const run = async (environment: string, env: NodeJS.ProcessEnv = { GITHUB_TOKEN: 't', GITHUB_API_URL: url }) => {
  const lines: string[] = [];
  const code = await main(['--env', environment], { env, print: (l) => lines.push(l) });
  return { code, lines };
};
const protectedProduction = (rules: unknown[]) => ({
  name: 'production',
  deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  protection_rules: rules,
});

describe('npm run doctor', () => {
  it('passes production with main-only deploys, reviewers and no self-review', async () => {
    // GIVEN the environment as docs/security.md says
    environments.production = protectedProduction([{ id: 1, type: 'required_reviewers', prevent_self_review: true, reviewers: [{ type: 'Team' }] }]);
    branchPolicies.production = ['main'];
    // WHEN
    const { code, lines } = await run('production');
    // THEN every setting is ok
    expect(code).toBe(0);
    expect(lines.slice(1).map((l) => l.split(':')[0].trim())).toEqual(['ok          environment exists', 'ok          deployment branches', 'ok          required reviewers', 'ok          no self-review']);
    expect(lines[0]).toContain('subject repo:acme/fleetflags:environment:production');
  });

  it('reports a missing environment (a job naming it would create it unprotected)', async () => {
    const { code, lines } = await run('dogfood');
    expect(code).toBe(ExitCode.Failure);
    expect(lines[1]).toMatch(/^missing\s+environment exists: acme\/fleetflags has no environment "dogfood"/);
  });

  it('reports deploys from any protected branch, no reviewers and self-review', async () => {
    environments.production = { name: 'production', deployment_branch_policy: { protected_branches: true, custom_branch_policies: false }, protection_rules: [] };
    const { code, lines } = await run('production');
    expect(code).toBe(ExitCode.Failure);
    expect(lines.filter((l) => l.startsWith('missing'))).toEqual([
      expect.stringMatching(/deployment branches: main only: every protected branch may deploy/),
      expect.stringMatching(/required reviewers: flags say access.requireApproval, but nobody must approve/),
      expect.stringMatching(/no self-review: whoever triggers a deploy may approve it themselves/),
    ]);
  });

  it('reports a branch policy wider than main', async () => {
    environments.dogfood = { name: 'dogfood', deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }, protection_rules: [] };
    branchPolicies.dogfood = ['main', 'release/*'];
    const { code, lines } = await run('dogfood');
    expect(code).toBe(ExitCode.Failure);
    expect(lines).toContainEqual(expect.stringMatching(/^missing\s+deployment branches: main only: the allowed branches are "main", "release\/\*"/));
  });

  it('without a token says what it could not check, and asks nothing', async () => {
    const { code, lines } = await run('production', {});
    expect(code).toBe(0);
    expect(lines.slice(1).every((l) => l.startsWith('not checked'))).toBe(true);
    expect(paths).toEqual([]);
  });

  it('has nothing to check for the sandbox', async () => {
    expect((await run('sandbox')).lines).toEqual(['sandbox: not an AWS environment (the sandbox, offline or emulated): no AWS access and no GitHub environment to check']);
  });
});
