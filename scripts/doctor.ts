/**
 * npm run doctor -- --env <environment>
 *
 * Checks the GitHub environment settings that go with the environment's access
 * stack (docs/security.md): the environment exists, deploys only from main, and,
 * where the flags say `access.requireApproval`, has required reviewers and no
 * self-review. Reads the GitHub API with GITHUB_TOKEN (GITHUB_API_URL) for the
 * repository the flags name. Prints one line per setting; exit 1 when any is missing.
 */
import { isAwsEnvironment } from '../lib/flags/schema';
import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import { parseCommandLine } from '../lib/cli';
import { errors, ExitCode } from '../lib/errors';
import { flagsFiles, loadFlagsOrThrow, type LoadedFlags } from '../lib/flags/load';
import { deployRoleName, planRoleName } from '../lib/naming';
import { deploySubject, planSubjects } from '../lib/access/policies';
import { checkEnvironmentSettings, type EnvironmentCheck } from '../lib/github/environment-settings';
import { createOctokit } from '../lib/github/sticky-comment';

const USAGE = 'npm run doctor -- --env <environment>';

export interface DoctorReport {
  readonly lines: string[];
  readonly exitCode: number;
}

/** The report for one environment; `octokit` undefined when no token is available. */
export async function doctor(entry: LoadedFlags, octokit: Octokit | undefined): Promise<DoctorReport> {
  const { environment, flags } = entry;
  if (!isAwsEnvironment(flags)) return { lines: [`${environment}: not an AWS environment (the sandbox, offline or emulated): no AWS access and no GitHub environment to check`], exitCode: 0 };
  if (!flags.access) {
    return { lines: [`missing   access: ${entry.file} has no "access", so no access stack says who may deploy ${environment} (docs/security.md)`], exitCode: ExitCode.Failure };
  }
  const repository = flags.access.githubRepository;
  const lines = [
    `${environment}: repository ${repository}; roles ${planRoleName(environment)} (subjects ${planSubjects(repository).join(', ')}) and ` +
      `${deployRoleName(environment)} (subject ${deploySubject(repository, environment)})`,
  ];
  let checks: EnvironmentCheck[];
  if (!octokit) {
    checks = [
      { setting: 'environment exists', status: 'not checked', detail: 'GITHUB_TOKEN is not set' },
      { setting: 'deployment branches: main only', status: 'not checked', detail: 'GITHUB_TOKEN is not set' },
      ...(flags.access.requireApproval
        ? [
            { setting: 'required reviewers', status: 'not checked' as const, detail: 'GITHUB_TOKEN is not set' },
            { setting: 'no self-review', status: 'not checked' as const, detail: 'GITHUB_TOKEN is not set' },
          ]
        : []),
    ];
  } else {
    const [owner, repo] = repository.split('/');
    checks = await checkEnvironmentSettings(octokit, { owner, repo, environment, requireApproval: flags.access.requireApproval });
  }
  for (const c of checks) lines.push(`${c.status.padEnd(11)} ${c.setting}: ${c.detail}`);
  return { lines, exitCode: checks.some((c) => c.status === 'missing') ? ExitCode.Failure : 0 };
}

export async function main(args: readonly string[], options: { env?: NodeJS.ProcessEnv; print?: (line: string) => void; repoDir?: string } = {}): Promise<number> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const { values, help } = parseCommandLine<{ env?: string }>(args, { usage: USAGE, options: { env: { type: 'string' } } });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  const all = loadFlagsOrThrow(flagsFiles(path.join(options.repoDir ?? '.', 'flags')), { expiredCatchUp: 'allow' });
  const entry = all.find((e) => e.environment === values.env);
  if (!entry) throw errors.unknownEnvironment(values.env, all.map((e) => e.environment));
  const octokit = env.GITHUB_TOKEN ? createOctokit({ token: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL || 'https://api.github.com' }) : undefined;
  const report = await doctor(entry, octokit);
  for (const line of report.lines) print(line);
  return report.exitCode;
}
