import { parseCommandLine } from '../../lib/cli';
import { ExitCode } from '../../lib/errors';

const USAGE = 'npm run thing -- --env <environment>';

describe('parseCommandLine', () => {
  it('drops the `--` npm passes and returns the values', () => {
    const parsed = parseCommandLine<{ env?: string }>(['--', '--env', 'sandbox'], { usage: USAGE, options: { env: { type: 'string' } } });
    expect(parsed).toEqual({ values: { env: 'sandbox' }, positionals: [], help: false });
  });

  it('knows --help and -h in every script', () => {
    expect(parseCommandLine(['--help'], { usage: USAGE, options: {} }).help).toBe(true);
    expect(parseCommandLine(['-h'], { usage: USAGE, options: {} }).help).toBe(true);
  });

  it('turns an unknown option or a stray positional into a usage error that shows the usage', () => {
    for (const args of [['--nope'], ['extra']]) {
      expect(() => parseCommandLine(args, { usage: USAGE, options: {} })).toThrow(
        expect.objectContaining({ exitCode: ExitCode.Usage, message: expect.stringContaining(`usage: ${USAGE}`) }),
      );
    }
  });

  it('allows positionals when asked', () => {
    expect(parseCommandLine(['a.json'], { usage: USAGE, options: {}, allowPositionals: true }).positionals).toEqual(['a.json']);
  });
});
