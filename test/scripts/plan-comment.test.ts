import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMMENT_MARKER } from '../../lib/plan/render';
import { changesOnlyFlags, planTrust } from '../../lib/github/pull-request';
import { flagsFromRef, main, post, redactManifest, render } from '../../scripts/plan-comment';
import { humanComments, OWNER, PR, REPO, startFakeGitHub, type FakeGitHub } from '../lib/github/fake-github';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'plans');
const planOf = (scenario: string) => path.join(FIXTURES, scenario, 'sandbox-data.plan.json');

function tmp(): string {
  return tempDir('plan-comment-');
}

describe('plan-comment render', () => {
  test('--format json: counts per action kind and the destructive addresses', () => {
    const json = JSON.parse(render({ plans: [{ file: planOf('replace-delete-create') }], format: 'json' }));
    expect(json.totals).toMatchObject({ add: 0, change: 0, destroy: 0, replace: 1, move: 0, import: 0 });
    expect(json.stacks).toEqual([expect.objectContaining({ stack: 'sandbox-data', environment: 'sandbox' })]);
    expect(json.destructive).toEqual([expect.objectContaining({ address: expect.stringMatching(/^aws_dynamodb_table\.LockTable_/), action: 'replace', stateful: true })]);
  });

  test('the stack is the file name <stack>.plan.json, or given as <stack>=<file>', () => {
    const dir = tmp();
    const file = path.join(dir, 'dogfood-fleet.plan.json');
    writeFileSync(file, readFileSync(planOf('update')));
    const byName = JSON.parse(render({ plans: [{ file }], format: 'json' }));
    expect(byName.stacks[0]).toMatchObject({ stack: 'dogfood-fleet', environment: 'dogfood' });
    const given = JSON.parse(render({ plans: [{ file, stack: 'production-data' }], format: 'json' }));
    expect(given.stacks[0]).toMatchObject({ stack: 'production-data', environment: 'production' });
  });

  test('main render --out writes the markdown, with the flags table from --base-flags/--head-flags', async () => {
    const out = path.join(tmp(), 'comment.md');
    const flags = path.join(FIXTURES, 'update', 'flags');
    const code = await main(['render', '--plan', planOf('update'), '--base-flags', path.join(flags, 'base'), '--head-flags', path.join(flags, 'head'), '--out', out]);
    expect(code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain('| `$.accessLogs.expirationDays` | `14` | `30` |');
  });

  test('render --step-summary: the comment is cut to 65,536 characters, the step summary keeps the full plan', async () => {
    const dir = tmp();
    const out = path.join(dir, 'comment.md');
    const summary = path.join(dir, 'summary.md');
    const saved = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      await main(['render', '--plan', path.join(FIXTURES, 'large', 'sandbox-data.plan.json.gz'), '--out', out, '--step-summary']);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = saved;
    }
    const comment = readFileSync(out, 'utf8');
    const full = readFileSync(summary, 'utf8');
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toContain('Shortened');
    expect(full.length).toBeGreaterThan(65_536);
    expect(full).not.toContain('Shortened');
    expect(full).toContain('~ rule[0].expiration[0].days: 14 → 30');
  });

  test('--manifest (as `npm run plan` writes it) lists the plans, the flags files and what was not planned', () => {
    // GIVEN an out dir like npm run plan's
    const dir = tmp();
    mkdirSync(path.join(dir, 'flags', 'base'), { recursive: true });
    mkdirSync(path.join(dir, 'flags', 'head'), { recursive: true });
    writeFileSync(path.join(dir, 'sandbox-data.plan.json'), readFileSync(planOf('update')));
    for (const side of ['base', 'head']) {
      writeFileSync(path.join(dir, 'flags', side, 'sandbox.json'), readFileSync(path.join(FIXTURES, 'update', 'flags', side, 'sandbox.json')));
    }
    const manifest = {
      version: 1,
      mode: 'speculative',
      baseRef: 'origin/main',
      changedSince: 'origin/main',
      stacks: [{ stack: 'sandbox-data', environment: 'sandbox', planFile: 'sandbox-data.plan.json', speculative: true }],
      baseFlags: { sandbox: 'flags/base/sandbox.json' },
      headFlags: { sandbox: 'flags/head/sandbox.json' },
      unchanged: ['sandbox-fleet', 'production-data'],
    };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));

    // WHEN rendered from the manifest alone
    const md = render({ plans: [], format: 'markdown', manifest: path.join(dir, 'manifest.json') });

    // THEN the plan, the flags table and the unplanned stacks show
    expect(md).toContain('## Terraform plan (speculative)');
    expect(md).toContain('#### `sandbox-data`');
    expect(md).toContain('| `$.accessLogs.expirationDays` | `14` | `30` |');
    expect(md).toContain('Not planned, because their configuration is the same as at `origin/main`: `production-data`, `sandbox-fleet`.');
  });

  test('bad input is a clear error with the exit code of a usage error', async () => {
    await expect(main(['render', '--format', 'yaml', '--plan', 'x'])).rejects.toThrow(/--format must be markdown or json; got "yaml"/);
    await expect(main(['explain'])).rejects.toMatchObject({ exitCode: 2 });
    // --help is not an unknown command: it prints the usage and exits 0
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(main(['--', '--help'])).resolves.toBe(0);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^usage: npm run plan-comment -- render/));
    } finally {
      log.mockRestore();
    }
    const text = path.join(tmp(), 'plan.txt');
    writeFileSync(text, 'Terraform will perform the following actions:\n');
    await expect(main(['render', '--plan', text])).rejects.toThrow(/is not a Terraform JSON plan: not JSON/);
  });
});

