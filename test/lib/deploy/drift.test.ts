/**
 * Drift: the report (drift apart from undeployed changes) from JSON plans
 * Terraform produced here, and the one-issue upsert against a local stand-in for
 * GitHub's issues API (paginated with Link headers, like the real one).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDriftReport, DRIFT_MARKER, driftTitle, renderDriftIssue, upsertDriftIssue, type DriftReport } from '../../../lib/deploy/drift';
import { parseTerraformPlan, readPlanFile, type TerraformPlan } from '../../../lib/plan/plan-json';
import { createOctokit } from '../../../lib/github/sticky-comment';
import { main as driftMain } from '../../../scripts/drift';
import { ExitCode } from '../../../lib/errors';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const NOW = new Date('2026-11-25T06:17:00Z');

/** A real plan with changes (an update of the access-log lifecycle) and, added to it, a drift a console edit would cause. */
function driftedPlan(): TerraformPlan {
  const plan = JSON.parse(readFileSync(path.join(FIXTURES, 'update', 'sandbox-data.plan.json'), 'utf8'));
  const table = plan.resource_changes.find((rc: { type: string }) => rc.type === 'aws_dynamodb_table');
  // Someone turned point-in-time recovery off and tagged the table in the console.
  const before = table.change.before;
  const after = {
    ...before,
    point_in_time_recovery: [{ ...before.point_in_time_recovery[0], enabled: false }],
    tags: { owner: 'console-user' },
    tags_all: { ...before.tags_all, owner: 'console-user' },
  };
  plan.resource_drift = [{ ...table, change: { ...table.change, actions: ['update'], before, after } }];
  // and the plan puts it back, as Terraform does after that refresh
  table.change = { ...table.change, actions: ['update'], before: after, after: before };
  return parseTerraformPlan(plan, 'drifted');
}

/** Each drifted resource also planned back (what makes a refresh difference drift). */
function withPlannedBack(plan: TerraformPlan): TerraformPlan {
  const changes = plan.resource_changes ?? [];
  for (const d of plan.resource_drift ?? []) {
    if (!changes.some((c) => c.address === d.address)) changes.push({ ...d, change: { ...d.change, actions: ['update'], before: d.change.after, after: d.change.before } });
  }
  return { ...plan, resource_changes: changes };
}

function cleanPlan(): TerraformPlan {
  return parseTerraformPlan(JSON.parse(readFileSync(path.join(FIXTURES, 'no-changes', 'sandbox-data.plan.json'), 'utf8')), 'clean');
}

