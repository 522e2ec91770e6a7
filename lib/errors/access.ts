import { ExitCode, FleetflagsError } from './base';

/** Errors of the GitHub Actions roles and the saved-plan store (lib/access/role-arns.ts, lib/deploy/saved-plan-store.ts). */
export const accessErrors = {
  noAccess: (file: string, environment: string) =>
    new FleetflagsError(
      `${file}: ${environment} has no "access" section, so no <env>-access stack and no GitHub Actions roles; allowed: an environment with ` +
        '"access": { "githubRepository": "<owner>/<repo>" }. fix: add it (docs/security.md, "Roles"), or plan this environment speculatively (no credentials)',
      ExitCode.Usage,
    ),
  noStateBucket: (file: string, environment: string) =>
    new FleetflagsError(
      `${file}: ${environment} keeps its state locally ("state": { "backend": "local" }), so there is no state bucket for its saved plans; ` +
        'allowed: an environment with "state": { "backend": "s3", ... }. fix: saved plans are for AWS environments deployed by CI',
      ExitCode.Usage,
    ),
  badRunId: (value: string) =>
    new FleetflagsError(
      `--run-id must be the workflow run's ID, a plain positive integer such as 1234567890 (GITHUB_RUN_ID); got ${JSON.stringify(value)}`,
      ExitCode.Usage,
    ),
  savedPlanStore: (action: string, location: string, reason: string) =>
    new FleetflagsError(
      `Could not ${action} the saved plan at ${location}: ${reason}. fix: check the role's access to that prefix of the state bucket ` +
        '(lib/access/policies.ts) and that the plan job of this run uploaded it; re-run the deploy workflow to plan again',
      ExitCode.Failure,
    ),
} as const;
