/**
 * The type check as a suite of `npm test`: `tsc -p .` (incremental, `.tsc-cache/`) over
 * stacks, lib, scripts and test, running in one jest worker while the others run the
 * rest, instead of before all of them. A type error is a failed test naming the file,
 * line and message; `npm run typecheck` runs the same command alone.
 *
 * @integration: a compiler run of seconds (left out of `npm run test:quick`).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

describe('the type check', () => {
  test('GIVEN the project (tsconfig.json) WHEN type-checked THEN tsc reports no error', async () => {
    expect(await tsc(['-p', '.'])).toEqual({ status: 0, output: '' });
  }, 300_000);

  test('GIVEN npm run typecheck THEN it is the same command', () => {
    const scripts = (require(path.join(ROOT, 'package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.typecheck).toBe('tsc -p .');
  });
});
