/**
 * Redacted plan artifacts, on a real plan with sensitive variables and outputs
 * (test/fixtures/plans/terraform-data/secrets.json, made by Terraform here).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stackPlan } from '../../../lib/plan/plan-model';
import { parseTerraformPlan } from '../../../lib/plan/plan-json';
import { redactPlan } from '../../../lib/plan/redact';
import { regionOf } from '../../../lib/cost/estimate';
import { renderMarkdown } from '../../../lib/plan/render';
import { LONG_TOKEN_AFTER, LONG_TOKEN_BEFORE } from '../../../scripts/gen-terraform-data-plans';

const FILE = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'terraform-data', 'secrets.json');

describe('redactPlan', () => {
  const original = JSON.parse(readFileSync(FILE, 'utf8'));
  const redacted = JSON.stringify(redactPlan(parseTerraformPlan(original, FILE)));

  test('GIVEN a real plan whose JSON holds secrets in changes, outputs, variables and prior_state WHEN redacted THEN none is left, nor prior_state or variables', () => {
    const text = JSON.stringify(original);
    for (const secret of [LONG_TOKEN_BEFORE, LONG_TOKEN_AFTER, 'KeyLineTwoSecretMaterial0002']) expect(text).toContain(secret);
    expect(original.prior_state).toBeDefined();
    expect(original.variables).toBeDefined();

    expect(redacted).not.toContain('Zk3qT9vW');
    expect(redacted).not.toContain('KeyLineTwoSecretMaterial');
    expect(redacted).not.toMatch(/"(ab|cd)"/);
    const json = JSON.parse(redacted);
    expect(Object.keys(json).sort()).toEqual(['applyable', 'complete', 'errored', 'format_version', 'output_changes', 'resource_changes', 'terraform_version']);
  });

  test('GIVEN the redacted plan WHEN rendered THEN the comment is the same as from the original', () => {
    const fromOriginal = renderMarkdown([stackPlan(parseTerraformPlan(original), 'secrets-fleet')]);
    const fromRedacted = renderMarkdown([stackPlan(parseTerraformPlan(JSON.parse(redacted)), 'secrets-fleet')]);
    expect(fromRedacted).toBe(fromOriginal);
  });

  test('GIVEN a fleet plan of real Terraform WHEN redacted THEN the AWS provider\'s region stays (the cost estimate prices by it), and nothing else of the configuration', () => {
    // GIVEN a real plan of the sandbox fleet stack (test/fixtures/plans, made by Terraform here)
    // with the provider configuration `terraform show -json` writes (the fixture keeps none of it)
    const fleet = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'plans', 'example-fleet', 'sandbox-fleet.plan.json'), 'utf8'));
    fleet.configuration = {
      provider_config: {
        aws: {
          name: 'aws',
          full_name: 'registry.terraform.io/hashicorp/aws',
          expressions: { region: { constant_value: 'us-east-1' }, access_key: { constant_value: 'AKIA-NOT-FOR-ARTIFACTS' } },
        },
      },
      root_module: { resources: [] },
    };
    // WHEN redacted
    const out = redactPlan(parseTerraformPlan(fleet)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // THEN only the region is left of the configuration, and the estimate still finds it
    expect(out.configuration).toEqual({ provider_config: { aws: { expressions: { region: { constant_value: 'us-east-1' } } } } });
    expect(regionOf(out as never)).toBe('us-east-1');
    expect(JSON.stringify(out)).not.toContain('AKIA-NOT-FOR-ARTIFACTS');
  });
});
