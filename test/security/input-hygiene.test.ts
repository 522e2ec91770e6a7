/**
 * Finding 13 (issue 11), the inputs: a flags file nested too deeply is one line and
 * exit 3, never a stack trace; `--pr` is a plain positive integer only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../lib/errors';
import { firstTooDeep, MAX_FLAGS_DEPTH } from '../../lib/flags/json-text';
import { parsePullRequestNumber } from '../../scripts/plan-comment';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();

const REPO = path.resolve(__dirname, '..', '..');

describe('a flags file nested too deeply', () => {
  it('is one problem line with exit 3, not a stack trace', () => {
    // GIVEN the sandbox flags with a tag value nested a million arrays deep
    const dir = tempDir('nested-');
    const file = path.join(dir, 'sandbox.json');
    const depth = 1_000_000;
    const flags = JSON.parse(readFileSync(path.join(REPO, 'flags/sandbox.json'), 'utf8'));
    flags.tags = { deep: '__DEEP__' };
    writeFileSync(file, JSON.stringify(flags).replace('"__DEEP__"', `${'['.repeat(depth)}${']'.repeat(depth)}`));

    // WHEN check-flags runs on it from the command line
    const result = spawnSync('node', ['bin/run.mjs', 'scripts/check-flags.ts', '--', file], { cwd: REPO, encoding: 'utf8' });

    // THEN it exits 3 with exactly one problem line (and the summary), naming where
    expect(result.status).toBe(ExitCode.FlagsInvalid);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${file}: $.tags.deep${'[0]'.repeat(MAX_FLAGS_DEPTH - 2)}: nested too deeply (more than ${MAX_FLAGS_DEPTH} levels of objects and arrays); ` +
        `got "an array nested deeper than ${MAX_FLAGS_DEPTH} levels"; allowed: at most ${MAX_FLAGS_DEPTH} levels; flags/schema.json nests at most 4; ` +
        'fix: remove the nested value; flags/schema.json lists every field',
      '1 problem in 1 file(s).',
    ]);
    expect(result.stderr).not.toMatch(/RangeError|at .*\.cjs/);
  });

  it('leaves the shipped files alone: they nest well within the limit', () => {
    for (const env of ['sandbox', 'dogfood', 'production']) {
      expect(firstTooDeep(JSON.parse(readFileSync(path.join(REPO, `flags/${env}.json`), 'utf8')), MAX_FLAGS_DEPTH)).toBeUndefined();
    }
  });
});

describe('--pr', () => {
  it.each(['1', '42', '65536'])('accepts the plain positive integer %s', (v) => {
    expect(parsePullRequestNumber(v)).toBe(Number(v));
  });

  it.each(['0', '-1', '1e3', '0x10', ' 12', '12 ', '012', '1.0', '+5', '', '99999999999999999'])('refuses %j with a usage error', (v) => {
    // GIVEN a value Number() would have accepted (or a non-number) WHEN parsed THEN a usage error names it
    expect(() => parsePullRequestNumber(v)).toThrow(/--pr must be a pull-request number, a plain positive integer/);
    try {
      parsePullRequestNumber(v);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(ExitCode.Usage);
    }
  });
});