describe('plan-comment post', () => {
  let gh: FakeGitHub;
  let dir: string;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    dir = tmp();
    jest.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await gh.close();
  });

  const env = (event: unknown): NodeJS.ProcessEnv => {
    const eventPath = path.join(dir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(event));
    return {
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: 't',
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    };
  };

  test('pull_request event: creates, then updates the one comment, and writes the step summary', async () => {
    const e = env({ pull_request: { number: PR, head: { sha: 'abc' } } });
    gh.comments.push(...humanComments(120));
    const body = render({ plans: [{ file: planOf('update') }], format: 'markdown' });

    const first = await post(body, { env: e });
    const second = await post(body.replace('2 to change', '2 to change '), { env: e });

    expect(first).toMatchObject({ action: 'created' });
    expect(second).toMatchObject({ action: 'updated', commentId: (first as { commentId: number }).commentId });
    expect(gh.comments.filter((c) => c.body.startsWith(COMMENT_MARKER))).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('## Terraform plan (speculative)');
  });

  test('workflow_run of a fork PR: the PR is found by the run\'s head repository, branch and commit', async () => {
    gh.pulls.push({ number: PR, head: { sha: 'f00d', ref: 'patch-1', repo: { full_name: 'mallory/fleetflags' } } });
    const e = env({ workflow_run: { head_sha: 'f00d', head_branch: 'patch-1', head_repository: { full_name: 'mallory/fleetflags' }, pull_requests: [] } });
    const result = await post('## plan', { env: e });
    expect(result).toMatchObject({ action: 'created' });
    expect(gh.requests.some((r) => r.path.startsWith(`/repos/${OWNER}/${REPO}/pulls?`) && r.path.includes('head=mallory%3Apatch-1'))).toBe(true);
  });

  test('workflow_run of a dispatched plan (a rollback PR opened with github.token): the PR is found by the run\'s branch and commit in this repository', async () => {
    // GIVEN the rollback PR, and the plan run the rollback dispatched on its branch (no pull_requests in the event)
    gh.pulls.push({ number: PR, head: { sha: 'r011', ref: 'rollback/production-abc', repo: { full_name: `${OWNER}/${REPO}` } } });
    const e = env({
      workflow_run: {
        event: 'workflow_dispatch',
        display_title: `plan of PR #${PR} (dispatched)`,
        head_sha: 'r011',
        head_branch: 'rollback/production-abc',
        head_repository: { full_name: `${OWNER}/${REPO}` },
        pull_requests: [],
      },
    });

    // WHEN the comment job posts
    const result = await post('## plan of the rollback', { env: e });

    // THEN the rollback PR gets its comment
    expect(result).toMatchObject({ action: 'created' });
    expect(gh.comments.map((c) => c.body)).toEqual([expect.stringContaining('## plan of the rollback')]);
  });

  test('workflow_run whose PR moved on (a newer push): nothing is posted', async () => {
    gh.pulls.push({ number: PR, head: { sha: 'newer', ref: 'patch-1', repo: { full_name: 'mallory/fleetflags' } } });
    const e = env({ workflow_run: { head_sha: 'f00d', head_branch: 'patch-1', head_repository: { full_name: 'mallory/fleetflags' }, pull_requests: [] } });
    expect(await post('## plan', { env: e })).toBeUndefined();
    expect(gh.comments).toHaveLength(0);
  });

  test('post --failed (workflow_run of a failed plan): the comment says the plan failed, with the run and commit', async () => {
    // GIVEN a PR whose plan comment shows an older plan
    gh.comments.push({ id: 77, body: `${COMMENT_MARKER}\nold plan`, user: { login: 'github-actions[bot]', type: 'Bot' } });
    gh.pulls.push({ number: PR, head: { sha: 'abcdef1234567890', ref: 'b', repo: { full_name: 'acme/fleetflags' } } });
    const e = env({
      workflow_run: { html_url: 'https://github.com/acme/fleetflags/actions/runs/9', head_sha: 'abcdef1234567890', head_branch: 'b', head_repository: { full_name: 'acme/fleetflags' }, pull_requests: [{ number: PR, head: { sha: 'abcdef1234567890' } }] },
    });
    const saved = { ...process.env };
    Object.assign(process.env, e);
    try {
      // WHEN the failure is posted
      expect(await main(['post', '--failed', '--author', 'github-actions[bot]'])).toBe(0);
    } finally {
      process.env = saved;
    }
    // THEN the same comment now says so
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain('❌ **The plan of commit `abcdef123456` failed**');
    expect(gh.comments[0].body).toContain('[the workflow run](https://github.com/acme/fleetflags/actions/runs/9)');
  });

  test('GIVEN the comment job of a plan run WHEN the plans are posted THEN the details link is the plan run, not the comment job', async () => {
    gh.pulls.push({ number: PR, head: { sha: 'abcdef1234567890', ref: 'b', repo: { full_name: `${OWNER}/${REPO}` } } });
    const e = env({
      workflow_run: { html_url: 'https://github.com/acme/fleetflags/actions/runs/41', head_sha: 'abcdef1234567890', head_branch: 'b', head_repository: { full_name: `${OWNER}/${REPO}` }, pull_requests: [{ number: PR, head: { sha: 'abcdef1234567890' } }] },
    });
    const saved = { ...process.env };
    // The comment job's own run: what the link must not be.
    Object.assign(process.env, e, { GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '42' });
    try {
      expect(await main(['post', '--plan', planOf('update'), '--commit', 'abcdef1234567890', '--author', 'github-actions[bot]'])).toBe(0);
    } finally {
      process.env = saved;
    }
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toContain('https://github.com/acme/fleetflags/actions/runs/41');
    expect(gh.comments[0].body).not.toContain('/actions/runs/42');
  });

  test('a body over the limit is refused before calling GitHub; a missing token says how to fix it', async () => {
    const e = env({ pull_request: { number: PR } });
    await expect(post('x'.repeat(70_000), { env: e, bodySource: 'comment.md' })).rejects.toThrow(/comment\.md is \d+ characters; GitHub allows at most 65536/);
    expect(gh.requests).toHaveLength(0);
    await expect(post('## plan', { env: { ...e, GITHUB_TOKEN: '' } })).rejects.toThrow(/GITHUB_TOKEN is not set/);
  });

  test('GIVEN a late run of an older push (--head-sha is no longer the PR head) WHEN posting THEN nothing is overwritten', async () => {
    // GIVEN a same-repository PR whose head moved on, with the newer plan's comment
    gh.pulls.push({ number: PR, head: { sha: 'newer', ref: 'b', repo: { full_name: `${OWNER}/${REPO}` } } });
    gh.comments.push({ id: 5, body: `${COMMENT_MARKER}\nnewer plan`, user: { login: 'github-actions[bot]', type: 'Bot' } });
    const e = env({ workflow_run: { head_sha: 'older', head_branch: 'b', head_repository: { full_name: `${OWNER}/${REPO}` }, pull_requests: [{ number: PR, head: { sha: 'older' } }] } });
    // WHEN the older run posts
    const result = await post('## older plan', { env: e, pr: PR, headSha: 'older' });
    // THEN it is refused as stale and the newer comment stays
    expect(result).toEqual({ stale: 'older', head: 'newer' });
    expect(gh.comments[0].body).toBe(`${COMMENT_MARKER}\nnewer plan`);
    // AND the current head posts
    expect(await post('## newer plan 2', { env: e, pr: PR, headSha: 'newer' })).toMatchObject({ action: 'updated' });
  });

  test('GIVEN a fork PR that changes code WHEN its plans are posted THEN rendered here, with the untrusted-code note; a flags-only fork PR without it', async () => {
    gh.pulls.push({ number: PR, head: { sha: 'f00d', ref: 'patch-1', repo: { full_name: 'mallory/fleetflags' } } });
    gh.pullFiles[PR] = [{ filename: 'flags/sandbox.json' }, { filename: 'lib/plan/render.ts' }];
    const e = env({ workflow_run: { head_sha: 'f00d', head_branch: 'patch-1', head_repository: { full_name: 'mallory/fleetflags' }, pull_requests: [] } });
    const saved = { ...process.env };
    Object.assign(process.env, e);
    try {
      expect(await main(['post', '--plan', planOf('update'), '--head-sha', 'f00d'])).toBe(0);
      expect(gh.comments[0].body).toContain('**Planned by untrusted code**');
      gh.pullFiles[PR] = [{ filename: 'flags/sandbox.json' }];
      expect(await main(['post', '--plan', planOf('update'), '--head-sha', 'f00d'])).toBe(0);
      expect(gh.comments[0].body).not.toContain('untrusted code');
    } finally {
      process.env = saved;
    }
  });

  test('GIVEN a manifest from an untrusted run naming a file outside its directory WHEN rendered THEN refused', () => {
    const m = path.join(dir, 'manifest.json');
    writeFileSync(m, JSON.stringify({ stacks: [{ stack: 'sandbox-data', planFile: '../../etc/passwd' }] }));
    expect(() => render({ plans: [], format: 'markdown', manifest: m })).toThrow(/leaves the manifest's directory/);
  });
});

