/**
 * `npm run handoff` end to end: a week of deploys recorded by the real DeployHistory
 * in a local GitHub stand-in (Deployments and issues), real local deploy records
 * (an emulated deploy's local history line, a deploy record written by runDeploy), a real
 * git repository (the rollback is a `git revert`), and the shipped flags files.
 *
 * @integration: about 80 real git processes in a temporary repository; left out of `npm run test:quick`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDeploy } from '../../lib/deploy/deploy';
import { writeDeployRecord } from '../../lib/deploy/run-record';
import { DRIFT_MARKER } from '../../lib/deploy/drift';
import { block, pass, warn } from '../../lib/deploy/guards/guard';
import { DeployHistory, type DeployRecord } from '../../lib/deploy/history';
import { DeployedStore } from '../../lib/deploy/deployed-store';
import { parseSince, isoWeek } from '../../lib/handoff/handoff';
import { main } from '../../scripts/handoff';
import { startFakeGitHub, type FakeGitHub } from '../lib/deploy/fake-github';
import { flagsFor } from '../lib/deploy/helpers';

const NOW = new Date('2026-11-27T12:00:00Z');
const IDENTITY = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

let gh: FakeGitHub;
let dir: string;
let commits: { base: string; feature: string; revert: string; again: string };

beforeAll(async () => {
  gh = await startFakeGitHub();
  dir = mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
  cpSync(path.resolve('flags'), path.join(dir, 'flags'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD');
  const production = JSON.parse(readFileSync(path.join(dir, 'flags', 'production.json'), 'utf8'));
  production.catchUp = { enabled: true, expiresAt: '2026-11-29T00:00:00Z', size: 6 };
  writeFileSync(path.join(dir, 'flags', 'production.json'), `${JSON.stringify(production, null, 2)}\n`);
  git('commit', '-q', '-am', 'Catch up the backlog (#41)');
  const feature = git('rev-parse', 'HEAD');
  git('revert', '--no-edit', 'HEAD');
  const revert = git('rev-parse', 'HEAD');
  // Then the catch-up fleet is turned on again: production runs it now.
  writeFileSync(path.join(dir, 'flags', 'production.json'), `${JSON.stringify(production, null, 2)}\n`);
  git('commit', '-q', '-am', 'Catch up again');
  const again = git('rev-parse', 'HEAD');
  commits = { base, feature, revert, again };

  // A week of production deploys in GitHub Deployments, written by the real DeployHistory.
  const history = DeployHistory.fromEnv(githubEnv());
  const deploy = async (at: string, minutes: number, record: Partial<DeployRecord>, outcome: 'success' | 'guard-refused', summary: string) => {
    gh.now = new Date(at);
    const handle = await history.start(
      { environment: 'production', commit: feature, actor: 'alice', flagsChanged: [], planCounts: { add: 0, change: 1, destroy: 0 }, guards: [], ...record },
      new Date(at),
    );
    gh.now = new Date(Date.parse(at) + minutes * 60_000);
    await history.finish(handle, outcome, { summary, finishedAt: gh.now });
  };
  await deploy('2026-11-10T10:00:00Z', 3, { commit: base }, 'success', 'too old for this handoff');
  await deploy('2026-11-24T10:00:00Z', 4, { pr: 41, flagsChanged: ['$.catchUp.enabled: false → true'] }, 'success', '+1 ~0 -0, healthy');
  await deploy(
    '2026-11-25T09:00:00Z',
    0,
    { actor: 'bob', guards: [block('DeployNotFrozen', 'deploys to production (us-east-1) are frozen by the LaunchDarkly flag "fleetflags-deploy-freeze" (targeted at this environment)')] },
    'guard-refused',
    'DeployNotFrozen refused; nothing applied',
  );
  await deploy(
    '2026-11-26T08:00:00Z',
    6,
    {
      actor: 'carol',
      guards: [warn('ErrorBudget', 'error budget below threshold; overridden')],
      overrides: [{ guard: 'ErrorBudget', trailer: 'Allow-Error-Budget', value: 'sale capacity, approved by on-call', commit: feature }],
    },
    'success',
    'healthy',
  );
  await deploy('2026-11-26T15:00:00Z', 2, { commit: revert, actor: 'dave' }, 'success', 'healthy');
  // LaunchDarkly down, production fails closed: an audited break glass lets the rollback through.
  await deploy(
    '2026-11-25T12:00:00Z',
    3,
    {
      commit: revert,
      actor: 'gina',
      guards: [pass('DeployNotFrozen', 'BREAK GLASS: rollback of production allowed through the freeze (workflow input, by gina): LaunchDarkly down, rolling back #41\n(without it: LaunchDarkly unreachable)')],
      breakGlass: { reason: 'LaunchDarkly down, rolling back #41', source: 'workflow input', actor: 'gina' },
    },
    'success',
    'healthy',
  );
  gh.issues.push({ number: 12, state: 'open', title: 'Drift: 1 resource changed outside Terraform', body: `${DRIFT_MARKER}\n### production-fleet\n...`, updated_at: '2026-11-25T06:00:00Z' });

  // Local records: a refused sandbox deploy (local record), and dogfood's last deploy record from the real runDeploy.
  DeployedStore.forRepo(dir, {}).appendHistory({
    environment: 'sandbox',
    commit: feature,
    actor: 'erin',
    outcome: 'guard-refused',
    startedAt: '2026-11-26T11:00:00.000Z',
    durationSeconds: 41,
    flagsChanged: ['$.ingest.desiredCapacity: 2 → 200'],
    guards: [{ guard: 'ChangeSize', outcome: 'block', message: 'non-compliant CapacityMoveWithinLimit: 1 size move beyond ±10 instances and ±100%' }],
  });
  // The emulated sandbox: LaunchDarkly did not answer, and its policy proceeds (a passing freeze verdict, recorded).
  DeployedStore.forRepo(dir, {}).appendHistory({
    environment: 'sandbox',
    commit: feature,
    actor: 'erin',
    outcome: 'success',
    startedAt: '2026-11-26T12:00:00.000Z',
    durationSeconds: 30,
    flagsChanged: [],
    guards: [{ guard: 'DeployNotFrozen', outcome: 'pass', message: 'LaunchDarkly unreachable (LaunchDarkly did not initialize within 5s); the deploy-freeze flag "fleetflags-deploy-freeze" could not be evaluated, so the unreachable-policy applies: proceed, the deploy goes ahead (aws.endpoint is set: an emulated environment proceeds)' }],
  });
  let t = Date.parse('2026-11-26T09:00:00Z');
  const { record } = await runDeploy(
    { environment: 'dogfood', flagsFile: 'flags/dogfood.json', flags: flagsFor('dogfood'), commits: { head: feature }, actor: 'frank', flagsChanged: ['$.arch: "arm64" → "amd64"'] },
    {
      planner: { mode: 'terraform', plan: async () => [{ stack: 'dogfood-fleet', plan: { resource_changes: [{ address: 'aws_autoscaling_group.main', type: 'aws_autoscaling_group', change: { actions: ['update'] } }] } }] },
      guards: [{ id: 'DeployNotFrozen', description: '', run: async () => pass('DeployNotFrozen', 'not frozen') }],
      applier: { apply: async () => { throw new Error('Error: creating Auto Scaling Group: ValidationError'); } },
      health: { verify: async () => { throw new Error('not reached'); } },
      clock: { now: () => new Date((t += 30_000)) },
    },
  );
  writeDeployRecord(record, path.join(dir, 'out', 'deploy'));
});

afterAll(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

function githubEnv(): NodeJS.ProcessEnv {
  return { GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url };
}

async function run(args: string[], env: NodeJS.ProcessEnv = githubEnv()): Promise<string> {
  const lines: string[] = [];
  await main(args, { env, repoDir: dir, now: NOW, print: (l) => lines.push(l) });
  return lines.join('\n');
}

/** The markdown of one environment's `### heading` section. */
function section(md: string, env: string, heading: string): string {
  const envPart = md.split(/^## /m).find((p) => p.startsWith(`${env}`))!;
  return envPart.split(/^### /m).find((p) => p.startsWith(heading))!;
}

describe('npm run handoff', () => {
  it('GIVEN a week of production deploys in GitHub WHEN run with --since 7d THEN the deploys table has who, flags, outcome and duration, newest first, and nothing older', async () => {
    // WHEN
    const md = await run(['--since', '7d']);

    // THEN
    const deploys = section(md, 'production', 'Deploys');
    const rows = deploys.split('\n').filter((l) => l.startsWith('| 2026'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^\| 2026-11-26 15:00Z \| `[0-9a-f]{12}` \| — \| dave \| — \| ✅ success \(rollback\) \| 2m00s \|$/);
    expect(rows[4]).toMatch(/^\| 2026-11-24 10:00Z \| .* \| #41 \| alice \| `\$\.catchUp\.enabled: false → true` \| ✅ success \| 4m00s \|$/);
    expect(md).not.toContain('2026-11-10');
    expect(md).toMatch(/^# On-call handoff: 2026-11-20 → 2026-11-27$/m);
  });

  it('GIVEN a git revert was deployed WHEN run THEN it is listed as a rollback', async () => {
    const md = await run(['--since', '7d', '--env', 'production']);

    expect(section(md, 'production', 'Rollbacks')).toContain(`- 2026-11-26 15:00Z \`${commits.revert.slice(0, 12)}\` by dave: deployed a revert (success)`);
  });

  it('GIVEN a deploy refused by a freeze and one let through by an override WHEN run THEN the refusal is in "Failed or refused", and both in "Freezes and overrides", with why', async () => {
    const md = await run(['--since', '7d', '--env', 'production']);

    expect(section(md, 'production', 'Failed or refused deploys')).toContain(
      '- 2026-11-25 09:00Z `' + commits.feature.slice(0, 12) + '` by bob: **guard-refused**: DeployNotFrozen: deploys to production (us-east-1) are frozen by the LaunchDarkly flag "fleetflags-deploy-freeze" (targeted at this environment)',
    );
    const freezes = section(md, 'production', 'Freezes and overrides');
    expect(freezes).toContain(
      '| 2026-11-25 09:00Z | ⛔ frozen: deploy refused | `' + commits.feature.slice(0, 12) + '` (guard-refused) | bob | deploys to production (us-east-1) are frozen by the LaunchDarkly flag "fleetflags-deploy-freeze" (targeted at this environment) |',
    );
    expect(freezes).toContain(
      '| 2026-11-26 08:00Z | override `Allow-Error-Budget` (ErrorBudget) | `' + commits.feature.slice(0, 12) + '` (success) | carol | sale capacity, approved by on-call (trailer in `' + commits.feature.slice(0, 12) + '`) |',
    );
  });

  it('GIVEN a rollback deployed through a freeze with break glass WHEN run THEN "Freezes and overrides" shows it with its reason, who and where it came from, not only the refusals', async () => {
    // WHEN
    const md = await run(['--since', '7d', '--env', 'production']);

    // THEN its own row, newest first among the freezes and overrides
    const rows = section(md, 'production', 'Freezes and overrides').split('\n').filter((l) => l.startsWith('| 2026'));
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(['override `Allow-Error-Budget` (ErrorBudget)', '🔨 break glass: rollback through the freeze', '⛔ frozen: deploy refused']);
    expect(rows[1]).toBe('| 2026-11-25 12:00Z | 🔨 break glass: rollback through the freeze | `' + commits.revert.slice(0, 12) + '` (success, rollback) | gina | LaunchDarkly down, rolling back #41 (workflow input) |');
    expect(md).toMatch(/^\*\*5 deploys\*\* \(4 succeeded, 1 failed or refused\), 2 rollbacks, 1 freeze verdict, 1 break glass, 1 override, drift: 1 report\.$/m);
  });

  it('GIVEN a deploy that went ahead because the flag service did not answer and its policy proceeds WHEN run THEN that freeze verdict is shown too', async () => {
    const md = await run(['--since', '7d', '--env', 'sandbox'], {});

    const freezes = section(md, 'sandbox', 'Freezes and overrides');
    expect(freezes).toContain('| 2026-11-26 12:00Z | ⚠️ flag service unanswered: proceeded (policy) | `' + commits.feature.slice(0, 12) + '` (success) | erin | LaunchDarkly unreachable (LaunchDarkly did not initialize within 5s);');
    const all = await run(['--since', '7d'], {});
    expect(section(all, 'dogfood', 'Freezes and overrides')).toContain('None: no freeze, no break glass, no override trailer in this window.');
  });

  it('GIVEN the drift issue names production-fleet WHEN run THEN production shows it and dogfood does not', async () => {
    const md = await run(['--since', '7d']);

    expect(section(md, 'production', 'Drift')).toContain('[drift issue #12 (open): Drift: 1 resource changed outside Terraform, updated 2026-11-25 06:00Z](https://github.com/acme/fleetflags/issues/12)');
    expect(section(md, 'dogfood', 'Drift')).toContain('None found in this window.');
  });

  it('GIVEN the catch-up fleet on in production and the sandbox quarantine WHEN run THEN "Live now" says when each expires', async () => {
    const md = await run(['--since', '7d']);

    expect(section(md, 'production', 'Live now')).toMatch(
      new RegExp(`- catch-up fleet: 6 instances, backfill 60 min; expires 2026-11-29 00:00Z \\(in 36h00m\\); in the flags since .*\\(\`${commits.again.slice(0, 12)}\`\\)`),
    );
    expect(section(md, 'sandbox', 'Live now')).toContain('- quarantine `acme`: 1 instance, build 2026.11.20-1-debug');
    expect(section(md, 'sandbox', 'Live now')).toContain(`(\`${commits.base.slice(0, 12)}\`)`);
    expect(section(md, 'dogfood', 'Live now')).toContain('No catch-up fleet, no quarantine.');
  });

  it('GIVEN local records only (no GITHUB_TOKEN) WHEN run THEN the sandbox refusal and the failed dogfood apply are there, and the sources say GitHub was not read', async () => {
    const md = await run(['--since', '7d'], {});

    expect(md).toContain('Sources: not GitHub Deployments (GITHUB_TOKEN is not set)');
    expect(section(md, 'sandbox', 'Failed or refused deploys')).toContain('by erin: **guard-refused**: ChangeSize: non-compliant CapacityMoveWithinLimit');
    expect(section(md, 'dogfood', 'Failed or refused deploys')).toMatch(/by frank: \*\*apply-failed\*\*: terraform apply of dogfood-fleet failed/);
    expect(section(md, 'dogfood', 'Deploys')).toContain('`$.arch: "arm64" → "amd64"`');
    expect(section(md, 'production', 'Deploys')).toContain('No deploys in this window.');
  });

  it('GIVEN --issue WHEN run twice in one week THEN one issue of that ISO week is created, then updated in place', async () => {
    const first = await run(['--since', '7d', '--issue']);
    const second = await run(['--since', '7d', '--issue']);

    expect(first).toMatch(/^handoff issue: created #13 .* \(2026-W48\)$/m);
    expect(second).toMatch(/^handoff issue: updated #13 .* \(2026-W48\)$/m);
    const ours = gh.issues.filter((i) => i.title === 'On-call handoff 2026-W48');
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toMatch(/^<!-- fleetflags:handoff:2026-W48 -->\n# On-call handoff/);
  });

  it('GIVEN --step-summary WHEN run in Actions THEN the markdown is appended to the run summary', async () => {
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');

    await run(['--since', '7d', '--env', 'sandbox', '--step-summary'], { GITHUB_STEP_SUMMARY: summary });

    expect(readFileSync(summary, "utf8")).toMatch(/^# On-call handoff[\s\S]*^## sandbox$/m);
  });

  it.each([['7x'], ['0h'], ['yesterday'], ['2030-01-01']])('GIVEN --since %s WHEN run THEN a usage error names what is allowed', async (since) => {
    await expect(run(['--since', since])).rejects.toThrow(/--since: got ".*"; allowed: a duration such as "7d", "36h" or "2w" \(at least 1h\), or a past ISO date/);
  });

  it('GIVEN --issue without GitHub WHEN run THEN it refuses', async () => {
    await expect(run(['--issue'], {})).rejects.toThrow(/--issue needs GITHUB_TOKEN and GITHUB_REPOSITORY/);
  });
});

describe('handoff helpers', () => {
  it('GIVEN durations and dates WHEN parsed THEN the window starts that long before now', () => {
    expect(parseSince('7d', NOW).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(parseSince('36h', NOW).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(parseSince('2026-11-20', NOW).toISOString()).toBe('2026-11-20T00:00:00.000Z');
  });

  it('GIVEN dates around a year boundary WHEN given an ISO week THEN it follows ISO 8601', () => {
    expect(isoWeek(NOW)).toBe('2026-W48');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
  });
});
