/**
 * Plan fixtures for the renderer's defect classes (issue 9):
 *   node bin/run.mjs scripts/gen-terraform-data-plans.ts [scenario...]
 *
 * Each scenario is a small Terraform configuration of the built-in `terraform_data`
 * resource, sensitive variables and outputs (no provider, no network, no init),
 * applied step by step with the real `terraform` and then planned; the committed
 * file is the verbatim `terraform show -json` (prior_state and all: the redaction
 * tests need it) with the timestamp fixed. `state` scenarios save `terraform show
 * -json` with no plan file: a state, not a plan.
 *
 * Output: test/fixtures/plans/terraform-data/<scenario>.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { terraform } from '../lib/terraform/runner';

export const TERRAFORM_DATA_FIXTURES = path.join('test', 'fixtures', 'plans', 'terraform-data');
const FIXED_TIMESTAMP = '2026-01-01T00:00:00Z';

/** A long token whose first 200 characters are the same before and after: a cut prefix would leak. */
export const LONG_TOKEN_BEFORE = `ghp_${'Zk3qT9vW'.repeat(30)}OLD1`;
export const LONG_TOKEN_AFTER = `ghp_${'Zk3qT9vW'.repeat(30)}NEW2`;
/** A private key: multi-line, one line changes. */
export const PRIVATE_KEY_BEFORE = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'KeyLineTwoSecretMaterial0001', '-----END PRIVATE KEY-----', ''].join('\n');
export const PRIVATE_KEY_AFTER = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'KeyLineTwoSecretMaterial0002', '-----END PRIVATE KEY-----', ''].join('\n');

export interface Step {
  /** main.tf of this step. */
  readonly tf: string;
  /** apply (state for the next step), plan (the fixture), or state (`show -json` of the state). */
  readonly run: 'apply' | 'plan' | 'state';
  readonly args?: readonly string[];
}

export interface TerraformDataScenario {
  readonly description: string;
  readonly steps: readonly Step[];
}

const hcl = (s: string) => JSON.stringify(s); // HCL string literals accept JSON escapes
const heredoc = (s: string) => `<<-EOT\n${s}EOT`;

function secretsTf(token: string, key: string, pin: string, word: string): string {
  return `
variable "token" {
  type      = string
  sensitive = true
  default   = ${hcl(token)}
}
variable "private_key" {
  type      = string
  sensitive = true
  default   = ${heredoc(key)}
}
variable "pin" {
  type      = string
  sensitive = true
  default   = ${hcl(pin)}
}
variable "word" {
  type      = string
  sensitive = true
  default   = ${hcl(word)}
}
variable "kind" {
  type      = string
  sensitive = true
  default   = "data"
}
resource "terraform_data" "admin_console" {
  count = 1
  input = { token = var.token, private_key = var.private_key, pin = var.pin, role = var.word, kind = var.kind, size = ${token === LONG_TOKEN_BEFORE ? 1 : 2} }
}
# A provider may copy a sensitive value into an attribute Terraform does not mark.
resource "terraform_data" "copy" {
  input = { token = nonsensitive(var.token), note = "holds a copy" }
}
output "token" {
  value     = var.token
  sensitive = true
}
`;
}

/** for_each keys and values a PR author controls. */
const HOSTILE = ['`</details>', '<!-- fleetflags:plan -->', '@acme/security-team', 'x`y``z', '<img src=x onerror=alert(1)>'];

