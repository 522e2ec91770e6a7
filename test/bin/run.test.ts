/**
 * Quiet output: everything started through bin/run.mjs (every npm script and the
 * cdktf app command) runs with CHECKPOINT_DISABLE=1, so neither Terraform nor the
 * app tries HashiCorp's version-check service (offline, that is an [ERROR] line),
 * and without the AWS SDK's eight-line Node-version notice on Node 20.
 *
 * @integration: runs bin/run.mjs end to end, each run a Node process of its own that bundles its
 * entry with esbuild (about 1 s of CPU in all); left out of `npm run test:quick`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const ENTRY = 'test/fixtures/run/print-env.ts';
const SDK_ENTRY = 'test/fixtures/run/make-sdk-client.ts';
const SDK_NOTICE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

function run(env: NodeJS.ProcessEnv, name = 'CHECKPOINT_DISABLE'): string {
  const r = spawnSync(process.execPath, ['bin/run.mjs', ENTRY, name], { cwd: REPO, env, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe('bin/run.mjs', () => {
  test('sets CHECKPOINT_DISABLE=1 when the caller did not', () => {
    // GIVEN an environment without it
    const { CHECKPOINT_DISABLE: _unset, ...env } = process.env;
    // WHEN / THEN the entry point (and what it starts) sees it set
    expect(run(env)).toBe('CHECKPOINT_DISABLE=1');
  });

  test('keeps a value the caller chose (an empty one turns the checks back on)', () => {
    expect(run({ ...process.env, CHECKPOINT_DISABLE: '' })).toBe('CHECKPOINT_DISABLE=');
  });

  test('the cdktf app command and the npm scripts go through it; cdktf itself gets it from npm run synth / diff', () => {
    expect(JSON.parse(readFileSync(path.join(REPO, 'cdktf.json'), 'utf8')).app).toMatch(/^node bin\/run\.mjs /);
    const scripts = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const [name, command] of Object.entries(scripts)) {
      if (/\bcdktf\b/.test(command)) expect([name, command]).toEqual([name, expect.stringMatching(/^CHECKPOINT_DISABLE=1 cdktf /)]);
      else if (command.startsWith('node ')) expect([name, command]).toEqual([name, expect.stringMatching(/^node bin\/run\.mjs /)]);
    }
  });
});

describe('bin/run.mjs entry points', () => {
  test.each([
    ['a path from another directory that leaves the project', '../../scripts/check-flags.ts', '/scripts/check-flags.ts'],
    ['a file that does not exist', 'scripts/no-such-script.ts', 'scripts/no-such-script.ts'],
    ['a file that is not TypeScript', 'package.json', 'package.json'],
  ])('GIVEN %s WHEN run THEN exit 2 naming the entry and what is allowed, and nothing built', (_what, entry, resolvedTail) => {
    // WHEN
    const r = spawnSync(process.execPath, ['bin/run.mjs', entry], { cwd: REPO, encoding: 'utf8' });
    // THEN
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`bin/run.mjs: no entry point ${JSON.stringify(entry)} (resolved against the project root: `);
    expect(r.stderr).toContain(resolvedTail);
    expect(r.stderr).toContain('Allowed: a .ts file of the project, such as scripts/check-flags.ts.');
    expect(r.stderr).not.toMatch(/esbuild|at /);
    // AND no bundle where the entry's name would have put one (for a path that leaves the project, outside dist/)
    expect(existsSync(path.join(REPO, 'dist', entry.replace(/\.(ts|json)$/, '.cjs')))).toBe(false);
  });

  test('GIVEN the project\'s absolute path to an entry WHEN run THEN it runs, bundled where the relative path bundles it', () => {
    const absolute = spawnSync(process.execPath, ['bin/run.mjs', path.join(REPO, ENTRY), 'CHECKPOINT_DISABLE'], { cwd: REPO, encoding: 'utf8' });
    expect({ status: absolute.status, stdout: absolute.stdout, stderr: absolute.stderr }).toEqual({ status: 0, stdout: 'CHECKPOINT_DISABLE=1\n', stderr: '' });
    expect(existsSync(path.join(REPO, 'dist', ENTRY.replace(/\.ts$/, '.cjs')))).toBe(true);
  });
});

describe('bin/run.mjs bundles', () => {
  test('GIVEN an entry that checks flags text WHEN run THEN jsonc-parser works from inside the bundle (its ES module build), and the bundle is built again when bin/run.mjs changes', () => {
    // GIVEN WHEN
    const entry = 'test/fixtures/run/duplicate-fields.ts';
    const r = spawnSync(process.execPath, ['bin/run.mjs', entry, '{"a": 1, "a": 2}'], { cwd: REPO, encoding: 'utf8' });
    // THEN the duplicate is found
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('f.json: $.a: the field is given 2 times in its object (line 1, column 2: 1; line 1, column 10: 2)');
    // by a bundled copy: no require of the package is left (its UMD main would not bundle)
    const bundle = path.join(REPO, 'dist', entry.replace(/\.ts$/, '.cjs'));
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/require\("(jsonc-parser|zod)"\)/);
    // and bin/run.mjs is among the inputs whose change builds the bundle again
    expect(Object.keys(JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8')))).toEqual(expect.arrayContaining(['bin/run.mjs', 'lib/flags/json-text.ts']));
  });
});

describe("bin/run.mjs and the AWS SDK's Node-version notice", () => {
  const makeClient = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['bin/run.mjs', SDK_ENTRY], { cwd: REPO, env, encoding: 'utf8' });
  const { [SDK_NOTICE]: _unset, ...withoutSetting } = process.env;

  test('GIVEN no setting WHEN an entry point makes an SDK client THEN it prints its line and nothing on stderr', () => {
    // GIVEN / WHEN
    const r = makeClient(withoutSetting);
    // THEN
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: 'client made\n', stderr: '' });
    expect(run(withoutSetting, SDK_NOTICE)).toBe(`${SDK_NOTICE}=true`);
  });

  test('GIVEN the caller chose to see it WHEN an entry point makes an SDK client on Node 20 THEN the notice is printed', () => {
    // GIVEN
    const env = { ...withoutSetting, [SDK_NOTICE]: 'false' };
    // WHEN
    const r = makeClient(env);
    // THEN (Node 22 and later get no notice from the SDK at all)
    expect(r.status).toBe(0);
    if (Number(process.versions.node.split('.')[0]) < 22) expect(r.stderr).toMatch(/NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)/);
    else expect(r.stderr).toBe('');
  });
});

