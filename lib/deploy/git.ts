/**
 * The few git commands the deploy, rollback and drift commands run, through
 * execFile with argument arrays (never a command string).
 */
import { execFile } from 'node:child_process';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git in `cwd`; never throws for a non-zero exit (callers decide). */
export function gitRaw(args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...extraEnv } }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('git is not on the PATH'));
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs git and returns its trimmed stdout; throws with git's stderr on failure. */
export async function git(args: readonly string[], cwd: string): Promise<string> {
  const r = await gitRaw(args, cwd);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout.trim();
}

/** The full SHA of `rev`, or undefined when it is not in the clone. */
export async function resolveCommit(rev: string, cwd: string): Promise<string | undefined> {
  const r = await gitRaw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], cwd);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The message of a commit (subject and body). */
export function commitMessage(rev: string, cwd: string): Promise<string> {
  return git(['log', '-1', '--format=%B', rev], cwd);
}

/** Paths whose changes change what an environment runs: its flags file and the code that builds its stacks. */
export function environmentPaths(environment: string): string[] {
  return [`flags/${environment}.json`, 'stacks', 'lib'];
}

/**
 * Why git cannot commit in `cwd` (no user.name / user.email and none in the
 * environment), as git says it; undefined when it can. `git var` resolves the
 * identity exactly as `git commit` would, without committing anything.
 */
export async function gitIdentityProblem(cwd: string): Promise<string | undefined> {
  for (const ident of ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT']) {
    const r = await gitRaw(['var', ident], cwd);
    if (r.code !== 0) return (r.stderr || r.stdout).trim() || `git var ${ident} exited ${r.code}`;
  }
  return undefined;
}

/**
 * Git configuration, through the environment (never argv, never .git/config), that
 * authenticates HTTPS pushes with `token`: checkouts keep no credentials
 * (`persist-credentials: false`), so the one push that needs them gets them here.
 */
export function tokenAuthEnv(token: string | undefined): NodeJS.ProcessEnv {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraheader', GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}
