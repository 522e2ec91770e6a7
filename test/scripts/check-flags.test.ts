import { checkFlags, main } from '../../scripts/check-flags';
import { shippedEnvironments } from '../helpers/environments';

describe('npm run check-flags', () => {
  it('accepts every shipped flags file', () => {
    const result = checkFlags([]);
    expect(result.exitCode).toBe(0);
    expect(result.lines).toEqual(shippedEnvironments().map((e) => `flags/${e}.json: ok (environment ${e})`));
    expect(result.lines).toContain('flags/sandbox.json: ok (environment sandbox)');
  });

  it('checks one file against the others: a clash with another environment is caught', () => {
    const dir = 'test/fixtures/bad-flags/bucket-names-shared-across-environments';
    const result = checkFlags([`${dir}/production.json`], { flagsDir: dir });
    expect(result.exitCode).toBe(3);
    expect(result.lines[0]).toMatch(/production\.json: \$\.naming\.prefix: bucket name is also used by .*dogfood\.json/);
  });

  it('prints its usage for --help, and exits 0', () => {
    // GIVEN --help
    const lines: string[] = [];

    // WHEN
    const code = main(['--', '--help'], (l) => lines.push(l));

    // THEN
    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^usage: npm run check-flags -- \[flags\/<environment>\.json\.\.\.\]/)]);
  });

  it('refuses an unknown option as a usage error (exit 2), not as an unreadable flags file', () => {
    // GIVEN an option check-flags does not have
    // WHEN / THEN
    expect(() => main(['--', '--all'])).toThrow(/unknown option "--all"; check-flags takes only flags files\n\nusage: npm run check-flags/);
    let thrown: unknown;
    try {
      main(['--all']);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ exitCode: 2 });
  });
});
