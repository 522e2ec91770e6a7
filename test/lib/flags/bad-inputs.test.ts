/**
 * The bad-input suite: each directory under test/fixtures/bad-flags/ holds one or
 * more flags files that are wrong in one deliberate way, and expected.txt with the
 * exact lines `npm run check-flags` must print for them. Every case must fail.
 *
 * To add a case: create the directory and its flags files, run this suite with
 * FLEETFLAGS_UPDATE_FIXTURES=1 to write expected.txt, then read it: it must name
 * exactly the intended problem.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../../lib/errors';
import { checkFlags } from '../../../scripts/check-flags';

const ROOT = path.join('test', 'fixtures', 'bad-flags');
const NOW = new Date('2026-11-21T12:00:00Z');
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('bad flags files', () => {
  it('holds at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('%s is rejected with exactly the expected problems', (name) => {
    // GIVEN a directory of flags files with one deliberate mistake
    const dir = path.join(ROOT, name);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => path.join(dir, f));

    // WHEN check-flags runs on them
    const result = checkFlags(files, { now: NOW, flagsDir: dir });
    const problems = result.lines.slice(0, -1); // the last line is the summary

    // THEN it exits non-zero and prints exactly the expected lines
    const expectedFile = path.join(dir, 'expected.txt');
    if (process.env.FLEETFLAGS_UPDATE_FIXTURES === '1') writeFileSync(expectedFile, `${problems.join('\n')}\n`);
    // A case without expected.txt fails (never passes by writing what it got): the file is written only on request.
    if (!existsSync(expectedFile)) throw new Error(`${expectedFile} is missing: run this suite with FLEETFLAGS_UPDATE_FIXTURES=1 to write it, then read it`);
    expect(result.exitCode).toBe(ExitCode.FlagsInvalid);
    expect(problems).toEqual(readFileSync(expectedFile, 'utf8').trimEnd().split('\n'));
    for (const line of problems) {
      expect(line).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^/]+\\.json: \\$`));
      expect(line).toMatch(/; got .+; allowed: .+/);
    }
  });
});
