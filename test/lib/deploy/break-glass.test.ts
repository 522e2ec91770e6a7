/**
 * Finding 7 (issue 11): break glass when the flag service is down. Production fails
 * closed when LaunchDarkly cannot be reached; an audited override lets a rollback
 * through (recorded in the deploy record, the GitHub Deployment and the Honeycomb
 * marker), never a feature change. Real git repositories, the real guard, the real
 * DeployHistory against the local GitHub stand-in.
 */
import { breakGlassFrom, isRollbackRange } from '../../../lib/deploy/break-glass';
import { runDeploy, type DeployInput } from '../../../lib/deploy/deploy';
import { deployNotFrozen } from '../../../lib/deploy/guards';
import type { GuardContext } from '../../../lib/deploy/guards/guard';
import { DeployHistory } from '../../../lib/deploy/history';
import type { Marker } from '../../../lib/deploy/honeycomb';
import { ExitCode } from '../../../lib/errors';
import { makeGitRepo, type GitRepo } from '../../helpers/git-repo';
import { startFakeGitHub, type FakeGitHub } from './fake-github';
import { flagsFor } from './helpers';

let repo: GitRepo;
let good: string;
let bad: string;
let revert: string;
let feature: string;

beforeAll(() => {
  // GIVEN main: a good commit, a bad change deployed on top, then (on two branches) its revert and a new feature
  repo = makeGitRepo();
  good = repo.commit('good', { 'flags/production.json': '{"a":1}\n' });
  bad = repo.commit('bad change', { 'flags/production.json': '{"a":2}\n' });
  repo.git('revert', '--no-edit', bad);
  revert = repo.git('rev-parse', 'HEAD');
  repo.git('checkout', '-q', '-b', 'feature', bad);
  feature = repo.commit('new feature', { 'lib/x.ts': 'x\n' });
  repo.git('checkout', '-q', 'main');
});
afterAll(() => repo.remove());

// LaunchDarkly not configured: production fails closed (the "flag service down" case).
const freeze = deployNotFrozen({ sdkKey: '' });
const ctx = (head: string, overrides: Partial<GuardContext> = {}): GuardContext => ({
  environment: 'production',
  flagsFile: 'flags/production.json',
  flags: flagsFor('production'),
  plans: [],
  commits: { base: bad, head },
  repoDir: repo.dir,
  now: new Date('2026-11-25T12:00:00Z'),
  ...overrides,
});
const glass = { reason: 'LaunchDarkly outage; bad change is paging', source: 'workflow input', actor: 'oncall' };

describe('break glass, in the freeze guard', () => {
  it('without it, production is frozen when LaunchDarkly cannot answer', async () => {
    expect((await freeze.run(ctx(revert, { rollback: true }))).outcome).toBe('block');
  });

  it('lets a rollback (a git revert) through, saying so', async () => {
    const r = await freeze.run(ctx(revert, { rollback: true, breakGlass: glass }));
    expect(r.outcome).toBe('pass');
    expect(r.message).toMatch(/^BREAK GLASS: rollback of production allowed through the freeze \(workflow input, by oncall\): LaunchDarkly outage/);
    expect(r.details).toMatchObject({ breakGlass: glass, state: 'not configured' });
  });

  it('lets an older commit through as a rollback', async () => {
    expect((await freeze.run(ctx(good, { rollback: true, breakGlass: glass }))).outcome).toBe('pass');
  });

  it('refuses a feature change, even when the run claims to be a rollback', async () => {
    const r = await freeze.run(ctx(feature, { rollback: true, breakGlass: glass }));
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/break glass refused for production .*git does not show one/);
  });

  it('refuses a run that does not say it is a rollback', async () => {
    const r = await freeze.run(ctx(revert, { breakGlass: glass }));
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/does not say it is a rollback/);
  });
});

describe('where the override comes from', () => {
  it('the workflow input first, then a Break-Glass trailer; an empty reason is none', () => {
    expect(breakGlassFrom({ env: { FLEETFLAGS_BREAK_GLASS_REASON: ' outage ' }, commitMessage: 'x', actor: 'a' })).toEqual({ reason: 'outage', source: 'workflow input', actor: 'a' });
    expect(breakGlassFrom({ env: {}, commitMessage: 'Revert "x"\n\nBreak-Glass: LD down, INC-42\n' })).toEqual({ reason: 'LD down, INC-42', source: 'commit trailer' });
    expect(breakGlassFrom({ env: { FLEETFLAGS_BREAK_GLASS_REASON: '  ' }, commitMessage: 'Break-Glass:   \n' })).toBeUndefined();
  });

  it('a range is a rollback only when git shows one', async () => {
    expect(await isRollbackRange({ base: bad, head: revert }, repo.dir)).toBe(true);
    expect(await isRollbackRange({ base: bad, head: good }, repo.dir)).toBe(true);
    expect(await isRollbackRange({ base: bad, head: feature }, repo.dir)).toBe(false);
    expect(await isRollbackRange({ head: revert }, repo.dir)).toBe(false);
  });
});

describe('an audited deploy', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
  });
  afterEach(() => gh.close());

  it('records the override in the deploy record, the GitHub Deployment and the Honeycomb marker', async () => {
    // GIVEN a rollback of production with break glass, LaunchDarkly unreachable
    const markers: Marker[] = [];
    const applied: string[] = [];
    const input: DeployInput = {
      environment: 'production',
      flagsFile: 'flags/production.json',
      flags: flagsFor('production'),
      commits: { base: bad, head: revert },
      actor: 'oncall',
      flagsChanged: [],
      repoDir: repo.dir,
      rollback: true,
      breakGlass: glass,
    };
    // WHEN it deploys
    const { record, error } = await runDeploy(input, {
      planner: { mode: 'terraform', plan: async () => [{ stack: 'production-fleet', plan: { resource_changes: [{ address: 'a.b', type: 'aws_autoscaling_group', change: { actions: ['update'], after: { name: 'ff-production-ingest' } } }] } }] },
      guards: [freeze],
      applier: { apply: async (s) => void applied.push(s.stack) },
      health: { verify: async () => ({ status: 'healthy', healthy: true, rolledBack: false, problems: [], autoScalingGroups: [] }) },
      history: DeployHistory.fromEnv({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url }),
      markers: { post: async (m) => void markers.push(m) },
    });
    // THEN it applied, and every record names the override
    expect(error).toBeUndefined();
    expect(applied).toEqual(['production-fleet']);
    expect(record).toMatchObject({ outcome: 'success', breakGlass: glass, rollback: true });
    expect(gh.deployments[0].payload.breakGlass).toEqual(glass);
    expect(gh.deployments[0].description).toMatch(/^\[BREAK GLASS\]/);
    expect(markers[0].message).toMatch(/: success BREAK GLASS \(workflow input, by oncall\): LaunchDarkly outage; bad change is paging$/);
  });

  it('still refuses a feature change with exit 10', async () => {
    const { error } = await runDeploy(
      { environment: 'production', flagsFile: 'flags/production.json', flags: flagsFor('production'), commits: { base: bad, head: feature }, actor: 'oncall', flagsChanged: [], repoDir: repo.dir, rollback: true, breakGlass: glass },
      { planner: { mode: 'terraform', plan: async () => [] }, guards: [freeze], applier: { apply: async () => undefined }, health: { verify: async () => ({ status: 'skipped', healthy: true, rolledBack: false, problems: [], autoScalingGroups: [] }) } },
    );
    expect(error?.exitCode).toBe(ExitCode.GuardRefused);
  });
});
