/**
 * The GitHub Actions roles of an environment, derived from its flags: the account
 * (`aws.accountId`), the partition of its region, and the role names the
 * `<env>-access` stack creates (lib/naming.ts). The workflows assume these (issue 11):
 * each environment lives in its own account, so one repository-wide role ARN cannot
 * serve them all. `npm run role-arn -- --env <env> --role plan|deploy` prints them as
 * step outputs for `aws-actions/configure-aws-credentials`.
 *
 * The ARN is not a secret and not a trust boundary: a workflow that names another
 * role still gets only what that role's trust policy grants its OIDC subject (the
 * plan role: pull requests and main; the deploy role: the GitHub environment).
 */
import { accessErrors } from '../errors';
import type { Flags } from '../flags/schema';
import { arnContext, arns, deployRoleName, planRoleName } from '../naming';

export type GithubRoleKind = 'plan' | 'deploy';
export const GITHUB_ROLE_KINDS: readonly GithubRoleKind[] = ['plan', 'deploy'];

/** The ARN of the environment's plan (read-only) or deploy role. */
export function githubRoleArn(flags: Pick<Flags, 'environment' | 'aws' | 'access'>, role: GithubRoleKind, file = `flags/${flags.environment}.json`): string {
  if (!flags.access) throw accessErrors.noAccess(file, flags.environment);
  const name = role === 'plan' ? planRoleName(flags.environment) : deployRoleName(flags.environment);
  return arns.iamRole(arnContext(flags), name);
}

/** `role-arn=…` and `aws-region=…`: what the credentials step of a workflow needs, as `$GITHUB_OUTPUT` lines. */
export function roleOutputs(flags: Pick<Flags, 'environment' | 'aws' | 'access'>, role: GithubRoleKind, file?: string): string[] {
  return [`role-arn=${githubRoleArn(flags, role, file)}`, `aws-region=${flags.aws.region}`];
}
