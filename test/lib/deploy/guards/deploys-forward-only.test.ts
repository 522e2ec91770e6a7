/**
 * Finding 2 (issue 11): deploy only forward, only from main. Each case runs the
 * guard against a real temporary git repository with an origin.
 */
import { deploysForwardOnly } from '../../../../lib/deploy/guards/deploys-forward-only';
import type { GuardContext } from '../../../../lib/deploy/guards/guard';
import { makeGitRepo, type GitRepo } from '../../../helpers/git-repo';
import { sandboxFlags, shippedFlags } from '../../../helpers/flags-fixtures';

let repo: GitRepo;
let c1: string;
let c2: string;
let c3: string;

beforeAll(() => {
  // GIVEN main with three commits, pushed to origin, and a branch commit not on main
  repo = makeGitRepo();
  c1 = repo.commit('one');
  c2 = repo.commit('two');
  c3 = repo.commit('three');
  repo.git('push', '-q', 'origin', 'main');
  repo.git('fetch', '-q', 'origin');
});
afterAll(() => repo.remove());

const guard = deploysForwardOnly();
const context = (environment: string, head: string, base?: string, rollback?: boolean): GuardContext => ({
  environment,
  flagsFile: `flags/${environment}.json`,
  flags: environment === 'sandbox' ? sandboxFlags() : shippedFlags(environment),
  plans: [],
  commits: { head, base },
  repoDir: repo.dir,
  now: new Date('2026-11-25T12:00:00Z'),
  rollback,
});

describe('DeploysForwardOnly', () => {
  it('passes a commit on origin/main that comes after the last deploy', async () => {
    const r = await guard.run(context('production', c3, c2));
    expect(r.outcome).toBe('pass');
  });

  it('passes a first deploy and a re-deploy of the same commit', async () => {
    expect((await guard.run(context('production', c3))).outcome).toBe('pass');
    expect((await guard.run(context('production', c3, c3))).outcome).toBe('pass');
  });

  it('blocks the parent of the last deployed commit: a re-run of an old workflow run', async () => {
    // WHEN the environment runs c3 and c2 is deployed again
    const r = await guard.run(context('production', c2, c3));
    // THEN it is refused as a silent rollback
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/older than the last deployed commit .*roll production back silently.*--rollback/);
  });

  it('lets an explicit rollback go back', async () => {
    const r = await guard.run(context('production', c1, c3, true));
    expect(r.outcome).toBe('pass');
    expect(r.message).toMatch(/explicit rollback/);
  });

  it('blocks a commit that is not on origin/main, even as a rollback', async () => {
    // GIVEN a commit on a branch, never merged
    repo.git('checkout', '-q', '-b', 'feature', c2);
    const branchCommit = repo.commit('on a branch');
    repo.git('checkout', '-q', 'main');
    const r = await guard.run(context('dogfood', branchCommit, c2, true));
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/it is not on origin\/main/);
  });

  it('blocks a local main commit not yet pushed: origin/main is what counts', async () => {
    const local = repo.commit('local only');
    const r = await guard.run(context('production', local, c3));
    repo.git('reset', '-q', '--hard', c3);
    expect(r.outcome).toBe('block');
  });

  it('exempts the sandbox from the main check, not from going forward', async () => {
    repo.git('checkout', '-q', '-b', 'sandbox-try', c3);
    const branchCommit = repo.commit('sandbox experiment');
    repo.git('checkout', '-q', 'main');
    expect((await guard.run(context('sandbox', branchCommit, c3))).outcome).toBe('pass');
    expect((await guard.run(context('sandbox', c1, c3))).outcome).toBe('block');
  });

  it('blocks when the last deployed commit is not in the clone (cannot tell)', async () => {
    const r = await guard.run(context('production', c3, 'f'.repeat(40)));
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/not in this clone/);
  });
});
