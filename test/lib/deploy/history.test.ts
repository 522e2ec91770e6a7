import {
  DeployHistory,
  formatDuration,
  githubConfigFromEnv,
  pullRequestOf,
  runUrlFromEnv,
  type DeployRecord,
} from '../../../lib/deploy/history';
import { startFakeGitHub, type FakeGitHub } from './fake-github';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('DeployHistory', () => {
  let gh: FakeGitHub;
  let history: DeployHistory;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    history = DeployHistory.fromEnv({ GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url });
  });
  afterEach(() => gh.close());

  test('start creates a Deployment with the record as payload, then an in_progress status with the run link', async () => {
    // WHEN
    const handle = await history.start(record(), new Date('2026-11-25T12:00:00Z'));

    // THEN the deployment
    const [create, status] = gh.requests;
    expect(create.method).toBe('POST');
    expect(create.path).toBe('/repos/acme/fleetflags/deployments');
    expect(create.headers.authorization).toBe('token ghs_test');
    expect(create.body).toMatchObject({
      ref: COMMIT,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      payload: {
        fleetflags: 1,
        environment: 'production',
        commit: COMMIT,
        pr: 42,
        actor: 'alice',
        flagsChanged: ['$.ingest.buildId: "2026.11.19-3" → "2026.11.20-1"'],
        planCounts: { add: 0, change: 2, destroy: 0 },
        guards: [{ guard: 'DeployNotFrozen', outcome: 'pass', message: 'not frozen' }],
        startedAt: '2026-11-25T12:00:00.000Z',
        runUrl: 'https://github.com/acme/fleetflags/actions/runs/7',
        simulated: false,
      },
    });
    // AND its status
    expect(status.path).toBe(`/repos/acme/fleetflags/deployments/${handle.id}/statuses`);
    expect(status.body).toMatchObject({ state: 'in_progress', environment: 'production', log_url: 'https://github.com/acme/fleetflags/actions/runs/7' });
  });

  test('finish posts success, failure or error with the outcome and duration', async () => {
    const handle = await history.start(record(), new Date('2026-11-25T12:00:00Z'));

    await history.finish(handle, 'unhealthy', { summary: 'instance refresh rolled back', finishedAt: new Date('2026-11-25T12:04:12Z') });

    const last = gh.requests[gh.requests.length - 1];
    expect(last.body).toMatchObject({
      state: 'failure',
      description: 'unhealthy in 4m12s: instance refresh rolled back',
      log_url: 'https://github.com/acme/fleetflags/actions/runs/7',
    });
  });

  test('a refused deploy is recorded as error, and long descriptions are cut to GitHub\'s 140 characters', async () => {
    const handle = await history.start(record());

    await history.finish(handle, 'guard-refused', { summary: 'x'.repeat(300) });

    const body = gh.requests[gh.requests.length - 1].body;
    expect(body.state).toBe('error');
    expect(body.description).toHaveLength(140);
    expect(body.description).toMatch(/^guard-refused in \d+s: x+…$/);
  });

  test('list returns the environment\'s deploys, newest first, with the latest status', async () => {
    // GIVEN two production deploys and one dogfood deploy
    const first = await history.start(record({ commit: 'a'.repeat(40), pr: 40 }), new Date(gh.now));
    gh.now = new Date('2026-11-25T12:03:00Z');
    await history.finish(first, 'success');
    await history.start(record({ environment: 'dogfood' }));
    gh.now = new Date('2026-11-25T13:00:00Z');
    const second = await history.start(record({ commit: 'b'.repeat(40), pr: undefined, actor: 'bob' }), new Date(gh.now));
    gh.now = new Date('2026-11-25T13:00:30Z');
    await history.finish(second, 'apply-failed', { finishedAt: gh.now });

    // WHEN
    const entries = await history.list('production', 10);

    // THEN
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ commit: 'b'.repeat(40), actor: 'bob', outcome: 'apply-failed', state: 'failure', durationSeconds: 30 });
    expect(entries[0].pr).toBeUndefined();
    expect(entries[1]).toMatchObject({ commit: 'a'.repeat(40), pr: 40, outcome: 'success', durationSeconds: 180 });
    expect(entries[1].flagsChanged).toEqual(['$.ingest.buildId: "2026.11.19-3" → "2026.11.20-1"']);
    expect(gh.requests.some((r) => r.method === 'GET' && r.path === '/repos/acme/fleetflags/deployments?environment=production&per_page=10')).toBe(true);
  });

  test('an unfinished deploy lists as in_progress', async () => {
    await history.start(record());

    const [entry] = await history.list('production');

    expect(entry).toMatchObject({ outcome: 'in_progress', state: 'in_progress', durationSeconds: undefined });
  });

  test('API failures become one clear error', async () => {
    gh.failWith = 401;

    await expect(history.start(record())).rejects.toThrow(/GitHub API: create the deployment failed \(401\): Bad credentials/);
  });
});

describe('configuration', () => {
  test('needs GITHUB_TOKEN and GITHUB_REPOSITORY; GITHUB_API_URL defaults to api.github.com', () => {
    expect(() => githubConfigFromEnv({ GITHUB_REPOSITORY: 'a/b' })).toThrow(/GITHUB_TOKEN is not set/);
    expect(() => githubConfigFromEnv({ GITHUB_TOKEN: 't' })).toThrow(/GITHUB_REPOSITORY is not set/);
    expect(() => githubConfigFromEnv({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'nope' })).toThrow(/"owner\/repo"/);
    expect(githubConfigFromEnv({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'a/b' }).apiUrl).toBe('https://api.github.com');
  });

  test('runUrlFromEnv links the Actions run', () => {
    expect(runUrlFromEnv({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '2' })).toBe(
      'https://github.com/a/b/actions/runs/9/attempts/2',
    );
    expect(runUrlFromEnv({})).toBeUndefined();
  });

  test('pullRequestOf reads merge and squash commit subjects', () => {
    expect(pullRequestOf('Merge pull request #12 from acme/branch\n\nBody')).toBe(12);
    expect(pullRequestOf('Pin build 2026.11.20-1 (#57)\n\n* details (#3)')).toBe(57);
    expect(pullRequestOf('A direct push')).toBeUndefined();
  });

  test('formatDuration', () => {
    expect([formatDuration(37), formatDuration(252), formatDuration(3720)]).toEqual(['37s', '4m12s', '1h02m']);
  });
});

function record(overrides: Partial<DeployRecord> = {}): DeployRecord {
  return {
    environment: 'production',
    commit: COMMIT,
    pr: 42,
    actor: 'alice',
    flagsChanged: ['$.ingest.buildId: "2026.11.19-3" → "2026.11.20-1"'],
    planCounts: { add: 0, change: 2, destroy: 0 },
    guards: [{ guard: 'DeployNotFrozen', outcome: 'pass', message: 'not frozen' }],
    runUrl: 'https://github.com/acme/fleetflags/actions/runs/7',
    ...overrides,
  };
}
