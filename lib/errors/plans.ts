import { ExitCode, FleetflagsError } from './base';

/** Errors of plans (lib/plan/baselines.ts, speculative.ts, plan-run.ts, ref-synthesis.ts, scripts/plan.ts; lib/terraform/modules-workdir.ts). */
export const planErrors = {
  speculativeNoSchema: (type: string, provider: string, known: readonly string[]) =>
    new FleetflagsError(
      `No schema for resource type ${type} of provider ${provider}; the providers with schemas are ` +
        `${known.join(', ') || 'none'}. Fix: check the type's spelling and that the stack's provider is initialized ` +
        `(lib/terraform/runner.ts providerTemplate).`,
      ExitCode.Failure,
    ),

  speculativeNotConverged: (stack: string, rounds: number, changes: readonly string[]) =>
    new FleetflagsError(
      `The speculative baseline of ${stack} did not converge: after ${rounds} rounds the base configuration still plans ` +
        `changes to itself (${changes.slice(0, 10).join(', ')}${changes.length > 10 ? `, and ${changes.length - 10} more` : ''}). ` +
        `Allowed: a base that plans no changes against its own baseline. Fix: give these resource types realistic ` +
        `placeholders in lib/plan/state-placeholders.ts, or plan with --real.`,
      ExitCode.TerraformFailed,
    ),

  moduleOutputClash: (rootOutput: string, modules: readonly string[]) =>
    new FleetflagsError(
      `Two module outputs would re-export as the same root output ${JSON.stringify(rootOutput)} (modules ${modules.join(', ')}). ` +
        `Allowed: module and output names whose "<module>__<output>" differ. Fix: rename one of the stacks or outputs.`,
      ExitCode.Failure,
    ),

  previousManifestUnreadable: (file: string, problems: readonly string[]) =>
    new FleetflagsError(
      `Cannot --append to ${file}: it is not a manifest an earlier \`npm run plan\` wrote:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nAllowed: the manifest.json (version 1) of an earlier run into the same --out. Fix: remove ${file} ` +
        `(or plan into another --out), then plan again; --append only adds to a run before it. Nothing was planned.`,
      ExitCode.Usage,
    ),

  gitRefUnknown: (ref: string, repo: string, detail: string) =>
    new FleetflagsError(
      `Unknown git ref ${JSON.stringify(ref)} in ${repo} (${detail.trim()}). Allowed: a branch, tag or commit, ` +
        `e.g. main or origin/main. Fix: in CI, fetch the base branch first (actions/checkout with fetch-depth: 0).`,
      ExitCode.Usage,
    ),

  baseSynthFailed: (ref: string, detail: string) =>
    new FleetflagsError(
      `Cannot synthesize the base configuration at ${ref}:\n${detail.trim()}\n` +
        `Fix: plan against another base with --base <ref>, or use --speculative without a base (every resource is created).`,
      ExitCode.Failure,
    ),

  driftNeedsCredentials: () =>
    new FleetflagsError(
      'npm run drift plans every deployed stack against its real state, which needs AWS credentials; none are in the ' +
        'environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE or a container role). ' +
        'Fix: run it with a read-only role (drift.yml gets one through OIDC), or report on saved plans with --plan <stack>=<plan.json>.',
      ExitCode.Usage,
    ),

  realPlanNeedsCredentials: (stack: string) =>
    new FleetflagsError(
      `--real plans ${stack} against its real state, which needs AWS credentials; none are in the environment ` +
        `(AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE or a container role). ` +
        `Fix: configure credentials (in CI through OIDC), or plan with --speculative.`,
      ExitCode.Usage,
    ),
};
