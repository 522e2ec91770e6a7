/**
 * Which commit `npm run rollback` reverts when no --to names one
 * (lib/deploy/last-deployed-change.ts): the last change at or before the last deploy, from
 * the GitHub history, the local deploy record of an emulated environment, or the git log.
 */
import { DeployedStore } from '../../../lib/deploy/deployed-store';
import type { DeployHistoryEntry } from '../../../lib/deploy/history';
import { findLastDeployedChange } from '../../../lib/deploy/last-deployed-change';
import { tempDirs } from '../../helpers/temp-dirs';
import { gitRepos } from './git-repo';

const repo = gitRepos();
const temp = tempDirs();

const entry = (commit: string, outcome: string): DeployHistoryEntry => ({
  id: 1,
  createdAt: '2026-11-25T12:00:00Z',
  environment: 'production',
  commit,
  actor: 'alice',
  flagsChanged: [],
  outcome,
  state: outcome === 'success' ? 'success' : 'failure',
  simulated: false,
  // Made by the deploy workflow, with the project's payload (lib/deploy/trusted-history.ts).
  creator: 'github-actions[bot]',
  task: 'deploy',
  sha: commit,
  payload: { fleetflags: 1, environment: 'production', commit, pr: null, actor: 'alice', flagsChanged: [], planCounts: { add: 0, change: 0, destroy: 0 }, guards: [], startedAt: '2026-11-25T12:00:00Z', runUrl: null, simulated: false },
});
/** These repositories have no origin: main itself is the branch deploys come from. */
const trust = { mainRef: 'main' };

describe('findLastDeployedChange', () => {
  const r = repo();
  const c1 = r.commit('flags/production.json', '{"a":1}', 'first');
  const c2 = r.commit('flags/production.json', '{"a":2}', 'production: a=2');
  const c3 = r.commit('README.md', 'docs', 'docs only');
  const c4 = r.commit('lib/x.ts', 'x', 'code change');
  const c5 = r.commit('flags/dogfood.json', '{}', 'dogfood only');

  test('GIVEN a GitHub history of deploys WHEN asked THEN the last successful deploy, and the last change of the environment at or before it', async () => {
    const history = { list: async () => [entry(c5, 'unhealthy'), entry(c3, 'success'), entry(c1, 'success')] };
    await expect(findLastDeployedChange('production', { repoDir: r.dir, history, trust })).resolves.toEqual({ commit: c2, deployed: c3, source: 'github' });
  });

  test('GIVEN the local record of deploys of an emulated environment WHEN asked THEN its last deploy is the one deployed', async () => {
    const store = new DeployedStore(temp('fleetflags-store-'));
    store.recordDeploy({ environment: 'production', commit: c2, deployedAt: 'now', flags: {}, stacks: [] });
    await expect(findLastDeployedChange('production', { repoDir: r.dir, store })).resolves.toEqual({ commit: c2, deployed: c2, source: 'local' });
  });

  test('GIVEN no deploy recorded WHEN asked THEN the last commit touching the flags file, stacks or lib (not another environment\'s flags), from HEAD', async () => {
    await expect(findLastDeployedChange('production', { repoDir: r.dir })).resolves.toEqual({ commit: c4, deployed: c5, source: 'HEAD' });
  });

  test('GIVEN a deployed commit missing from the clone WHEN asked THEN HEAD is used instead, with a warning', async () => {
    const lines: string[] = [];
    const history = { list: async () => [entry('f'.repeat(40), 'success')] };
    await expect(findLastDeployedChange('production', { repoDir: r.dir, history, trust, log: (l) => lines.push(l) })).resolves.toMatchObject({ commit: c4, source: 'HEAD' });
    expect(lines[0]).toMatch(/ignoring deployment 1 .*ffffffffffff is not on main/);
  });

  test('GIVEN no commit touching the environment WHEN asked THEN nothing to roll back (lib/ counts for every environment)', async () => {
    await expect(findLastDeployedChange('staging', { repoDir: r.dir })).resolves.toMatchObject({ commit: c4 }); // lib/ counts for every environment
    const bare = repo();
    bare.commit('README.md', 'x', 'only docs');
    await expect(findLastDeployedChange('staging', { repoDir: bare.dir })).rejects.toThrow(/No commit to roll back for staging/);
  });
});
