/**
 * Finding 12 (issue 11): history cannot be forged. "Last deployed" counts only
 * deployments made by the deploy workflow's identity, with the project's payload,
 * whose commit is on main. The Deployments come through the real DeployHistory
 * client from the local GitHub stand-in; the commits live in a real git repository.
 */
import { DeployHistory } from '../../../lib/deploy/history';
import { judgeDeploy, lastTrustedDeploy } from '../../../lib/deploy/trusted-history';
import { makeGitRepo, type GitRepo } from '../../helpers/git-repo';
import { startFakeGitHub, type FakeGitHub } from './fake-github';

let repo: GitRepo;
let gh: FakeGitHub;
let history: DeployHistory;
let onMainOld: string;
let onMain: string;
let offMain: string;

beforeAll(async () => {
  repo = makeGitRepo();
  onMainOld = repo.commit('one');
  onMain = repo.commit('two');
  repo.git('push', '-q', 'origin', 'main');
  repo.git('fetch', '-q', 'origin');
  repo.git('checkout', '-q', '-b', 'attacker');
  offMain = repo.commit('not merged');
  repo.git('checkout', '-q', 'main');
  gh = await startFakeGitHub();
  history = new DeployHistory({ token: 't', owner: 'acme', repo: 'fleetflags', apiUrl: gh.url });
});
afterAll(async () => {
  await gh.close();
  repo.remove();
});
beforeEach(() => {
  gh.deployments.length = 0;
});

const record = (commit: string) => ({
  environment: 'production',
  commit,
  actor: 'alice',
  flagsChanged: [],
  planCounts: { add: 1, change: 0, destroy: 0 },
  guards: [],
});

async function deployed(commit: string): Promise<number> {
  const handle = await history.start(record(commit));
  await history.finish(handle, 'success');
  return handle.id;
}

describe('the last trusted deploy', () => {
  it('is the newest success by the deploy workflow, with our payload, on main', async () => {
    // GIVEN two genuine deploys
    await deployed(onMainOld);
    await deployed(onMain);
    // WHEN the last deploy is looked up THEN it is the newest
    const last = await lastTrustedDeploy(await history.list('production'), 'production', { repoDir: repo.dir });
    expect(last?.commit).toBe(onMain);
  });

  it('skips a success created by another identity (a personal token)', async () => {
    // GIVEN a genuine deploy, then a forged one by a person's token
    await deployed(onMainOld);
    const forged = await deployed(onMain);
    gh.deployments.find((d) => d.id === forged).creator = { login: 'mallory' };
    const lines: string[] = [];
    // WHEN looked up THEN the forged one is ignored, with the reason logged
    const last = await lastTrustedDeploy(await history.list('production'), 'production', { repoDir: repo.dir, log: (l) => lines.push(l) });
    expect(last?.commit).toBe(onMainOld);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`ignoring deployment ${forged} .*created by mallory, not by the deploy workflow`))]);
  });

  it('skips a success whose payload is not the project\'s', async () => {
    await deployed(onMainOld);
    const forged = await deployed(onMain);
    gh.deployments.find((d) => d.id === forged).payload = { commit: onMain, note: 'hand-made' };
    const last = await lastTrustedDeploy(await history.list('production'), 'production', { repoDir: repo.dir });
    expect(last?.commit).toBe(onMainOld);
  });

  it('skips a success whose payload names another commit than the deployment', async () => {
    await deployed(onMainOld);
    const forged = await deployed(onMain);
    gh.deployments.find((d) => d.id === forged).sha = onMainOld;
    const [entry] = await history.list('production');
    expect(await judgeDeploy(entry, 'production', { repoDir: repo.dir })).toMatchObject({ trusted: false, reason: expect.stringMatching(/payload names/) });
  });

  it('skips a success of a commit that is not on main', async () => {
    await deployed(onMainOld);
    await deployed(offMain);
    const [entry] = await history.list('production');
    expect(await judgeDeploy(entry, 'production', { repoDir: repo.dir })).toMatchObject({ trusted: false, reason: expect.stringMatching(/not on origin\/main/) });
    expect((await lastTrustedDeploy(await history.list('production'), 'production', { repoDir: repo.dir }))?.commit).toBe(onMainOld);
  });

  it('finds nothing when every success is forged', async () => {
    const forged = await deployed(onMain);
    gh.deployments.find((d) => d.id === forged).creator = { login: 'mallory' };
    expect(await lastTrustedDeploy(await history.list('production'), 'production', { repoDir: repo.dir })).toBeUndefined();
  });
});
