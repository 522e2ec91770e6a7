/**
 * Plans as uploaded artifacts: what the renderer reads, with no plaintext secret.
 *
 * `terraform show -json` carries every sensitive value in the clear (in
 * `resource_changes`, `output_changes`, `variables`, `prior_state`,
 * `planned_values`...). A redacted plan keeps only the fields the comment is made
 * from (resource and output changes, drift, the plan's status and our marker),
 * replaces every value under a sensitivity mark with "(sensitive value #n)" (one n per
 * distinct value, so a change stays a change and nothing else is told), keeps the
 * marks (so the renderer still masks), and, as defence in depth, masks unmarked
 * copies of a secret the way the renderer does. No `prior_state`, no `variables`,
 * no `configuration` but the AWS provider's region, when it is a constant (the cost
 * estimate prices by region, lib/cost/estimate.ts `regionOf`; a region is no secret).
 */
import { collectSecrets } from './plan-model';
import { type TerraformPlan } from './plan-json';
import { SecretValues, SENSITIVE } from './render-attributes';

/** The top-level fields a redacted plan keeps. */
export const REDACTED_PLAN_FIELDS = ['format_version', 'terraform_version', 'resource_changes', 'resource_drift', 'output_changes', 'errored', 'applyable', 'complete', 'fleetflags'] as const;

type Json = Record<string, unknown>;

export function redactPlan(plan: TerraformPlan): TerraformPlan {
  const secrets = new SecretValues(collectSecrets(plan));
  const placeholders = new Map<string, string>();
  const placeholder = (value: unknown) => {
    const key = JSON.stringify(value);
    let p = placeholders.get(key);
    if (p === undefined) placeholders.set(key, (p = `${SENSITIVE.slice(0, -1)} #${placeholders.size + 1})`));
    return p;
  };
  const mask = (value: unknown, marks: unknown): unknown => {
    if (value === null || value === undefined) return value;
    if (marks === true || secrets.matches(value)) return placeholder(value);
    if (Array.isArray(value)) return value.map((v, i) => mask(v, Array.isArray(marks) ? marks[i] : undefined));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, isObject(marks) ? marks[k] : undefined)]));
    return value;
  };
  const out: Json = {};
  for (const k of REDACTED_PLAN_FIELDS) if (plan[k] !== undefined) out[k] = plan[k];
  const redactChange = (c: Json): Json => ({
    ...c,
    before: mask(c.before, c.before_sensitive),
    after: mask(c.after, c.after_sensitive),
    ...(isObject(c.importing) ? { importing: c.importing } : {}),
    ...(typeof c.generated_config === 'string' ? { generated_config: secrets.matches(c.generated_config) ? SENSITIVE : c.generated_config } : {}),
  });
  for (const list of ['resource_changes', 'resource_drift'] as const) {
    if (Array.isArray(out[list])) out[list] = (out[list] as Json[]).map((rc) => ({ ...rc, change: redactChange(rc.change as Json) }));
  }
  const region = awsRegionConstant(plan);
  if (region !== undefined) out.configuration = { provider_config: { aws: { expressions: { region: { constant_value: region } } } } };
  if (isObject(out.output_changes)) {
    out.output_changes = Object.fromEntries(Object.entries(out.output_changes).map(([name, c]) => [name, redactChange(c as Json)]));
  }
  return out as TerraformPlan;
}

/** The AWS provider's region in the plan's configuration, when it is a constant string. */
function awsRegionConstant(plan: TerraformPlan): string | undefined {
  const config = (plan as Json).configuration;
  const aws = isObject(config) && isObject(config.provider_config) ? config.provider_config.aws : undefined;
  const region = isObject(aws) && isObject(aws.expressions) && isObject(aws.expressions.region) ? aws.expressions.region.constant_value : undefined;
  return typeof region === 'string' && /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/.test(region) ? region : undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
