/** Who can deploy: the GitHub repository and its roles. */
import * as z from 'zod';

/** The GitHub repository deploys come from: "<owner>/<repo>", as GitHub spells it. */
export const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const access = z
  .strictObject({
    githubRepository: z
      .string()
      .regex(GITHUB_REPOSITORY_PATTERN, { error: 'a GitHub repository "<owner>/<repo>", such as "acme/fleetflags"' })
      .describe(
        'The GitHub repository whose workflows may assume this environment\'s roles, "<owner>/<repo>" (no wildcard). ' +
          'The deploy role trusts only "repo:<owner>/<repo>:environment:<environment>".',
      ),
    requireApproval: z
      .boolean()
      .default(false)
      .describe(
        'true: the GitHub environment must have required reviewers, so a person approves each deploy after seeing its plan ' +
          '(npm run doctor checks it). Production must be true. Default false.',
      ),
    jobWorkflowRef: z
      .boolean()
      .default(false)
      .describe(
        'true: the repository customized its OIDC subject claim to include job_workflow_ref, and the deploy role also requires ' +
          '"<owner>/<repo>/.github/workflows/deploy.yml@refs/heads/main". Default false (the default subject claim).',
      ),
  })
  .describe(
    'Who can deploy: the <environment>-access stack (GitHub OIDC provider, a read-only plan role, a deploy role trusted only ' +
      'for this repository\'s GitHub environment). Required for an environment CI deploys. Default: none (the sandbox).',
  );
