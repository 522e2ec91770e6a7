import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkFlags } from '../../scripts/check-flags';

const REPO = path.resolve(__dirname, '..', '..');

describe('npm run check-flags', () => {
  it('accepts every shipped flags file', () => {
    const result = checkFlags([]);
    expect(result.exitCode).toBe(0);
    expect(result.lines).toEqual([
      'flags/dogfood.json: ok (environment dogfood)',
      'flags/production.json: ok (environment production)',
      'flags/sandbox.json: ok (environment sandbox)',
    ]);
  });

  it('exits non-zero from the command line, one line per problem on stderr', () => {
    const bad = 'test/fixtures/bad-flags/several-problems-all-reported/sandbox.json';
    const result = spawnSync('node', ['bin/run.mjs', 'scripts/check-flags.ts', '--', bad], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(3);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('4 problems in 1 file(s).');
    expect(lines.slice(0, 4).every((l) => l.startsWith(`${bad}: $.`))).toBe(true);
  });

  it('checks one file against the others: a clash with another environment is caught', () => {
    const dir = 'test/fixtures/bad-flags/bucket-names-shared-across-environments';
    const result = checkFlags([`${dir}/production.json`], { flagsDir: dir });
    expect(result.exitCode).toBe(3);
    expect(result.lines[0]).toMatch(/production\.json: \$\.naming\.prefix: bucket name is also used by .*dogfood\.json/);
  });
});
