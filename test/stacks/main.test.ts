/**
 * The cdktf app command itself (what `cdktf synth` and `cdktf diff` run): it
 * validates every flags file first, and writes nothing when one is bad.
 *
 * @integration: runs the cdktf app command end to end, twice, in its own Node processes; left out of `npm run test:quick`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirs } from '../helpers/temp-dirs';
import { shippedEnvironments } from '../helpers/environments';

const tempDir = tempDirs();

const REPO = path.resolve(__dirname, '..', '..');
const appCommand = JSON.parse(readFileSync(path.join(REPO, 'cdktf.json'), 'utf8')).app as string;

function runApp(cwd: string) {
  const [cmd, ...args] = appCommand.split(' ');
  return spawnSync(cmd, args.map((a) => (a.endsWith('.mjs') || a.endsWith('.ts') ? path.join(REPO, a) : a)), {
    cwd,
    encoding: 'utf8',
  });
}

function projectCopy(): string {
  const dir = tempDir('app-');
  cpSync(path.join(REPO, 'flags'), path.join(dir, 'flags'), { recursive: true });
  return dir;
}

describe('cdktf app command', () => {
  it('synthesizes every stack and links the provider mirror when the flags are valid', () => {
    const dir = projectCopy();
    const result = runApp(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const stack of shippedEnvironments().flatMap((e) => [`${e}-data`, `${e}-fleet`])) {
      expect(existsSync(path.join(dir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'))).toBe(true);
    }
    const link = path.join(dir, 'cdktf.out', 'stacks', 'sandbox-data', 'terraform.d', 'plugins');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('prints every problem, exits 3 and writes nothing to cdktf.out when a flags file is bad', () => {
    // GIVEN a bad sandbox file (two problems) next to good ones
    const dir = projectCopy();
    const sandbox = JSON.parse(readFileSync(path.join(dir, 'flags', 'sandbox.json'), 'utf8'));
    sandbox.lockTable.backfillMinutes = 20160;
    sandbox.arch = 'x86';
    writeFileSync(path.join(dir, 'flags', 'sandbox.json'), JSON.stringify(sandbox));

    // WHEN the app runs
    const result = runApp(dir);

    // THEN
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('2 problems in the flags files; nothing was synthesized:');
    expect(result.stderr).toContain('flags/sandbox.json: $.lockTable.backfillMinutes: out of range; got 20160; allowed: at most 10080');
    expect(result.stderr).toContain('flags/sandbox.json: $.arch: not one of the allowed values; got "x86"; allowed: "arm64" (Graviton) or "amd64" (x86-64)');
    expect(existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
  });
});
