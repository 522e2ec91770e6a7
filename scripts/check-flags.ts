/**
 * npm run check-flags -- [files...]
 * Validates flags files (default: every flags/*.json) against the schema and the
 * safety rules. Prints one line per problem and exits 3 when there is any.
 */
import { errors, ExitCode, formatProblem, formatWarning } from '../lib/errors';
import { baseFlagsAtRef, type BaseFlags } from '../lib/flags/base-flags';
import { flagsFiles, loadFlagsFiles } from '../lib/flags/load';

export interface CheckResult {
  readonly exitCode: number;
  readonly lines: readonly string[];
}

/**
 * Checks `files`. Cross-environment rules (unique bucket names, deploy order) always
 * see every flags file in flags/, so checking one file still catches a clash.
 */
export function checkFlags(files: readonly string[], options: { now?: Date; flagsDir?: string; base?: BaseFlags } = {}): CheckResult {
  const targets = files.length > 0 ? files : flagsFiles(options.flagsDir);
  let others: string[] = [];
  try {
    others = flagsFiles(options.flagsDir).filter((f) => !targets.some((t) => sameFile(t, f)));
  } catch {
    others = [];
  }
  const { loaded, problems, warnings } = loadFlagsFiles([...targets, ...others], { now: options.now, base: options.base });
  const mine = problems.filter((p) => targets.some((t) => sameFile(t, p.file)));
  const myWarnings = warnings.filter((p) => targets.some((t) => sameFile(t, p.file))).map(formatWarning);
  if (mine.length > 0) {
    return {
      exitCode: ExitCode.FlagsInvalid,
      lines: [...myWarnings, ...mine.map(formatProblem), `${mine.length} problem${mine.length === 1 ? '' : 's'} in ${targets.length} file(s).`],
    };
  }
  const ok = loaded.filter((l) => targets.some((t) => sameFile(t, l.file)));
  return { exitCode: 0, lines: [...myWarnings, ...ok.map((l) => `${l.file}: ok (environment ${l.environment})`)] };
}

function sameFile(a: string, b: string): boolean {
  return require('node:path').resolve(a) === require('node:path').resolve(b);
}

export const USAGE =
  'npm run check-flags -- [flags/<environment>.json...]   (default: every flags/*.json; exit 3 when any problem)';

export function main(args: readonly string[], print: (line: string) => void = console.log): number {
  const files = args.filter((a) => a !== '--');
  if (files.includes('--help') || files.includes('-h')) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  // An option is not a file: "--all: cannot read the file" would hide the mistake.
  const option = files.find((a) => a.startsWith('-'));
  if (option) throw errors.usage(`unknown option ${JSON.stringify(option)}; check-flags takes only flags files`, USAGE);
  // The change being checked is the working tree against HEAD: an expired catch-up fleet it does not touch only warns.
  const result = checkFlags(files, { base: baseFlagsAtRef('HEAD') });
  for (const line of result.lines) (result.exitCode === 0 && !line.startsWith('warning: ') ? console.log : console.error)(line);
  return result.exitCode;
}
