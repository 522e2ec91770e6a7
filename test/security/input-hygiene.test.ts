/**
 * Finding 13 (issue 11), the inputs: a flags file nested too deeply is one line and
 * exit 3, never a stack trace (from the command line: scripts/check-flags-cli.test.ts);
 * `--pr` is a plain positive integer only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../lib/errors';
import { firstTooDeep, MAX_FLAGS_DEPTH } from '../../lib/flags/json-text';
import { parsePullRequestNumber } from '../../scripts/plan-comment';
import { shippedEnvironments } from '../helpers/environments';

const REPO = path.resolve(__dirname, '..', '..');

describe('a flags file nested too deeply', () => {
  it('leaves the shipped files alone: they nest well within the limit', () => {
    const environments = shippedEnvironments(path.join(REPO, 'flags'));
    expect(environments).toContain('sandbox');
    for (const env of environments) {
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