export const TERRAFORM_DATA_SCENARIOS: Record<string, TerraformDataScenario> = {
  secrets: {
    description: 'sensitive variables (a 300-character token, a private key, a 2-character PIN, "admin", "data") change; one copied unmarked; a sensitive output',
    steps: [
      { tf: secretsTf(LONG_TOKEN_BEFORE, PRIVATE_KEY_BEFORE, 'ab', 'admin'), run: 'apply' },
      { tf: secretsTf(LONG_TOKEN_AFTER, PRIVATE_KEY_AFTER, 'cd', 'admin'), run: 'plan' },
    ],
  },
  'public-admin': {
    description: 'another stack: terraform_data.admin_console with the plain value "admin" (not sensitive here)',
    steps: [{ tf: 'resource "terraform_data" "admin_console" {\n  count = 1\n  input = { role = "admin", kind = "data" }\n}\n', run: 'plan' }],
  },
  state: {
    description: '`terraform show -json` with no plan file: a state, not a plan',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\n', run: 'apply' },
      { tf: 'resource "terraform_data" "a" { input = "x" }\n', run: 'state' },
    ],
  },
  errored: {
    description: 'a postcondition fails on an unchanged resource: the plan errored, with no changes',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\n', run: 'apply' },
      {
        tf: 'resource "terraform_data" "a" {\n  input = "x"\n  lifecycle {\n    postcondition {\n      condition     = self.input == "y"\n      error_message = "input must be y"\n    }\n  }\n}\n',
        run: 'plan',
      },
    ],
  },
  unknown: {
    description: 'a list with one unknown element and an object with one unknown key',
    steps: [
      {
        tf: 'resource "terraform_data" "src" { input = "s" }\nresource "terraform_data" "dst" {\n  input = { list = ["a", terraform_data.src.id], obj = { known = "k", later = terraform_data.src.id } }\n}\n',
        run: 'plan',
      },
    ],
  },
  untrusted: {
    description: 'for_each keys, values, a moved block and a replacement trigger holding backticks, HTML comments, </details> and @mentions',
    steps: [
      {
        tf: `resource "terraform_data" "old" {\n  for_each = toset(${JSON.stringify(HOSTILE)})\n  input = each.key\n  triggers_replace = { k = "v1" }\n}\n`,
        run: 'apply',
      },
      {
        tf: `resource "terraform_data" "new" {\n  for_each = toset(${JSON.stringify(HOSTILE)})\n  input = "changed \${each.key} @acme/oncall"\n  triggers_replace = { k = "v2" }\n}\n${HOSTILE.map((k) => `moved {\n  from = terraform_data.old[${hcl(k)}]\n  to = terraform_data.new[${hcl(k)}]\n}\n`).join('')}`,
        run: 'plan',
      },
    ],
  },
  'forget-only': {
    description: 'a `removed` block with destroy = false: one forget, nothing else',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\nresource "terraform_data" "b" { input = "y" }\n', run: 'apply' },
      { tf: 'removed {\n  from = terraform_data.a\n  lifecycle { destroy = false }\n}\nresource "terraform_data" "b" { input = "y" }\n', run: 'plan' },
    ],
  },
  'refresh-only-move': {
    description: 'a refresh-only plan that sees a moved block: a move, not drift',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\n', run: 'apply' },
      { tf: 'resource "terraform_data" "c" { input = "x" }\nmoved {\n  from = terraform_data.a\n  to   = terraform_data.c\n}\n', run: 'plan', args: ['-refresh-only'] },
    ],
  },
  targeted: {
    description: 'a -target plan: complete = false',
    steps: [{ tf: 'resource "terraform_data" "a" { input = "x" }\nresource "terraform_data" "b" { input = "y" }\n', run: 'plan', args: ['-target=terraform_data.a'] }],
  },
  'outputs-only': {
    description: 'only an output changes',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\noutput "endpoint" { value = "https://old.example" }\n', run: 'apply' },
      { tf: 'resource "terraform_data" "a" { input = "x" }\noutput "endpoint" { value = "https://new.example" }\n', run: 'plan' },
    ],
  },
  'import-only': {
    description: 'an `import` block: one instance imported, nothing else',
    steps: [
      { tf: 'resource "terraform_data" "a" { input = "x" }\n', run: 'apply' },
      { tf: 'resource "terraform_data" "a" { input = "x" }\nimport {\n  to = terraform_data.b\n  id = "imported-id"\n}\nresource "terraform_data" "b" {}\n', run: 'plan' },
    ],
  },
  many: {
    description: '5,000 changes: 2,000 updates, 2,000 creates, 1,000 replacements (the renderer\'s size and speed)',
    steps: [
      { tf: 'resource "terraform_data" "u" {\n  count = 2000\n  input = { n = count.index, v = "old" }\n}\nresource "terraform_data" "r" {\n  count = 1000\n  input = "x"\n  triggers_replace = "old"\n}\n', run: 'apply' },
      {
        tf: 'resource "terraform_data" "u" {\n  count = 2000\n  input = { n = count.index, v = "new" }\n}\nresource "terraform_data" "r" {\n  count = 1000\n  input = "x"\n  triggers_replace = "new"\n}\nresource "terraform_data" "c" {\n  count = 2000\n  input = { n = count.index }\n}\n',
        run: 'plan',
      },
    ],
  },
};

