/**
 * `npm test` and `npm run test:sandbox` split the suites between them: the sandbox
 * lifecycle (a real first deploy to the AWS emulator, minutes) runs alone, every
 * other suite under `npm test`, and together they run every suite exactly once.
 *
 * @integration: runs jest itself five times, each in a Node process of its own (about 2 s of
 * CPU); left out of `npm run test:quick`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

/** The suites jest would run with a config, as paths relative to the project. */
function listed(config: string): string[] {
  const out = execFileSync(process.execPath, [JEST, '--config', config, '--listTests', '--json'], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((f) => path.relative(ROOT, f)).sort();
}

const suites = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? suites(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
  );

describe('npm test and npm run test:sandbox', () => {
  test('npm test runs every suite but the sandbox lifecycle; test:sandbox runs exactly that one; together, each suite once', () => {
    // GIVEN every suite in test/ and the scripts of package.json
    const all = suites('test').sort();
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toBe('jest');
    expect(scripts['test:sandbox']).toBe('jest --config jest.sandbox.config.js');

    // WHEN jest lists what each config runs
    const main = listed('jest.config.js');
    const sandbox = listed('jest.sandbox.config.js');

    // THEN the lifecycle is only in test:sandbox, everything else only in npm test
    expect(sandbox).toEqual(['test/e2e/sandbox-lifecycle.test.ts']);
    expect(main).not.toContain('test/e2e/sandbox-lifecycle.test.ts');
    expect([...main, ...sandbox].sort()).toEqual(all);
  });

  test('.ci/run runs both at once, waits for both, and sums both result files into its closing line', () => {
    // GIVEN .ci/run WHEN read THEN test:sandbox in the background (its lines prefixed), npm test, then a
    // wait for the lifecycle's status; each with its own JSON results, both summed
    const run = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    // (in braces: a bare background pipeline that ended before the wait reports sed's status, not the lifecycle's)
    const sandbox = run.indexOf(`{ npm run test:sandbox -- --json --outputFile="$sandbox_results" 2>&1 | sed -u 's/^/[test:sandbox] /'; } &`);
    expect(sandbox).toBeGreaterThan(0);
    expect(run.indexOf('npm test -- --json --outputFile="$results"')).toBeGreaterThan(sandbox);
    expect(run).toMatch(/sandbox_pid=\$!\n[\s\S]*\nwait "\$sandbox_pid"\nsandbox_status=\$\?\n/);
    expect(run.indexOf('wait "$sandbox_pid"')).toBeGreaterThan(run.indexOf('npm test -- --json'));
    expect(run).toMatch(/"\$lint_failed" "\$results" "\$sandbox_results"\)/);
  });
});

