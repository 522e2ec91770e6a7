/**
 * scripts/deploy.ts's command line: the promotion order CI reads, and usage errors.
 * (Deploys themselves: test/lib/deploy/deploy.test.ts and test/e2e/sandbox-lifecycle.test.ts.)
 */
import { formatProcessCounts, main } from '../../scripts/deploy';
import { ExitCode } from '../../lib/errors';
import { deployableEnvironments, shippedEnvironments } from '../helpers/environments';

describe('npm run deploy', () => {
  test('--print-order prints only the JSON array of deployable environments, in deploy.order', async () => {
    // GIVEN the repository's flags (today dogfood, order 1; production, order 2; sandbox, offline, never deployed)
    const lines: string[] = [];

    // WHEN
    const code = await main(['--', '--print-order'], { print: (l) => lines.push(l) });

    // THEN CI can read it straight into a matrix
    expect(code).toBe(0);
    expect(lines).toEqual([JSON.stringify(deployableEnvironments())]);
    expect(deployableEnvironments()).toEqual(expect.arrayContaining(['dogfood', 'production']));
  });

  test('--env is required, and must name an environment', async () => {
    await expect(main([], { print: () => undefined })).rejects.toMatchObject({ exitCode: ExitCode.Usage, message: expect.stringMatching(/--env is required/) });
    await expect(main(['--env', 'no-such-env'], { print: () => undefined })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringContaining(`Unknown environment "no-such-env"; the environments are ${shippedEnvironments().map((e) => JSON.stringify(e)).join(', ')}`),
    });
    await expect(main(['--env', 'sandbox', '--health-timeout', 'soon'], { print: () => undefined })).rejects.toThrow(/--health-timeout must be a whole number/);
    await expect(main(['--bogus'], { print: () => undefined })).rejects.toMatchObject({ exitCode: ExitCode.Usage });
  });

  test('--stack names a stack the deploy applies: never the access stack, which only an administrator applies', async () => {
    await expect(main(['--env', 'dogfood', '--stack', 'dogfood-access', '--plan-only'], { print: () => undefined })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/--stack "dogfood-access" is not a stack npm run deploy deploys in dogfood; allowed: dogfood-data, dogfood-fleet \(the access stack/),
    });
  });

  test('the Terraform processes a deploy started are one line: the total, then by command', () => {
    expect(formatProcessCounts({ plan: 2, show: 2, apply: 1 })).toBe('5 (plan 2, show 2, apply 1)');
    expect(formatProcessCounts({})).toBe('0');
  });

  test('--help prints the usage and exits 0', async () => {
    // GIVEN --help WHEN
    const lines: string[] = [];
    const code = await main(['--', '--help'], { print: (l) => lines.push(l) });

    // THEN
    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^usage: npm run deploy -- --env <environment>[^]*--print-order \[--from-ref <ref>\]$/)]);
  });

  test('--print-order with --env is a usage error, not a silently ignored --env', async () => {
    await expect(main(['--env', 'sandbox', '--print-order'], { print: () => undefined })).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: expect.stringMatching(/^--print-order deploys nothing and takes no --env/),
    });
  });
});

