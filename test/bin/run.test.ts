/**
 * Quiet output: everything started through bin/run.mjs (every npm script and the
 * cdktf app command) runs with CHECKPOINT_DISABLE=1, so neither Terraform nor the
 * app tries HashiCorp's version-check service (offline, that is an [ERROR] line).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const ENTRY = 'test/fixtures/run/print-env.ts';

function run(env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, ['bin/run.mjs', ENTRY, 'CHECKPOINT_DISABLE'], { cwd: REPO, env, encoding: 'utf8' });
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
