/**
 * npm run lint-workflows
 *
 * actionlint and shellcheck over .github/workflows/*.yml (and shellcheck over
 * .ci/run); one line per finding; exit 1 when there is any. See lib/ci/workflow-lint.ts.
 *
 * @reads .github/workflows/*.yml
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli';
import { lintWorkflows } from '../lib/ci/workflow-lint';

const USAGE = 'npm run lint-workflows';

export async function main(args: readonly string[], options: { repoDir?: string; print?: (line: string) => void } = {}): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const { help } = parseCommandLine<Record<string, never>>(args, { usage: USAGE, options: {} });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  const root = options.repoDir ?? '.';
  const dir = path.join(root, '.github', 'workflows');
  const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
  const findings = await lintWorkflows(workflows, [path.join(root, '.ci', 'run')]);
  for (const f of findings) print(`${f.tool}: ${f.line}`);
  print(`${findings.length} finding${findings.length === 1 ? '' : 's'} in ${workflows.length} workflows and .ci/run (actionlint, shellcheck)`);
  return findings.length === 0 ? 0 : 1;
}