describe('buildDriftReport', () => {
  test('separates changes made outside Terraform from changes not yet deployed', () => {
    // WHEN
    const report = buildDriftReport([{ stack: 'production-data', plan: driftedPlan() }, { stack: 'production-fleet', plan: cleanPlan() }], NOW);

    // THEN
    expect(report).toMatchObject({ driftCount: 1, pendingCount: 2, clean: false, generatedAt: '2026-11-25T06:17:00.000Z' });
    const data = report.stacks.find((s) => s.stack === 'production-data')!;
    expect(data.drift).toEqual([
      {
        address: 'aws_dynamodb_table.LockTable_B9DACF42',
        type: 'aws_dynamodb_table',
        actions: ['update'],
        // The tag shows once (tags, not again under tags_all).
        attributes: [
          { path: 'point_in_time_recovery[0].enabled', before: 'true', after: 'false' },
          { path: 'tags', before: 'null', after: '{"owner":"console-user"}' },
          { path: 'tags_all.owner', before: '(none)', after: '"console-user"' },
        ],
        moreAttributes: 0,
      },
    ]);
    expect(data.pending.map((p) => `${p.kind} ${p.address}`)).toEqual([
      'update aws_s3_bucket_lifecycle_configuration.AccessLogs_Lifecycle_D71DE234',
      'update aws_s3_bucket_lifecycle_configuration.Artifacts_Lifecycle_D508A738',
    ]);
    expect(report.stacks.find((s) => s.stack === 'production-fleet')).toMatchObject({ drift: [], pending: [] });
  });

  test('GIVEN refresh differences the plan does not act on (null read back as {}, rules another resource set) THEN no drift: clean', () => {
    // GIVEN a plan with no changes whose refresh differs the way a fresh apply does
    const plan = cleanPlan();
    const table = plan.resource_changes!.find((rc) => rc.type === 'aws_dynamodb_table')!;
    const before = table.change.before as Record<string, unknown>;
    plan.resource_drift = [
      { ...table, change: { ...table.change, actions: ['update'], before: { ...before, tags: null }, after: { ...before, tags: {} } } },
      { ...table, address: 'aws_security_group.Fleet', type: 'aws_security_group', change: { ...table.change, actions: ['update'], before: { ingress: [] }, after: { ingress: [{ from_port: 80 }] } } },
    ];
    // WHEN reported
    const report = buildDriftReport([{ stack: 'sandbox-data', plan }], NOW);
    // THEN nothing: Terraform would change nothing
    expect(report).toMatchObject({ driftCount: 0, pendingCount: 0, clean: true });
  });

  test('GIVEN a merged change to a resource whose refresh differs only by null read back as {} THEN it is pending, not drift', () => {
    // GIVEN the table updated by a merged change, and a noise-only refresh difference on it
    const plan = driftedPlan();
    const d = plan.resource_drift![0];
    const before = d.change.before as Record<string, unknown>;
    d.change = { ...d.change, before: { ...before, tags: null }, after: { ...before, tags: {} } };
    // WHEN reported
    const data = buildDriftReport([{ stack: 'production-data', plan }], NOW).stacks[0];
    // THEN nothing drifted, and the table's update is listed as not yet deployed
    expect(data.drift).toEqual([]);
    expect(data.pending.map((p) => p.address)).toContain(d.address);
  });

  test('GIVEN a resource deleted outside Terraform THEN it is drift, even before the plan is read', () => {
    const plan = cleanPlan();
    const table = plan.resource_changes!.find((rc) => rc.type === 'aws_dynamodb_table')!;
    plan.resource_drift = [{ ...table, change: { ...table.change, actions: ['delete'], after: null } }];
    const report = buildDriftReport([{ stack: 'sandbox-data', plan }], NOW);
    expect(report.stacks[0].drift).toEqual([expect.objectContaining({ address: table.address, actions: ['delete'], attributes: [] })]);
  });

  test('GIVEN drift the plan undoes WHEN listed THEN empty-for-empty differences (null -> {}) are left out of its attributes', () => {
    const plan = driftedPlan();
    const d = plan.resource_drift![0];
    d.change = { ...d.change, before: { ...(d.change.before as object), replica: null }, after: { ...(d.change.after as object), replica: [] } };
    const report = buildDriftReport([{ stack: 'production-data', plan }], NOW);
    expect(report.stacks[0].drift[0].attributes.map((a) => a.path)).toEqual(['point_in_time_recovery[0].enabled', 'tags', 'tags_all.owner']);
  });

  test('a plan with no changes and no drift is clean', () => {
    const report = buildDriftReport([{ stack: 'production-data', plan: cleanPlan() }], NOW);
    expect(report.clean).toBe(true);
    expect(driftTitle(report)).toBe('Drift: none, every stack matches main');
  });

  test('GIVEN the real Terraform plan of a moved block alone WHEN checked THEN the move is not yet deployed (a deploy applies it), named with where it moves from', () => {
    // GIVEN a plan Terraform made (test/fixtures/plans): no resource action but no-op
    const moved = readPlanFile(path.join(FIXTURES, 'moved', 'sandbox-data.plan.json'));

    // WHEN
    const report = buildDriftReport([{ stack: 'production-data', plan: moved }], NOW);

    // THEN
    expect(report).toMatchObject({ clean: false, driftCount: 0, pendingCount: 1 });
    const [data] = report.stacks;
    expect(data.pending).toEqual([expect.objectContaining({ kind: 'move', address: expect.stringMatching(/^aws_dynamodb_table\./), previousAddress: expect.stringMatching(/^aws_dynamodb_table\./) })]);
    expect(renderDriftIssue(report)).toContain(`- move \`${data.pending[0].address}\` (from \`${data.pending[0].previousAddress}\`)`);
  });

  test('GIVEN an instance that moves, whose refresh differs in an attribute the plan ignores (ignore_changes) WHEN checked THEN it is no drift: only its move is pending', () => {
    // GIVEN the Auto Scaling group renamed with a moved block; its desired capacity scaled 2 → 5 outside Terraform, which the plan ignores
    const asg = (desired: number) => ({ name: 'ff-production-ingest', desired_capacity: desired });
    const plan = parseTerraformPlan({
      format_version: '1.2',
      resource_drift: [{ address: 'aws_autoscaling_group.Ingest', type: 'aws_autoscaling_group', change: { actions: ['update'], before: asg(2), after: asg(5) } }],
      resource_changes: [
        { address: 'aws_autoscaling_group.Ingest', previous_address: 'aws_autoscaling_group.Main', type: 'aws_autoscaling_group', change: { actions: ['no-op'], before: asg(5), after: asg(5) } },
      ],
    });

    // WHEN
    const report = buildDriftReport([{ stack: 'production-fleet', plan }], NOW);

    // THEN
    expect(report).toMatchObject({ driftCount: 0, pendingCount: 1 });
    expect(report.stacks[0].pending).toEqual([{ address: 'aws_autoscaling_group.Ingest', kind: 'move', actions: ['no-op'], previousAddress: 'aws_autoscaling_group.Main' }]);
  });

  test('GIVEN a load balancer deleted outside Terraform, planned back, and the output of its DNS name changing with it WHEN checked THEN the load balancer is drift and the output is not listed as not yet deployed', () => {
    // GIVEN
    const plan = parseTerraformPlan({
      format_version: '1.2',
      resource_drift: [{ address: 'aws_lb.Main', type: 'aws_lb', change: { actions: ['delete'], before: { name: 'ff-production' }, after: null } }],
      resource_changes: [{ address: 'aws_lb.Main', type: 'aws_lb', change: { actions: ['create'], before: null, after: { name: 'ff-production' } } }],
      output_changes: { load_balancer_dns_name: { actions: ['update'], before: 'old.elb.example', after: null, after_unknown: true } },
    });

    // WHEN
    const report = buildDriftReport([{ stack: 'production-fleet', plan }], NOW);

    // THEN
    expect(report).toMatchObject({ driftCount: 1, pendingCount: 0 });
    expect(report.stacks[0].drift.map((d) => d.address)).toEqual(['aws_lb.Main']);
    expect(renderDriftIssue(report)).not.toContain('load_balancer_dns_name');
  });

  test('the issue body has the marker, both sections, and what to do; sensitive values are masked', () => {
    const plan = driftedPlan();
    (plan.resource_drift![0].change as { after_sensitive: unknown }).after_sensitive = { point_in_time_recovery: true };
    const body = renderDriftIssue(buildDriftReport([{ stack: 'production-data', plan }], NOW), { runUrl: 'https://ci/run/9' });

    expect(body.startsWith(`${DRIFT_MARKER}\n# Drift: 1 resource changed outside Terraform, 2 changes not yet deployed`)).toBe(true);
    expect(body).toContain('### Changed outside Terraform (1)');
    expect(body).toContain('- `point_in_time_recovery[0].enabled`: `(sensitive)` → `(sensitive)`');
    expect(body).toContain('### Not yet deployed (2)');
    expect(body).toContain('## What to do');
    expect(body).toContain('[run](https://ci/run/9)');
  });

  test('a huge report stays under GitHub\'s limit and says it was cut', () => {
    const plan = driftedPlan();
    const one = plan.resource_drift![0];
    plan.resource_drift = Array.from({ length: 2000 }, (_, i) => ({ ...one, address: `aws_dynamodb_table.T${i}` }));
    const body = renderDriftIssue(buildDriftReport([{ stack: 'production-data', plan: withPlannedBack(plan) }], NOW));
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/cut to fit GitHub's limit/);
  });
});

