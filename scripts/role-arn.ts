/**
 * npm run role-arn -- --env <env> --role plan|deploy
 *
 * Prints the environment's GitHub Actions role ARN and region as step outputs
 * (`role-arn=…`, `aws-region=…`), derived from flags/<env>.json (lib/access/role-arns.ts),
 * for `aws-actions/configure-aws-credentials`:
 *
 *   - id: role
 *     run: npm run --silent role-arn -- --env "$DEPLOY_ENV" --role plan >> "$GITHUB_OUTPUT"
 */
import path from 'node:path';
import { GITHUB_ROLE_KINDS, roleOutputs, type GithubRoleKind } from '../lib/access/role-arns';
import { parseCommandLine } from '../lib/cli';
import { errors } from '../lib/errors';
import { flagsFiles, loadFlagsOrThrow } from '../lib/flags/load';

const USAGE = 'npm run role-arn -- --env <environment> --role plan|deploy';

export function main(args: readonly string[], print: (line: string) => void = console.log, flagsDir = 'flags'): number {
  const { values, help } = parseCommandLine<{ env?: string; role?: string }>(args, { usage: USAGE, options: { env: { type: 'string' }, role: { type: 'string' } } });
  if (help) {
    print(`usage: ${USAGE}`);
    return 0;
  }
  if (!values.env) throw errors.usage('--env is required', USAGE);
  if (!GITHUB_ROLE_KINDS.includes(values.role as GithubRoleKind)) throw errors.usage(`--role must be "plan" or "deploy"; got ${JSON.stringify(values.role)}`, USAGE);
  const files = flagsFiles(flagsDir);
  const file = files.find((f) => path.basename(f, '.json') === values.env);
  if (!file) throw errors.unknownEnvironment(values.env, files.map((f) => path.basename(f, '.json')));
  // Validated like every flags file; an expired catch-up fleet must not stop a role lookup.
  const [entry] = loadFlagsOrThrow([file], { expiredCatchUp: 'allow', warn: () => undefined });
  for (const line of roleOutputs(entry.flags, values.role as GithubRoleKind, file)) print(line);
  return 0;
}