describe('the suites of what changed (npm run test:quick -- -o)', () => {
  test('GIVEN a source file in lib/ WHEN jest is asked for the suites related to it THEN the suites that import it, and only those', () => {
    // WHEN
    const out = execFileSync(process.execPath, [JEST, '--listTests', '--json', '--findRelatedTests', 'lib/deploy/drift.ts'], { cwd: ROOT, encoding: 'utf8' });
    const related = (JSON.parse(out) as string[]).map((f) => path.relative(ROOT, f));
    // THEN its own suite and the drift script's (scripts/drift.ts imports it); not, say, the flags schema's
    expect(related).toEqual(expect.arrayContaining(['test/lib/deploy/drift.test.ts', 'test/lib/deploy/drift-plans.test.ts']));
    expect(related).not.toContain('test/lib/flags/schema.test.ts');
    expect(related.length).toBeLessThan(10);
  });

  /** The suites jest relates to `files` (paths relative to the project), as test:quick -- -o would pick them. */
  const relatedTo = (...files: string[]): string[] => {
    const out = execFileSync(process.execPath, [JEST, '--listTests', '--json', '--findRelatedTests', ...files], { cwd: ROOT, encoding: 'utf8' });
    return (JSON.parse(out) as string[]).map((f) => path.relative(ROOT, f)).sort();
  };

  test('GIVEN a flags file (read, not imported) WHEN jest is asked for the suites related to it THEN the suites that read the flags files, through lib/flags/load.ts or a helper', () => {
    // GIVEN an edit of flags/sandbox.json (its folder is one of jest's roots: git's list of changes includes it)
    expect(require('../../jest.config.js').roots).toEqual(expect.arrayContaining(['<rootDir>/flags', '<rootDir>/docs', '<rootDir>/.github/workflows'])); // eslint-disable-line @typescript-eslint/no-require-imports
    // WHEN
    const related = relatedTo('flags/sandbox.json');
    // THEN load.ts's own suite (it declares `@reads flags/*.json`), a suite that imports it through a script,
    // one through the fleet-flags helper, one through the environments helper, and one that reads the file itself
    expect(related).toEqual(
      expect.arrayContaining([
        'test/lib/flags/load.test.ts',
        'test/scripts/check-flags.test.ts',
        'test/stacks/fleet-stack.test.ts',
        'test/scripts/gen-workflows.test.ts',
        'test/lib/flags/schema.test.ts',
      ]),
    );
    // not the suites that read no flags file
    expect(related).not.toContain('test/lib/deploy/health.test.ts');
    expect(related).not.toContain('test/workflows/handoff-workflow.test.ts');
  });

  test('GIVEN a doc and a workflow WHEN jest is asked for the suites related to them THEN exactly the suites that read them', () => {
    // (the linter's and the generator's suites read every workflow; deploy-workflows.test.ts reads only the
    // deploy, drift and rollback workflows, so not this one)
    expect(relatedTo('docs/operating.md', '.github/workflows/handoff.yml')).toEqual([
      'test/lib/ci/workflow-lint.test.ts',
      'test/lib/monitoring/signals.test.ts',
      'test/scripts/gen-workflows.test.ts',
      'test/workflows/handoff-workflow.test.ts',
      'test/workflows/security-workflows.test.ts',
    ]);
  });
});

describe('the environment jest.config.js gives the workers', () => {
  const VAR = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  /** The variable as a process sees it after loading the config (the workers jest forks inherit it). */
  const afterLoading = (value: string | undefined): string => {
    const env = { ...process.env };
    if (value === undefined) delete env[VAR];
    else env[VAR] = value;
    const script = `require(${JSON.stringify(path.join(ROOT, 'jest.config.js'))}); process.stdout.write(String(process.env.${VAR}))`;
    return execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  };

  test('GIVEN no setting WHEN the config loads THEN the AWS SDK\'s Node-version notice is off; a caller\'s own value stays', () => {
    expect(afterLoading(undefined)).toBe('true');
    expect(afterLoading('false')).toBe('false');
  });

  /** The V8 options jest would fork its workers with, after loading the config in a Node started with `execArgv`. */
  const workerExecArgv = (execArgv: readonly string[]): string[] => {
    const script = `require(${JSON.stringify(path.join(ROOT, 'jest.config.js'))}); process.stdout.write(JSON.stringify(process.execArgv))`;
    const after = JSON.parse(execFileSync(process.execPath, [...execArgv, '-e', script], { encoding: 'utf8' })) as string[];
    return after.filter((arg) => arg.startsWith('--')); // not -e and its script
  };

  // jest-worker forks its workers with process.execArgv (no forkOptions.execArgv of ours): what this returns.
  test('GIVEN no V8 option WHEN the config loads THEN the workers run without the optimizing compiler; a caller\'s own --max-opt stays', () => {
    expect(workerExecArgv([])).toEqual(['--max-opt=1']);
    expect(workerExecArgv(['--max-opt=3'])).toEqual(['--max-opt=3']);
    expect(workerExecArgv(['--max_opt=3'])).toEqual(['--max_opt=3']);
    // another V8 option that only starts the same
    expect(workerExecArgv(['--max-optimized-bytecode-size=60000'])).toEqual(['--max-optimized-bytecode-size=60000', '--max-opt=1']);
  });
});