describe('upsertDriftIssue', () => {
  let gh: FakeIssues;
  beforeEach(async () => {
    gh = await startFakeIssues();
  });
  afterEach(() => gh.close());
  const upsert = (report: DriftReport) =>
    upsertDriftIssue({ octokit: createOctokit({ token: 't', baseUrl: gh.url }), owner: 'acme', repo: 'fleetflags', report, body: renderDriftIssue(report) });
  const drifted = () => buildDriftReport([{ stack: 'production-data', plan: driftedPlan() }], NOW);
  const clean = () => buildDriftReport([{ stack: 'production-data', plan: cleanPlan() }], NOW);

  test('creates the issue when drift is found and there is none', async () => {
    gh.seed(5, 0);
    const result = await upsert(drifted());
    expect(result).toMatchObject({ action: 'created', number: 6 });
    expect(gh.issues.get(6)).toMatchObject({ state: 'open', title: 'Drift: 1 resource changed outside Terraform, 2 changes not yet deployed' });
    expect(gh.issues.get(6)!.body).toContain(DRIFT_MARKER);
  });

  test('finds the issue on a later page (every page is read) and updates it instead of opening another', async () => {
    // GIVEN 250 issues and pull requests; the drift issue is number 3 (page 3 of 100 newest-first)
    gh.seed(250, 3);
    const result = await upsert(drifted());
    expect(result).toMatchObject({ action: 'updated', number: 3, issuesScanned: 250 });
    expect(gh.created).toBe(0);
    expect(gh.issues.get(3)).toMatchObject({ state: 'open', title: expect.stringMatching(/^Drift: 1 resource/) });
    expect(gh.requests.filter((r) => r.startsWith('GET /repos/acme/fleetflags/issues'))).toHaveLength(3);
  });

  test('reopens a closed drift issue when drift comes back', async () => {
    gh.seed(10, 4, 'closed');
    const result = await upsert(drifted());
    expect(result).toMatchObject({ action: 'reopened', number: 4 });
    expect(gh.issues.get(4)!.state).toBe('open');
  });

  test('closes the open issue with a comment when a check finds no drift', async () => {
    gh.seed(10, 4);
    const result = await upsert(clean());
    expect(result).toMatchObject({ action: 'closed', number: 4 });
    expect(gh.issues.get(4)).toMatchObject({ state: 'closed', state_reason: 'completed', title: 'Drift: none, every stack matches main' });
    expect(gh.comments.get(4)).toEqual([expect.stringMatching(/^<!-- fleetflags:drift -->\nNo drift as of 2026-11-25T06:17:00.000Z/)]);
  });

  test('does nothing when there is no drift and no open issue', async () => {
    gh.seed(10, 4, 'closed');
    expect(await upsert(clean())).toMatchObject({ action: 'none' });
    gh.seed(10, 0);
    expect(await upsert(clean())).toMatchObject({ action: 'none', number: undefined });
    expect(gh.requests.some((r) => !r.startsWith('GET'))).toBe(false);
  });

  test('a pull request quoting the marker is not taken for the issue', async () => {
    gh.seed(10, 0);
    gh.issues.set(7, { number: 7, state: 'open', title: 'docs', body: `see ${DRIFT_MARKER}`, pull_request: { url: 'x' } });
    expect(await upsert(drifted())).toMatchObject({ action: 'created' });
  });

  test('a refused request says which permission the job needs', async () => {
    gh.failWith = 403;
    await expect(upsert(drifted())).rejects.toThrow(/list the issues \(the job needs `permissions: issues: write`\) failed \(403\)/);
  });
});