/** Runs a scenario's steps in `dir` with the real terraform; returns the final JSON (plan or state). */
export async function runScenario(scenario: TerraformDataScenario, dir: string): Promise<Record<string, unknown>> {
  mkdirSync(dir, { recursive: true });
  let out: Record<string, unknown> | undefined;
  for (const step of scenario.steps) {
    for (const f of readdirSync(dir)) if (f.endsWith('.tf')) rmSync(path.join(dir, f));
    writeFileSync(path.join(dir, 'main.tf'), step.tf);
    const args = step.args ?? [];
    if (step.run === 'apply') {
      await terraform(['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', ...args], { cwd: dir });
    } else if (step.run === 'state') {
      out = JSON.parse((await terraform(['show', '-json', '-no-color'], { cwd: dir })).stdout) as Record<string, unknown>;
    } else {
      // An errored plan exits 1 and is still saved.
      await terraform(['plan', '-input=false', '-no-color', '-lock=false', '-out=plan.tfplan', ...args], { cwd: dir, okExitCodes: [0, 1] });
      out = JSON.parse((await terraform(['show', '-json', '-no-color', 'plan.tfplan'], { cwd: dir })).stdout) as Record<string, unknown>;
    }
  }
  if (!out) throw new Error('a scenario must end with a plan or state step');
  if (out.timestamp !== undefined) out.timestamp = FIXED_TIMESTAMP;
  return out;
}

/** test/fixtures/plans/terraform-data/README.md: what each scenario is. */
export function terraformDataReadme(): string {
  return [
    '<!-- Generated by scripts/gen-terraform-data-plans.ts; do not edit. -->',
    '# terraform_data plan fixtures',
    '',
    'Real `terraform show -json` output of small configurations of the built-in `terraform_data` resource, sensitive',
    'variables and outputs (no provider), applied step by step and planned by the real Terraform; verbatim but the',
    'timestamp. Re-create them with `node bin/run.mjs scripts/gen-terraform-data-plans.ts [scenario...]`',
    '(`many` takes minutes: it applies 3,000 resources; its file is then gzipped by hand: `gzip -9 many.json`).',
    '',
    '| scenario | what it is |',
    '| --- | --- |',
    ...Object.entries(TERRAFORM_DATA_SCENARIOS).map(([name, sc]) => `| \`${name}\` | ${sc.description} |`),
    '',
  ].join('\n');
}

export async function main(args: readonly string[]): Promise<number> {
  const wanted = args.filter((a) => a !== '--');
  for (const name of wanted) {
    if (!TERRAFORM_DATA_SCENARIOS[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(TERRAFORM_DATA_SCENARIOS).join(', ')}`);
  }
  const names = wanted.length ? wanted : Object.keys(TERRAFORM_DATA_SCENARIOS);
  mkdirSync(TERRAFORM_DATA_FIXTURES, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-tfdata-'));
  try {
    for (const name of names) {
      const json = await runScenario(TERRAFORM_DATA_SCENARIOS[name], path.join(tmp, name));
      const file = path.join(TERRAFORM_DATA_FIXTURES, `${name}.json`);
      writeFileSync(file, `${JSON.stringify(json)}\n`);
      console.log(`${name} -> ${file}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(path.join(TERRAFORM_DATA_FIXTURES, 'README.md'), terraformDataReadme());
  return 0;
}
