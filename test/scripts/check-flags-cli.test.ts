/**
 * `npm run check-flags` from the command line (`bin/run.mjs`, a Node process of its own):
 * the exit code and one stderr line per problem, and a file nested too deeply (finding 13,
 * issue 11) one line too, never a stack trace. The checks themselves are tested in-process
 * in check-flags.test.ts and lib/flags/json-text.test.ts (the depth limit).
 *
 * @integration: each test runs the script end to end in its own Node process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../lib/errors';
import { MAX_FLAGS_DEPTH } from '../../lib/flags/json-text';
import { tempDirs } from '../helpers/temp-dirs';

const tempDir = tempDirs();

const REPO = path.resolve(__dirname, '..', '..');

const checkFlagsCommand = (file: string) => spawnSync('node', ['bin/run.mjs', 'scripts/check-flags.ts', '--', file], { cwd: REPO, encoding: 'utf8' });

describe('npm run check-flags, from the command line', () => {
  it('exits non-zero from the command line, one line per problem on stderr', () => {
    // GIVEN a flags file with four problems
    const bad = 'test/fixtures/bad-flags/several-problems-all-reported/sandbox.json';

    // WHEN check-flags runs on it from the command line
    const result = checkFlagsCommand(bad);

    // THEN it exits 3, each problem on a line of its own that names the file and the JSON path, then the summary
    expect(result.status).toBe(ExitCode.FlagsInvalid);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('4 problems in 1 file(s).');
    expect(lines.slice(0, 4).every((l) => l.startsWith(`${bad}: $.`))).toBe(true);
  });

  it('reports a flags file nested too deeply as one problem line with exit 3, not a stack trace', () => {
    // GIVEN the sandbox flags with a tag value nested a million arrays deep
    const dir = tempDir('nested-');
    const file = path.join(dir, 'sandbox.json');
    const depth = 1_000_000;
    const flags = JSON.parse(readFileSync(path.join(REPO, 'flags/sandbox.json'), 'utf8'));
    flags.tags = { deep: '__DEEP__' };
    writeFileSync(file, JSON.stringify(flags).replace('"__DEEP__"', `${'['.repeat(depth)}${']'.repeat(depth)}`));

    // WHEN check-flags runs on it from the command line
    const result = checkFlagsCommand(file);

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
});