describe('npm run drift -- --plan', () => {
  let gh: FakeIssues;
  beforeEach(async () => {
    gh = await startFakeIssues();
  });
  afterEach(() => gh.close());

  test('reports from JSON plans, writes the report files and upserts the issue; --exit-code exits 20 (not the usage error 2) on drift', async () => {
    // GIVEN a JSON plan with drift on disk
    const dir = tempDir('fleetflags-drift-');
    writeFileSync(path.join(dir, 'production-data.plan.json'), JSON.stringify(driftedPlan()));
    const lines: string[] = [];

    // WHEN
    const code = await driftMain(['--', '--plan', path.join(dir, 'production-data.plan.json'), '--exit-code'], {
      env: { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url },
      repoDir: dir,
      print: (l) => lines.push(l),
      now: NOW,
    });

    // THEN
    expect(code).toBe(ExitCode.DriftFound);
    expect(code).toBe(20);
    expect(lines).toContain('production-data: 1 changed outside Terraform, 2 not yet deployed');
    expect(lines).toContain(`drift issue: created #1 ${gh.url.replace(/\/$/, '')}/issues/1`);
    expect(JSON.parse(readFileSync(path.join(dir, 'out', 'drift', 'report.json'), 'utf8'))).toMatchObject({ driftCount: 1, pendingCount: 2 });
    expect(readFileSync(path.join(dir, 'out', 'drift', 'report.md'), 'utf8')).toContain(DRIFT_MARKER);
  });

  test('without GITHUB_TOKEN it only reports, and says the issue was not updated', async () => {
    const dir = tempDir('fleetflags-drift-');
    writeFileSync(path.join(dir, 'p.json'), JSON.stringify(cleanPlan()));
    const lines: string[] = [];
    const code = await driftMain(['--plan', `production-data=${path.join(dir, 'p.json')}`], { env: {}, repoDir: dir, print: (l) => lines.push(l), now: NOW });
    expect(code).toBe(0);
    expect(lines).toContain('no drift: every stack matches main');
    expect(lines.some((l) => /GITHUB_TOKEN\/GITHUB_REPOSITORY not set: the drift issue is not updated/.test(l))).toBe(true);
  });

  test('GIVEN --exit-code WHEN nothing drifted THEN 0; WHEN only undeployed changes THEN the drift code; WHEN the command line is wrong THEN the usage error (2)', async () => {
    const dir = tempDir('fleetflags-drift-');
    const options = { env: {}, repoDir: dir, print: () => undefined, now: NOW };
    // GIVEN a clean plan, and one with two undeployed updates and no drift (a merge not yet deployed)
    writeFileSync(path.join(dir, 'clean.json'), JSON.stringify(cleanPlan()));
    const pending = parseTerraformPlan(JSON.parse(readFileSync(path.join(FIXTURES, 'update', 'sandbox-data.plan.json'), 'utf8')), 'pending');
    expect(buildDriftReport([{ stack: 'sandbox-data', plan: pending }], NOW)).toMatchObject({ driftCount: 0, pendingCount: 2 });
    writeFileSync(path.join(dir, 'pending.json'), JSON.stringify(pending));
    // WHEN / THEN
    expect(await driftMain(['--plan', `production-data=${path.join(dir, 'clean.json')}`, '--exit-code'], options)).toBe(0);
    expect(await driftMain(['--plan', `sandbox-data=${path.join(dir, 'pending.json')}`, '--exit-code'], options)).toBe(20);
    await expect(driftMain(['--exit-code', '--bogus'], options)).rejects.toMatchObject({ exitCode: ExitCode.Usage });
  });

  test('GIVEN each environment planned with its own role (--plans-only) WHEN --from-plans reads them THEN one report and one issue cover every stack (drift.yml)', async () => {
    // GIVEN dogfood and production planned one after the other, each writing only its plans
    const dir = tempDir('fleetflags-drift-');
    const planner = (stack: string, plan: unknown) => async () => {
      writeFileSync(path.join(dir, 'out', 'drift', `${stack}.plan.json`), JSON.stringify(plan));
      return [{ stack, plan: readPlanFile(path.join(dir, 'out', 'drift', `${stack}.plan.json`)) }];
    };
    const lines: string[] = [];
    const env = { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url };
    expect(await driftMain(['--env', 'dogfood', '--plans-only'], { env, repoDir: dir, print: (l) => lines.push(l), planner: planner('dogfood-data', cleanPlan()) })).toBe(0);
    expect(await driftMain(['--env', 'production', '--plans-only'], { env, repoDir: dir, print: (l) => lines.push(l), planner: planner('production-data', driftedPlan()) })).toBe(0);
    // no report and no issue yet
    expect(existsSync(path.join(dir, 'out', 'drift', 'report.json'))).toBe(false);
    expect(lines.some((l) => l.startsWith('drift issue'))).toBe(false);

    // WHEN the report step reads the directory
    const code = await driftMain(['--from-plans', 'out/drift'], { env, repoDir: dir, print: (l) => lines.push(l), now: NOW });

    // THEN both stacks are in the one report, and the one issue is created
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'out', 'drift', 'report.json'), 'utf8')).stacks.map((s: { stack: string }) => s.stack)).toEqual(['dogfood-data', 'production-data']);
    expect(lines).toContain(`drift issue: created #1 ${gh.url.replace(/\/$/, '')}/issues/1`);
  });

  test('GIVEN an empty directory WHEN --from-plans reads it THEN it is a usage error that says how to make the plans', async () => {
    const dir = tempDir('fleetflags-drift-');
    await expect(driftMain(['--from-plans', 'out/drift'], { env: {}, repoDir: dir, print: () => {} })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/no <stack>\.plan\.json there \(run `npm run drift -- --env <env> --plans-only` first\)/),
    });
  });

  test('--help prints the usage and exits 0, planning and writing nothing', async () => {
    // GIVEN an empty directory
    const dir = tempDir('fleetflags-drift-');
    const lines: string[] = [];

    // WHEN
    const code = await driftMain(['--', '--help'], { env: {}, repoDir: dir, print: (l) => lines.push(l) });

    // THEN
    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^usage: npm run drift/)]);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('without AWS credentials and without --plan it says what it needs, before running Terraform', async () => {
    const dir = tempDir('fleetflags-drift-');
    await expect(driftMain([], { env: {}, repoDir: dir, print: () => {} })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/needs AWS credentials.*read-only role.*--plan <stack>=<plan\.json>/s),
    });
  });
});

