/**
 * The scheduled job that turns expired catch-up fleets off with one PR: which fleets
 * have expired, the one-line edit, and the GitHub side (contents, git data, pulls)
 * against the fake GitHub API.
 *
 * @reads flags/*.json
 */
import { readFileSync } from 'node:fs';
import { EXPIRE_BRANCH, EXPIRE_MARKER, findExpiredCatchUps, openExpireCatchUpsPr, turnOffCatchUp } from '../../../lib/deploy/expire-catch-ups';
import { ExitCode } from '../../../lib/errors';
import { createOctokit } from '../../../lib/github/sticky-comment';
import { main } from '../../../scripts/expire-catch-ups';
import { startFakeGitHub, type FakeGitHub } from './fake-github';

const NOW = new Date('2026-11-25T12:00:00Z');
const PAST = '2026-11-24T18:00:00Z';
const FUTURE = '2026-11-26T18:00:00Z';

/** A shipped flags file with its catch-up section replaced by `catchUp` (as the file's own one-line JSON). */
function flagsText(environment: string, catchUp: Record<string, unknown>): string {
  const text = readFileSync(`flags/${environment}.json`, 'utf8');
  const raw = JSON.parse(text);
  raw.catchUp = catchUp;
  // Hand-formatted like the shipped files: one member per line, nested objects on one line.
  return `{\n${Object.entries(raw).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`;
}

describe('findExpiredCatchUps', () => {
  test('lists enabled catch-up fleets at or past their expiry, and nothing else', () => {
    // GIVEN one file each: expired, expiring later, disabled with a past expiry, no catch-up, and not JSON
    const files = new Map([
      ['flags/sandbox.json', flagsText('sandbox', { enabled: true, expiresAt: PAST })],
      ['flags/dogfood.json', flagsText('dogfood', { enabled: true, expiresAt: FUTURE })],
      ['flags/production.json', flagsText('production', { enabled: false, expiresAt: PAST })],
      ['flags/staging.json', '{"environment":"staging"}'],
      ['flags/broken.json', '{ not json'],
    ]);

    // WHEN / THEN only the sandbox
    expect(findExpiredCatchUps(files, NOW)).toEqual([{ file: 'flags/sandbox.json', environment: 'sandbox', expiresAt: PAST }]);
    // AND an expiry exactly now counts as expired
    expect(findExpiredCatchUps(new Map([['flags/x.json', '{"catchUp":{"enabled":true,"expiresAt":"2026-11-25T12:00:00Z"}}']]), NOW)).toHaveLength(1);
  });
});

describe('turnOffCatchUp', () => {
  test('changes one line: the catch-up fleet\'s own "enabled", not another object\'s', () => {
    // GIVEN a hand-formatted file where autoscaling is also enabled, and the catch-up has a nested object
    const before = flagsText('sandbox', { enabled: true, expiresAt: PAST, size: 3, spot: { onDemandBaseCapacity: 0 } }).replace(
      '"enabled":false,"metric"',
      '"enabled":true,"metric"',
    );
    expect(before).toContain('"autoscaling"');

    // WHEN
    const after = turnOffCatchUp(before);

    // THEN exactly one line differs, and the JSON is the same but for catchUp.enabled
    const a = before.split('\n');
    const b = after.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.map((line, i) => [line, b[i]]).filter(([x, y]) => x !== y);
    expect(changed).toEqual([[expect.stringContaining('"catchUp": {"enabled":true'), expect.stringContaining('"catchUp": {"enabled":false')]]);
    const want = JSON.parse(before);
    want.catchUp.enabled = false;
    expect(JSON.parse(after)).toEqual(want);
  });

  test('a catch-up object with "enabled" after a nested object is still edited in place', () => {
    const before = '{\n  "catchUp": {\n    "spot": { "enabled": true },\n    "enabled": true\n  }\n}\n';
    expect(turnOffCatchUp(before)).toBe('{\n  "catchUp": {\n    "spot": { "enabled": true },\n    "enabled": false\n  }\n}\n');
  });
});

