/**
 * Quiet output: everything started through bin/run.mjs (every npm script and the
 * cdktf app command) runs with CHECKPOINT_DISABLE=1, so neither Terraform nor the
 * app tries HashiCorp's version-check service (offline, that is an [ERROR] line),
 * and without the AWS SDK's eight-line Node-version notice on Node 20.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