describe('which PRs are planned by whose code', () => {
  test('only flags/<env>.json files are flags-only; the schema, code and workflows are code', () => {
    expect(changesOnlyFlags(['flags/sandbox.json', 'flags/production.json'])).toBe(true);
    expect(changesOnlyFlags(['flags/schema.json'])).toBe(false);
    expect(changesOnlyFlags(['flags/sandbox.json', 'package-lock.json'])).toBe(false);
    expect(changesOnlyFlags(['flags/../lib/x.json'])).toBe(false);
    expect(changesOnlyFlags([])).toBe(false);
    expect(planTrust({ fork: false, files: ['lib/a.ts'] })).toBe('same-repository');
    expect(planTrust({ fork: true, files: ['flags/dogfood.json'] })).toBe('fork-flags-only');
    expect(planTrust({ fork: true, files: ['.github/workflows/plan.yml'] })).toBe('fork-code');
  });
});

describe('plan-comment flags-from-ref and redact', () => {
  const gitIn = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' }).toString();

  function flagsRepo(): string {
    const repo = tempDir('flags-from-ref-');
    mkdirSync(path.join(repo, 'flags'));
    for (const f of ['sandbox.json', 'dogfood.json', 'production.json', 'schema.json']) {
      writeFileSync(path.join(repo, 'flags', f), readFileSync(path.join(__dirname, '..', '..', 'flags', f)));
    }
    gitIn(repo, 'init', '-q', '-b', 'main');
    gitIn(repo, 'add', '.');
    gitIn(repo, 'commit', '-q', '-m', 'base');
    return repo;
  }

  /** What `take` threw (undefined when it did not): a refusal's exit code and message. */
  function refusalOf(take: () => unknown): { exitCode?: number; message: string } | undefined {
    try {
      take();
    } catch (e) {
      return e as { exitCode?: number; message: string };
    }
    return undefined;
  }

  test('GIVEN a PR head that edits a flag and deletes an environment WHEN its flags are taken as data THEN the working tree has exactly its flags, validated', () => {
    // GIVEN a branch that raises sandbox retention and removes dogfood
    const repo = flagsRepo();
    gitIn(repo, 'checkout', '-q', '-b', 'pr');
    const sandbox = JSON.parse(readFileSync(path.join(repo, 'flags', 'sandbox.json'), 'utf8'));
    sandbox.accessLogs.expirationDays = 30;
    writeFileSync(path.join(repo, 'flags', 'sandbox.json'), JSON.stringify(sandbox));
    gitIn(repo, 'rm', '-q', 'flags/dogfood.json');
    gitIn(repo, 'commit', '-q', '-am', 'pr');
    gitIn(repo, 'checkout', '-q', 'main');
    // WHEN taken from the ref
    const files = flagsFromRef('pr', 'flags', repo);
    // THEN the tree has the PR's flags (and its own schema), nothing was checked out
    expect(files).toEqual([path.join('flags', 'production.json'), path.join('flags', 'sandbox.json')]);
    expect(existsSync(path.join(repo, 'flags', 'dogfood.json'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(repo, 'flags', 'sandbox.json'), 'utf8')).accessLogs.expirationDays).toBe(30);
    expect(gitIn(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('main');
  });

  test('GIVEN a PR head with an invalid flags file WHEN taken THEN refused with the flags problem (exit 3)', () => {
    const repo = flagsRepo();
    gitIn(repo, 'checkout', '-q', '-b', 'bad');
    const sandbox = JSON.parse(readFileSync(path.join(repo, 'flags', 'sandbox.json'), 'utf8'));
    sandbox.lockTable.backfillMinutes = 999999;
    writeFileSync(path.join(repo, 'flags', 'sandbox.json'), JSON.stringify(sandbox));
    gitIn(repo, 'commit', '-q', '-am', 'bad');
    gitIn(repo, 'checkout', '-q', 'main');
    const error = refusalOf(() => flagsFromRef('bad', 'flags', repo));
    expect(error?.exitCode).toBe(3);
    expect(error?.message).toMatch(/\$\.lockTable\.backfillMinutes: out of range/);
  });

  test('GIVEN a PR head whose flags file gives a field twice WHEN taken THEN refused, naming the lines as committed (the file is not rewritten first)', () => {
    // GIVEN a branch whose sandbox.json has two "arch" lines, the last one valid
    const repo = flagsRepo();
    gitIn(repo, 'checkout', '-q', '-b', 'twice');
    const file = path.join(repo, 'flags', 'sandbox.json');
    const text = readFileSync(file, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"arch"')) + 1;
    writeFileSync(file, text.replace(/^(\s*)"arch": "(\w+)",$/m, '$1"arch": "amd64",\n$1"arch": "$2",'));
    gitIn(repo, 'commit', '-q', '-am', 'twice');
    gitIn(repo, 'checkout', '-q', 'main');
    // WHEN
    const error = refusalOf(() => flagsFromRef('twice', 'flags', repo));
    // THEN
    expect(line).toBeGreaterThan(1);
    expect(error?.exitCode).toBe(3);
    expect(error?.message).toContain(`$.arch: the field is given 2 times in its object (line ${line}: "amd64"; line ${line + 1}: "arm64")`);
  });

  test('GIVEN a manifest of real plans with secrets WHEN redacted in place THEN the files hold none, and render the same comment', () => {
    const dir = tmp();
    const source = path.join(FIXTURES, 'terraform-data', 'secrets.json');
    writeFileSync(path.join(dir, 'secrets-fleet.plan.json'), readFileSync(source));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: [{ stack: 'secrets-fleet', environment: 'secrets', planFile: 'secrets-fleet.plan.json' }] }));
    const before = render({ plans: [], format: 'markdown', manifest: path.join(dir, 'manifest.json') });
    expect(redactManifest(path.join(dir, 'manifest.json'))).toEqual(['secrets-fleet.plan.json']);
    const text = readFileSync(path.join(dir, 'secrets-fleet.plan.json'), 'utf8');
    expect(text).not.toContain('Zk3qT9vW');
    expect(text).not.toContain('prior_state');
    expect(render({ plans: [], format: 'markdown', manifest: path.join(dir, 'manifest.json') })).toBe(before);
  });
});