// -- a local stand-in for GitHub's issues API ----------------------------------------

interface Issue {
  number: number;
  state: string;
  state_reason?: string;
  title: string;
  body: string;
  pull_request?: unknown;
  html_url?: string;
}

interface FakeIssues {
  url: string;
  issues: Map<number, Issue>;
  comments: Map<number, string[]>;
  requests: string[];
  created: number;
  failWith?: number;
  /** `count` issues (every 5th a pull request); `driftNumber` carries the marker (0: none). */
  seed(count: number, driftNumber: number, driftState?: string): void;
  close(): Promise<void>;
}

async function startFakeIssues(): Promise<FakeIssues> {
  const fake: FakeIssues = {
    url: '',
    issues: new Map(),
    comments: new Map(),
    requests: [],
    created: 0,
    seed(count, driftNumber, driftState = 'open') {
      fake.issues.clear();
      fake.requests.length = 0;
      for (let n = 1; n <= count; n++) {
        fake.issues.set(n, {
          number: n,
          state: n % 3 === 0 ? 'closed' : 'open',
          title: `issue ${n}`,
          body: n === driftNumber ? `${DRIFT_MARKER}\n# Drift: old` : `body ${n}`,
          ...(n % 5 === 0 && n !== driftNumber ? { pull_request: { url: 'x' } } : {}),
        });
        if (n === driftNumber) fake.issues.get(n)!.state = driftState;
      }
    },
    close: async () => undefined,
  };
  const base = '/repos/acme/fleetflags/issues';
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(req.url ?? '/', fake.url);
    fake.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    if (fake.failWith) return send(fake.failWith, { message: 'Resource not accessible by integration' });
    const withUrl = (i: Issue) => ({ ...i, html_url: `${fake.url}/issues/${i.number}` });
    const one = url.pathname.match(new RegExp(`^${base}/(\\d+)$`));
    const comments = url.pathname.match(new RegExp(`^${base}/(\\d+)/comments$`));
    if (req.method === 'GET' && url.pathname === base) {
      expect(url.searchParams.get('state')).toBe('all');
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = [...fake.issues.values()].sort((a, b) => b.number - a.number);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        headers.link = `<${fake.url}${base}?state=all&per_page=${perPage}&page=${page + 1}>; rel="next"`;
      }
      return send(200, slice.map(withUrl), headers);
    }
    if (req.method === 'POST' && url.pathname === base) {
      const number = Math.max(0, ...fake.issues.keys()) + 1;
      fake.created++;
      fake.issues.set(number, { number, state: 'open', title: body.title, body: body.body });
      return send(201, withUrl(fake.issues.get(number)!));
    }
    if (req.method === 'PATCH' && one && fake.issues.has(Number(one[1]))) {
      const issue = fake.issues.get(Number(one[1]))!;
      Object.assign(issue, body);
      return send(200, withUrl(issue));
    }
    if (req.method === 'POST' && comments) {
      const n = Number(comments[1]);
      fake.comments.set(n, [...(fake.comments.get(n) ?? []), body.body]);
      return send(201, { id: 1, body: body.body });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}
