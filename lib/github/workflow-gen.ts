/**
 * The parts of the workflows generated from the flags files (`npm run gen-workflows`;
 * test/scripts/gen-workflows.test.ts fails when a committed workflow is stale):
 *
 * - `plan.yml` (real-plans): one real plan per environment with `access`, each after
 *   assuming **that environment's** plan role (its own account: lib/access/role-arns.ts),
 *   appended to one manifest; the environments without access (the sandbox) are
 *   planned speculatively first, with no credentials;
 * - `drift.yml` (drift-plans): the same per environment CI deploys, with the plan
 *   (read-only) role, before the one report and issue;
 * - `deploy.yml` (notify-plan; the deploy job applies the saved plan, which holds
 *   the values already) and the blocks above: the alarm topic's
 *   PagerDuty and Slack endpoints (flags `notifications.subscriptions`), which carry
 *   tokens, passed to Terraform as `TF_VAR_notify_<name>` from the repository secret
 *   `FLEETFLAGS_NOTIFY_<ENV>_<NAME>`, in the `env:` of the step that runs Terraform and
 *   nowhere else (never in a script's text, never echoed; Terraform marks them sensitive).
 *
 * A generated block sits between two marker comments that say so; everything else in
 * the workflow is written by hand.
 */
import { endpointVariableName } from '../naming';
import { deployOrder } from '../deploy/deploy-order';
import { errors } from '../errors';
import { flagsFiles, loadFlagsOrThrow, type LoadedFlags } from '../flags/load';

export const PLAN_WORKFLOW = '.github/workflows/plan.yml';
export const DRIFT_WORKFLOW = '.github/workflows/drift.yml';
export const DEPLOY_WORKFLOW = '.github/workflows/deploy.yml';

/** A notification endpoint Terraform needs, and the secret it comes from. */
export interface NotifySecret {
  readonly environment: string;
  /** The environment variable Terraform reads: `TF_VAR_notify_<name>`. */
  readonly variable: string;
  /** The GitHub secret: `FLEETFLAGS_NOTIFY_<ENV>_<NAME>`. */
  readonly secret: string;
}

/** `FLEETFLAGS_NOTIFY_<ENV>_<NAME>`: GitHub secret names are letters, digits and "_". */
export function notifySecretName(environment: string, subscription: string): string {
  return `FLEETFLAGS_NOTIFY_${environment}_${subscription}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The HTTPS (PagerDuty, Slack) subscriptions of each environment: email addresses are in the flags, not secrets. */
export function notifySecrets(environments: readonly LoadedFlags[]): NotifySecret[] {
  return environments.flatMap((e) =>
    e.flags.notifications.subscriptions
      .filter((s) => s.kind !== 'email')
      .map((s) => ({ environment: e.environment, variable: `TF_VAR_${endpointVariableName(s.name)}`, secret: notifySecretName(e.environment, s.name) })),
  );
}

export interface GeneratorInput {
  /** Every flags file, validated. */
  readonly environments: readonly LoadedFlags[];
}

export function loadGeneratorInput(flagsDir = 'flags'): GeneratorInput {
  // Validated like everything else, but an expired catch-up fleet must not stop a generator.
  return { environments: loadFlagsOrThrow(flagsFiles(flagsDir), { expiredCatchUp: 'allow', warn: () => undefined }) };
}

/** Environments with an access stack (their own plan role), in deploy order, then by name. */
export function environmentsWithAccess(input: GeneratorInput): string[] {
  const ordered = deployOrder(input.environments);
  const rest = input.environments.filter((e) => e.flags.access && !ordered.includes(e.environment)).map((e) => e.environment).sort();
  return [...ordered.filter((e) => input.environments.find((x) => x.environment === e)?.flags.access), ...rest];
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

function notifyEnvLines(input: GeneratorInput, environment: string): string[] {
  return notifySecrets(input.environments)
    .filter((n) => n.environment === environment)
    .map((n) => `${n.variable}: \${{ secrets.${n.secret} }}`);
}

/** Credentials for one environment's role: the role-arn step, then configure-aws-credentials. */
function credentialSteps(environment: string, role: 'plan' | 'deploy', session: string): string[] {
  const id = `role-${environment}`;
  return [
    `- id: ${id}`,
    `  run: npm run --silent role-arn -- --env ${environment} --role ${role} >> "$GITHUB_OUTPUT"`,
    '- uses: aws-actions/configure-aws-credentials@v4',
    '  with:',
    `    role-to-assume: \${{ steps.${id}.outputs.role-arn }}`,
    `    aws-region: \${{ steps.${id}.outputs.aws-region }}`,
    `    role-session-name: ${session}`,
  ];
}

/** plan.yml's real plans: speculative for environments without access, then one per environment with its own plan role. */
export function realPlansBlock(input: GeneratorInput): string[] {
  const withAccess = environmentsWithAccess(input);
  const without = input.environments.map((e) => e.environment).filter((e) => !withAccess.includes(e)).sort();
  const lines: string[] = [];
  const baseRef = "BASE_REF: ${{ github.base_ref || 'main' }}";
  let first = true;
  if (without.length > 0) {
    lines.push(
      `# ${without.join(', ')}: no access stack, so no role: planned speculatively, with no credentials.`,
      `- run: npm run plan -- --speculative --env ${without.join(',')} --changed-since "origin/$BASE_REF" --out out/plan`,
      '  env:',
      `    ${baseRef}`,
    );
    first = false;
  }
  for (const env of withAccess) {
    lines.push(
      ...credentialSteps(env, 'plan', 'fleetflags-plan-${{ github.run_id }}'),
      `- run: npm run plan -- --real${first ? '' : ' --append'} --env ${env} --changed-since "origin/$BASE_REF" --out out/plan`,
      '  env:',
      `    ${baseRef}`,
      ...notifyEnvLines(input, env).map((l) => `    ${l}`),
    );
    first = false;
  }
  return lines;
}

