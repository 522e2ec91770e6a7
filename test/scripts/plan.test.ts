/**
 * `npm run plan`: its arguments, and a real run in a temporary git repository.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, parsePlanArgs, SUMMARY_FILE } from '../../scripts/plan';
import { testBaselineCache } from '../helpers/baseline-cache';
import { git, tempProjectRepo } from '../helpers/plan-fixtures';

describe('npm run plan: arguments', () => {
  test('defaults', () => {
    expect(parsePlanArgs([])).toEqual({ environments: [], concurrency: 2, outDir: path.join('out', 'plan'), cache: true, append: false });
  });

  test('every option', () => {
    expect(
      parsePlanArgs(['--env', 'sandbox', '--env', 'dogfood,production', '--changed-since', 'main', '--base', 'v1', '--real', '--concurrency', '3', '--out', 'o', '--no-cache', '--append']),
    ).toEqual({ environments: ['sandbox', 'dogfood', 'production'], changedSince: 'main', baseRef: 'v1', mode: 'real', concurrency: 3, outDir: 'o', cache: false, append: true });
  });

  test('bad input is a usage error', () => {
    expect(() => parsePlanArgs(['--concurrency', '0'])).toThrow(/--concurrency must be a whole number of at least 1; got "0"/);
    expect(() => parsePlanArgs(['--real', '--speculative'])).toThrow(/exclude each other/);
    expect(() => parsePlanArgs(['--nope'])).toThrow(/usage: npm run plan/);
  });

  test('--help prints the usage and exits 0, planning nothing', async () => {
    const lines: string[] = [];

    const code = await main(['--', '--help'], (l) => lines.push(l));

    expect(code).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^usage: npm run plan -- \[--env <env>\]/)]);
  });
});

describe('npm run plan: a failed run', () => {
  test('GIVEN a summary.md of an earlier run WHEN the plan fails THEN it is removed, so it cannot pass for this run', async () => {
    // GIVEN an out dir holding the previous run's summary
    const out = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-plan-out-'));
    writeFileSync(path.join(out, SUMMARY_FILE), '## Terraform plan\n\n✅ **No changes.**\n');
    // WHEN this run fails (an environment with no flags file)
    await expect(main(['--env', 'no-such-env', '--out', out], () => {})).rejects.toThrow(/no-such-env/);
    // THEN no summary is left behind
    expect(existsSync(path.join(out, SUMMARY_FILE))).toBe(false);
    rmSync(out, { recursive: true, force: true });
  });
});

describe('npm run plan -- --changed-since main, in a temporary git repository', () => {
  let repo: string;
  afterAll(() => repo && rmSync(repo, { recursive: true, force: true }));

  test('plans exactly the stacks a flag change affects, and shows that change', () => {
    // GIVEN the project committed on main, and a branch that keeps sandbox access logs 30 days
    repo = tempProjectRepo();
    git(repo, 'checkout', '-q', '-b', 'change-expiry');
    const file = path.join(repo, 'flags', 'sandbox.json');
    const flags = JSON.parse(readFileSync(file, 'utf8'));
    expect(flags.accessLogs.expirationDays).toBe(14);
    flags.accessLogs.expirationDays = 30;
    writeFileSync(file, `${JSON.stringify(flags, null, 2)}\n`);
    git(repo, 'commit', '-q', '-am', 'Keep sandbox access logs 30 days');

    // WHEN npm run plan -- --changed-since main runs there, without AWS credentials, with the test
    // run's baseline cache (FLEETFLAGS_BASELINE_CACHE: fresh each run, never the machine's own)
    const env: NodeJS.ProcessEnv = { ...process.env, FLEETFLAGS_BASELINE_CACHE: testBaselineCache() };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
    const stdout = execFileSync('node', ['bin/run.mjs', 'scripts/plan.ts', '--changed-since', 'main'], { cwd: repo, env, stdio: 'pipe' }).toString();

    // THEN the output mentions the stack's result once
    expect(stdout.split('\n').filter((l) => l.startsWith('sandbox-data:'))).toEqual([
      expect.stringMatching(/^sandbox-data: 0 to create, 1 to update, 0 to replace, 0 to destroy \[speculative, base main, [\d.]+s\]$/),
    ]);

    // THEN only sandbox-data is planned, speculatively against main, with that one update
    const out = path.join(repo, 'out', 'plan');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks.map((s: { stack: string }) => s.stack)).toEqual(['sandbox-data']);
    expect(manifest.stacks[0]).toEqual(
      expect.objectContaining({ environment: 'sandbox', planFile: 'sandbox-data.plan.json', speculative: true, mode: 'speculative', baseRef: 'main', changed: true }),
    );
    expect(manifest.stacks[0].counts).toEqual(expect.objectContaining({ create: 0, update: 1, delete: 0, replace: 0 }));
    expect(manifest.unchanged).toEqual(expect.arrayContaining(['sandbox-fleet', 'production-data', 'production-fleet', 'dogfood-data']));
    expect(manifest).toEqual(expect.objectContaining({ mode: 'speculative', baseRef: 'main', changedSince: 'main' }));

    const plan = JSON.parse(readFileSync(path.join(out, 'sandbox-data.plan.json'), 'utf8'));
    expect(plan.fleetflags).toEqual(expect.objectContaining({ speculative: true, baseline: 'base' }));
    const changed = plan.resource_changes.filter((c: { change: { actions: string[] } }) => c.change.actions.join() !== 'no-op');
    expect(changed).toHaveLength(1);
    expect(changed[0].address).toMatch(/^aws_s3_bucket_lifecycle_configuration\.AccessLogs_Lifecycle/);
    expect([changed[0].change.before.rule[0].expiration[0].days, changed[0].change.after.rule[0].expiration[0].days]).toEqual([14, 30]);

    // AND the base and head flags files are there for the flags-changed table
    const base = JSON.parse(readFileSync(path.join(out, manifest.baseFlags.sandbox), 'utf8'));
    const head = JSON.parse(readFileSync(path.join(out, manifest.headFlags.sandbox), 'utf8'));
    expect([base.accessLogs.expirationDays, head.accessLogs.expirationDays]).toEqual([14, 30]);

    // AND the rendered comment shows exactly that change, in exactly that stack, as speculative
    const comment = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(comment).toContain('<!-- fleetflags:plan -->');
    expect(comment).toMatch(/Speculative plan/);
    expect(comment).toContain('| `$.accessLogs.expirationDays` | `14` | `30` |');
    expect(comment).toMatch(/#### `sandbox-data`\n\n.*\*\*Plan:\*\* 0 to add, 1 to change, 0 to destroy/);
    expect(comment).toContain('aws_s3_bucket_lifecycle_configuration.AccessLogs_Lifecycle');
    expect(comment).toMatch(/days: 14 → 30/);
    expect(comment).not.toContain('#### `sandbox-fleet`');
    expect(comment).not.toMatch(/#### `(dogfood|production)-/);
  });

  test('an unknown ref is a clear usage error', () => {
    const result = (() => {
      try {
        execFileSync('node', ['bin/run.mjs', 'scripts/plan.ts', '--changed-since', 'no-such-branch'], { cwd: repo, stdio: 'pipe' });
        return { status: 0, stderr: '' };
      } catch (e) {
        const err = e as { status: number; stderr: Buffer };
        return { status: err.status, stderr: err.stderr.toString() };
      }
    })();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown git ref "no-such-branch"/);
  });
});
