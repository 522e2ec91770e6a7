/**
 * The order CI deploys environments in (deployOrder: `deploy.order`, AWS environments only), and
 * finding 3 (issue 11): the environment list is not taken from the PR. The deploy
 * matrix comes from main's flags files, and only environments the access stack
 * knows. A real git repository holding the shipped flags files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deployOrder, deployOrderAtRef } from '../../../lib/deploy/deploy-order';
import { main } from '../../../scripts/deploy';
import { makeGitRepo, type GitRepo } from '../../helpers/git-repo';
import { deployableEnvironments, shippedEnvironments } from '../../helpers/environments';
import { flagsFor } from './helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const shipped = (env: string) => JSON.parse(readFileSync(path.join(REPO, 'flags', `${env}.json`), 'utf8'));
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

let repo: GitRepo;
beforeAll(() => {
  // GIVEN main with the shipped flags, pushed; then a PR branch that adds flags/evil.json, deployed first
  repo = makeGitRepo();
  repo.commit('flags', Object.fromEntries(shippedEnvironments().map((e) => [`flags/${e}.json`, json(shipped(e))])));
  repo.git('push', '-q', 'origin', 'main');
  repo.git('fetch', '-q', 'origin');
  repo.git('checkout', '-q', '-b', 'pr');
  const last = Math.max(...deployableEnvironments().map((e) => shipped(e).deploy.order as number));
  const evil = { ...shipped('dogfood'), environment: 'evil', deploy: { order: last + 1 }, naming: { prefix: 'fleetflags-evil' } };
  repo.commit('add evil', { 'flags/evil.json': json(evil) });
});
afterAll(() => repo.remove());

describe('deployOrder', () => {
  it('lists online environments with a deploy section, by deploy.order', () => {
    // GIVEN production (order 2), dogfood (order 1), and a sandbox without a deploy section
    const envs = [
      { environment: 'production', flags: flagsFor('production', { deploy: { order: 2 } }) },
      { environment: 'dogfood', flags: flagsFor('dogfood', { deploy: { order: 1 } }) },
      { environment: 'sandbox', flags: { ...flagsFor('sandbox'), deploy: undefined } },
    ];
    // WHEN ordered THEN dogfood, then production; the sandbox is not deployed by CI
    expect(deployOrder(envs)).toEqual(['dogfood', 'production']);
  });
});

describe('the deploy order CI uses', () => {
  it('comes from origin/main: an environment added by the PR is not deployed', () => {
    expect(deployOrderAtRef('origin/main', repo.dir).environments).toEqual(deployableEnvironments());
    // (the checkout itself has it)
    expect(deployOrderAtRef('HEAD', repo.dir).environments).toEqual([...deployableEnvironments(), 'evil']);
  });

  it('leaves out an environment on main that the access stack does not know', () => {
    repo.git('checkout', '-q', 'main');
    const { access, ...withoutAccess } = shipped('production'); // eslint-disable-line @typescript-eslint/no-unused-vars
    repo.commit('production without access', { 'flags/production.json': json(withoutAccess) });
    const order = deployOrderAtRef('main', repo.dir);
    repo.git('reset', '-q', '--hard', 'origin/main');
    expect(order.environments).toEqual(deployableEnvironments().filter((e) => e !== 'production'));
    expect(order.skipped).toEqual([{ environment: 'production', reason: 'no "access" on main: the access stack does not know it' }]);
  });

  it('is what `npm run deploy -- --print-order --from-ref origin/main` prints', async () => {
    repo.git('checkout', '-q', 'pr');
    const lines: string[] = [];
    await main(['--print-order', '--from-ref', 'origin/main'], { repoDir: repo.dir, print: (l) => lines.push(l) });
    expect(lines).toEqual([JSON.stringify(deployableEnvironments())]);
  });
});