/** drift.yml's plans: each deployed environment with its own plan (read-only) role; the report comes after. */
export function driftPlansBlock(input: GeneratorInput): string[] {
  return deployOrder(input.environments).flatMap((env) => {
    const notify = notifyEnvLines(input, env);
    return [
      ...credentialSteps(env, 'plan', 'fleetflags-drift-${{ github.run_id }}'),
      `- run: npm run drift -- --env ${env} --plans-only`,
      ...(notify.length ? ['  env:', ...notify.map((l) => `    ${l}`)] : []),
    ];
  });
}

/**
 * deploy.yml's matrix jobs: `env:` entries for the step that runs Terraform, each the
 * secret of the matrix's environment (one variable name may serve several environments).
 */
export function matrixNotifyEnv(input: GeneratorInput): string[] {
  const byVariable = new Map<string, NotifySecret[]>();
  for (const n of notifySecrets(input.environments)) byVariable.set(n.variable, [...(byVariable.get(n.variable) ?? []), n]);
  return [...byVariable.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variable, list]) => `${variable}: \${{ ${list.map((n) => `matrix.environment == ${q(n.environment)} && secrets.${n.secret}`).join(' || ')} || '' }}`);
}

const BEGIN = (id: string) => new RegExp(`^([ \\t]*)# >>> generated by \`npm run gen-workflows\` \\(${id}\\)[^\\n]*$`, 'm');
const END = (id: string) => new RegExp(`^[ \\t]*# <<< generated \\(${id}\\)$`, 'm');

/** The text with the block between the markers of `id` replaced by `body` (indented like the opening marker). */
export function replaceGenerated(text: string, id: string, body: readonly string[], file: string): string {
  const begin = BEGIN(id).exec(text);
  const endMatch = begin ? END(id).exec(text.slice(begin.index + begin[0].length)) : null;
  if (!begin || !endMatch) {
    throw errors.generatedLineMissing(file, `the generated block "${id}"`, `# >>> generated by \`npm run gen-workflows\` (${id}) ... # <<< generated (${id})`);
  }
  const indent = begin[1];
  const start = begin.index + begin[0].length;
  const end = start + endMatch.index;
  const inner = body.map((l) => `${indent}${l}`.trimEnd()).join('\n');
  return `${text.slice(0, start)}\n${inner}${inner ? '\n' : ''}${text.slice(end).replace(/^\n/, '')}`;
}

/** Every generated block of a workflow, in the order they appear. */
export const GENERATED_BLOCKS: Readonly<Record<string, readonly { readonly id: string; readonly body: (input: GeneratorInput) => string[] }[]>> = {
  [PLAN_WORKFLOW]: [{ id: 'real-plans', body: realPlansBlock }],
  [DRIFT_WORKFLOW]: [{ id: 'drift-plans', body: driftPlansBlock }],
  // Only the plan job: the deploy job applies the saved plan, which already holds the values.
  [DEPLOY_WORKFLOW]: [{ id: 'notify-plan', body: matrixNotifyEnv }],
};

/** A workflow's text with every generated block regenerated. */
export function regenerate(file: string, text: string, input: GeneratorInput): string {
  let out = text;
  for (const block of GENERATED_BLOCKS[file] ?? []) out = replaceGenerated(out, block.id, block.body(input), file);
  return out;
}