describe('openExpireCatchUpsPr (against the fake GitHub API)', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
  });
  afterEach(() => gh.close());
  const octokit = () => createOctokit({ token: 't', baseUrl: gh.url });
  const seedMain = (sandbox: Record<string, unknown>, dogfood: Record<string, unknown> = { enabled: false }) =>
    gh.repository.commit('main', {
      'README.md': 'readme',
      'flags/schema.json': '{}',
      'flags/sandbox.json': flagsText('sandbox', sandbox),
      'flags/dogfood.json': flagsText('dogfood', dogfood),
    });

  test('opens one PR, from one commit on main, that turns every expired catch-up fleet off', async () => {
    // GIVEN main with an expired sandbox catch-up fleet and a running dogfood one
    const main = seedMain({ enabled: true, expiresAt: PAST, size: 3 }, { enabled: true, expiresAt: FUTURE });
    const before = gh.repository.filesOf('main');

    // WHEN the scheduled job runs
    const result = await openExpireCatchUpsPr({ octokit: octokit(), owner: 'acme', repo: 'fleetflags', now: NOW });

    // THEN one PR from the expire branch to main
    expect(result).toMatchObject({ action: 'created', expired: [{ environment: 'sandbox', expiresAt: PAST }], pullRequest: { number: 1 } });
    expect(gh.repository.pulls).toHaveLength(1);
    expect(gh.repository.pulls[0]).toMatchObject({ head: { ref: EXPIRE_BRANCH }, base: { ref: 'main' }, title: 'Turn off expired catch-up fleets: sandbox' });
    expect(gh.repository.pulls[0].body.startsWith(EXPIRE_MARKER)).toBe(true);
    expect(gh.repository.pulls[0].body).toContain(`| sandbox | \`flags/sandbox.json\` | ${PAST} |`);
    // AND the branch is one commit on top of main that changes only the sandbox's catchUp.enabled
    const head = gh.repository.refs.get(EXPIRE_BRANCH)!;
    expect(gh.repository.commits.get(head)!.parents).toEqual([main]);
    const after = gh.repository.filesOf(EXPIRE_BRANCH);
    expect(JSON.parse(after.get('flags/sandbox.json')!).catchUp).toEqual({ enabled: false, expiresAt: PAST, size: 3 });
    for (const file of ['README.md', 'flags/schema.json', 'flags/dogfood.json']) expect(after.get(file)).toBe(before.get(file));
    // AND main itself is untouched
    expect(gh.repository.refs.get('main')).toBe(main);
  });

  test('a second run updates the same PR from the current main: never a second PR', async () => {
    // GIVEN the PR from a first run, then main moves on and dogfood's fleet expires too
    seedMain({ enabled: true, expiresAt: PAST });
    await openExpireCatchUpsPr({ octokit: octokit(), owner: 'acme', repo: 'fleetflags', now: NOW });
    const moved = gh.repository.commit('main', { 'flags/dogfood.json': flagsText('dogfood', { enabled: true, expiresAt: PAST }) }, 'dogfood: catch-up');

    // WHEN the job runs again
    const result = await openExpireCatchUpsPr({ octokit: octokit(), owner: 'acme', repo: 'fleetflags', now: NOW });

    // THEN the one PR is updated, and its branch is re-made on top of the new main with both edits
    expect(result).toMatchObject({ action: 'updated', pullRequest: { number: 1 } });
    expect(gh.repository.pulls).toHaveLength(1);
    expect(gh.repository.pulls[0].title).toBe('Turn off expired catch-up fleets: dogfood, sandbox');
    const head = gh.repository.refs.get(EXPIRE_BRANCH)!;
    expect(gh.repository.commits.get(head)!.parents).toEqual([moved]);
    const after = gh.repository.filesOf(EXPIRE_BRANCH);
    expect(JSON.parse(after.get('flags/sandbox.json')!).catchUp.enabled).toBe(false);
    expect(JSON.parse(after.get('flags/dogfood.json')!).catchUp.enabled).toBe(false);
  });

  test('nothing expired: no branch, no PR', async () => {
    seedMain({ enabled: true, expiresAt: FUTURE });
    const result = await openExpireCatchUpsPr({ octokit: octokit(), owner: 'acme', repo: 'fleetflags', now: NOW });
    expect(result).toEqual({ action: 'none', expired: [] });
    expect(gh.repository.refs.has(EXPIRE_BRANCH)).toBe(false);
    expect(gh.repository.pulls).toHaveLength(0);
  });

  test('a GitHub failure says which call failed, with GitHub\'s status and message', async () => {
    seedMain({ enabled: true, expiresAt: PAST });
    gh.failWith = 401;
    await expect(openExpireCatchUpsPr({ octokit: octokit(), owner: 'acme', repo: 'fleetflags', now: NOW })).rejects.toThrow(/read the branch main.*401.*Bad credentials/);
  });
});

describe('npm run expire-catch-ups', () => {
  test('needs GITHUB_TOKEN, and says so', async () => {
    await expect(main([], { env: { GITHUB_REPOSITORY: 'acme/fleetflags' } })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/^GITHUB_TOKEN is not set/),
    });
  });

  test('opens the PR and prints what it did', async () => {
    // GIVEN the fake GitHub with an expired sandbox catch-up fleet on main
    const gh = await startFakeGitHub();
    try {
      gh.repository.commit('main', { 'flags/sandbox.json': flagsText('sandbox', { enabled: true, expiresAt: PAST }) });
      const lines: string[] = [];

      // WHEN
      const code = await main([], { env: { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'acme/fleetflags', GITHUB_API_URL: gh.url }, now: NOW, print: (l) => lines.push(l) });

      // THEN
      expect(code).toBe(0);
      expect(lines).toContain(`flags/sandbox.json: the catch-up fleet expired at ${PAST} and is still enabled`);
      expect(lines[lines.length - 1]).toBe('expire-catch-ups: created PR #1 for sandbox');
    } finally {
      await gh.close();
    }
  });
});
