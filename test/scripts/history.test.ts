import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeployHistory } from '../../lib/deploy/history';
import { DeployedStore } from '../../lib/deploy/deployed-store';
import { main } from '../../scripts/history';
import { startFakeGitHub, type FakeGitHub } from '../lib/deploy/fake-github';

describe('npm run history', () => {
  let gh: FakeGitHub;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    env = { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url };
  });
  afterEach(() => gh.close());

  test('lists the environment\'s deploys: time, commit, PR, actor, outcome, plan counts as the deploy log prints them, flags changed', async () => {
    // GIVEN two deploys of dogfood, one finished
    const history = DeployHistory.fromEnv(env);
    const base = {
      environment: 'dogfood',
      planCounts: { add: 1, change: 2, destroy: 0 },
      guards: [],
      runUrl: 'https://github.com/acme/fleetflags/actions/runs/7',
    };
    const first = await history.start({ ...base, commit: 'a'.repeat(40), pr: 41, actor: 'alice', flagsChanged: ['$.catchUp.enabled: false → true'] }, new Date(gh.now));
    gh.now = new Date('2026-11-25T12:04:12Z');
    await history.finish(first, 'success', { finishedAt: gh.now });
    gh.now = new Date('2026-11-25T14:00:00Z');
    // (the later deploy records every count, as this version does; the earlier one add, change and destroy only)
    const counts = { add: 1, change: 2, destroy: 1, replace: 1, forget: 0, move: 1, import: 0, output: 0 };
    await history.start({ ...base, planCounts: counts, commit: 'b'.repeat(40), actor: 'bob', flagsChanged: [] }, new Date(gh.now));
    const lines: string[] = [];

    // WHEN
    const code = await main(['--', '--env', 'dogfood', '--limit', '5'], { env, print: (l) => lines.push(l) });

    // THEN
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^Deploys of dogfood, newest first/);
    expect(lines[1].split(/ {2,}/)).toEqual(['2026-11-25 14:00Z', 'bbbbbbbbbbbb', '-', 'bob', 'in_progress', '+1 ~2 -1 (1 replaced, 1 moved)', 'no flag changes', 'https://github.com/acme/fleetflags/actions/runs/7']);
    expect(lines[2].split(/ {2,}/)).toEqual(['2026-11-25 12:00Z', 'aaaaaaaaaaaa', '#41', 'alice', 'success (4m12s)', '+1 ~2 -0', 'flags: $.catchUp.enabled: false → true', 'https://github.com/acme/fleetflags/actions/runs/7']);
    // columns line up
    expect(lines[1].indexOf('+1 ~2')).toBe(lines[2].indexOf('+1 ~2'));
  });

  test('says so when there is no deploy yet', async () => {
    const lines: string[] = [];

    await main(['--env', 'production'], { env, print: (l) => lines.push(l) });

    expect(lines).toEqual(['No deploys of production recorded in GitHub Deployments yet.']);
  });

  test('refuses a missing --env, a bad --limit and an unknown environment', async () => {
    await expect(main([], { env })).rejects.toThrow(/--env is required\n\nusage: npm run history/);
    await expect(main(['--env', 'dogfood', '--limit', '0'], { env })).rejects.toThrow(/--limit must be a whole number from 1 to 100; got "0"/);
    await expect(main(['--env', 'prod'], { env })).rejects.toThrow(/Unknown environment "prod"; the environments are .*"production"/);
    await expect(main(['--env', 'dogfood', '--bogus'], { env })).rejects.toMatchObject({ exitCode: 2 });
  });

  test('prints its usage for --help and exits 0', async () => {
    const lines: string[] = [];

    const code = await main(['--', '--help'], { env, print: (l) => lines.push(l) });

    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^usage: npm run history -- --env <environment>/)]);
  });

  describe('the sandbox without GITHUB_TOKEN', () => {
    let stateDir: string;
    beforeEach(() => {
      stateDir = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-history-'));
    });
    afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

    test('lists the local record of deploys, as the deploy and the rollback use it', async () => {
      // GIVEN two deploys of the emulated sandbox and no GitHub configuration
      const local = { FLEETFLAGS_STATE_DIR: stateDir };
      const store = DeployedStore.forRepo(process.cwd(), local);
      const entry = { environment: 'sandbox', actor: 'alice', outcome: 'success', durationSeconds: 13.1 };
      store.appendHistory({ ...entry, commit: 'a'.repeat(40), startedAt: '2026-11-21T20:42:32.074Z', flagsChanged: [] });
      store.appendHistory({ ...entry, commit: 'b'.repeat(40), startedAt: '2026-11-21T21:00:00.000Z', flagsChanged: ['$.ingest.spot.onDemandPercentageAboveBaseCapacity: 50 → 20'] });
      const lines: string[] = [];

      // WHEN
      const code = await main(['--env', 'sandbox'], { env: local, print: (l) => lines.push(l) });

      // THEN newest first, and the log says where they come from
      expect(code).toBe(0);
      expect(lines[0]).toMatch(/^GITHUB_TOKEN\/GITHUB_REPOSITORY not set: listing the local record of deploys \(.*history\.jsonl\)$/);
      expect(lines[1]).toMatch(/^Deploys of sandbox, newest first/);
      expect(lines[2].split(/ {2,}/)).toEqual(['2026-11-21 21:00Z', 'bbbbbbbbbbbb', '-', 'alice', 'success (13s)', 'flags: $.ingest.spot.onDemandPercentageAboveBaseCapacity: 50 → 20']);
      expect(lines[3]).toMatch(/^2026-11-21 20:42Z {2}aaaaaaaaaaaa/);
    });

    test('says so when the sandbox has no deploy yet', async () => {
      const lines: string[] = [];

      await main(['--env', 'sandbox'], { env: { FLEETFLAGS_STATE_DIR: stateDir }, print: (l) => lines.push(l) });

      expect(lines).toEqual([expect.stringMatching(/^No deploys of sandbox recorded in the local record of deploys \(.*\) yet\.$/)]);
    });

    test('an AWS environment still needs GitHub: its history is not local', async () => {
      await expect(main(['--env', 'production'], { env: { FLEETFLAGS_STATE_DIR: stateDir } })).rejects.toThrow(/GITHUB_TOKEN is not set; deploy history lives in GitHub Deployments/);
    });
  });
});
