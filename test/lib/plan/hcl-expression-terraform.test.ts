/**
 * Terraform judges the expression evaluator (lib/plan/hcl-expression.ts): every
 * `jsonencode(...)` and template of the shipped stacks, with each resource
 * reference replaced by a string, evaluated by Terraform (as outputs of a JSON
 * configuration, the way it reads our stacks) and by us.
 *
 * @terraform: runs `terraform init`, `apply` and `output` of a configuration without providers (well under a second).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateConfigValue, isTemplate } from '../../../lib/plan/hcl-expression';
import { terraform } from '../../../lib/terraform/runner';
import { shippedStacks, tempDir } from '../../helpers/plan-fixtures';

const REFERENCE = /\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)/g;
/** The stand-in value of a reference: the same text for us and for Terraform. */
const standIn = (type: string, name: string, path: readonly (string | number)[]) => `<${type}.${name}.${path.join('.')}>&`;

/** Every interpolated string of every resource and output of the shipped stacks (deduplicated). */
function shippedTemplates(): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && isTemplate(v) && !/\$\{(var|data|local)\./.test(v)) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const stack of shippedStacks().values()) {
    walk(stack.resource);
    walk(stack.output);
  }
  return [...found];
}

test('every template of the shipped stacks evaluates to what Terraform gives', async () => {
  // GIVEN the templates of the shipped stacks (policies and dashboards in jsonencode, references in strings)
  const templates = shippedTemplates();
  expect(templates.filter((t) => t.startsWith('${jsonencode(')).length).toBeGreaterThanOrEqual(3);
  expect(templates.length).toBeGreaterThanOrEqual(20);
  // WHEN each reference is a stand-in string (with characters jsonencode escapes): ours through the lookup...
  const ours = templates.map((t) => evaluateConfigValue(t, (type, name, path) => standIn(type, name, path)));
  // ...and Terraform's: each template the value of an output of a JSON configuration (read as our stacks
  // are read), the stand-in written as a quoted string in the reference's place, applied with no resources
  const dir = tempDir('fleetflags-templates-');
  try {
    const output = Object.fromEntries(
      templates.map((t, i) => [`t${i}`, { value: t.replace(REFERENCE, (_m, type: string, name: string, rest: string) => JSON.stringify(standIn(type, name, steps(rest)))) }]),
    );
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ output }));
    await terraform(['init', '-input=false', '-no-color'], { cwd: dir });
    await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir });
    const outputs = JSON.parse((await terraform(['output', '-json'], { cwd: dir })).stdout) as Record<string, { value: unknown }>;
    // THEN every value is the same
    expect(templates.map((_t, i) => outputs[`t${i}`].value)).toEqual(ours);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `.a[0].b` -> ['a', 0, 'b'] */
function steps(rest: string): Array<string | number> {
  return rest.split(/[.[\]]+/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
