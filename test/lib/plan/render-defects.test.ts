/**
 * The renderer on plans real Terraform made here (test/fixtures/plans/terraform-data/,
 * re-created by scripts/gen-terraform-data-plans.ts): one describe per defect class
 * of issue 9, each of which failed before its fix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, FleetflagsError } from '../../../lib/errors';
import { stackPlan, type StackPlan } from '../../../lib/plan/plan-model';
import { parseTerraformPlan, readPlanFile } from '../../../lib/plan/plan-json';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../../lib/plan/render';
import { showValue } from '../../../lib/plan/render-attributes';
import { LONG_TOKEN_AFTER, LONG_TOKEN_BEFORE, PRIVATE_KEY_AFTER, PRIVATE_KEY_BEFORE } from '../../../scripts/gen-terraform-data-plans';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

const TF_DATA = path.join(__dirname, '..', '..', 'fixtures', 'plans', 'terraform-data');
const PLANS = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const tmp = tempDir('fleetflags-render-defects-');

function plan(scenario: string, stack = `${scenario}-fleet`): StackPlan {
  return stackPlan(readPlanFile(path.join(TF_DATA, `${scenario}.json`)), stack);
}

function raw(scenario: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(TF_DATA, `${scenario}.json`), 'utf8'));
}

/** The error readPlanFile throws for `file` (fails the test when it throws none). */
function readError(file: string): FleetflagsError {
  try {
    readPlanFile(file);
  } catch (e) {
    return e as FleetflagsError;
  }
  throw new Error(`${file} was read as a plan`);
}

/** The comment with every code span removed: what GitHub would treat as markdown and HTML. */
function outsideCode(md: string): string {
  return md
    .replace(/^(\s*)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, '')
    .replace(/(`+)(?:(?!\1)[^`]|`(?!\1))*?\1/g, (m, ticks: string) => (m.length > ticks.length * 2 ? '' : m));
}

describe('1. sensitive values never leak', () => {
  const secrets = plan('secrets');
  const md = renderMarkdown([secrets], { maxChars: Number.MAX_SAFE_INTEGER });

  test('GIVEN a 300-character token whose cut prefix is the same before and after WHEN rendered THEN no part of it shows', () => {
    expect(JSON.stringify(raw('secrets'))).toContain(LONG_TOKEN_AFTER); // Terraform's JSON carries it...
    expect(md).not.toContain(LONG_TOKEN_BEFORE.slice(0, 24)); // ...no prefix reaches the comment
    expect(md).not.toContain('Zk3qT9vW');
  });

  test('GIVEN a multi-line private key WHEN rendered THEN no line of it shows', () => {
    for (const line of [...PRIVATE_KEY_BEFORE.split('\n'), ...PRIVATE_KEY_AFTER.split('\n')].filter((l) => l.length > 8 && !l.startsWith('-----'))) {
      expect(md).not.toContain(line);
    }
    expect(md).toContain('~ input.private_key: (sensitive value) → (sensitive value)');
  });

  test('GIVEN a 2-character sensitive PIN WHEN rendered THEN it is masked', () => {
    expect(md).toContain('~ input.pin: (sensitive value) → (sensitive value)');
    expect(md).not.toMatch(/"(ab|cd)"/);
  });

  test('GIVEN an attribute Terraform left unmarked (nonsensitive copy, terraform_data.output) WHEN rendered THEN the known secret is masked there too', () => {
    const copy = secrets.changes.find((c) => c.address === 'terraform_data.copy')!;
    expect(copy.change.after_sensitive).toEqual({ input: {}, output: {} }); // no mark at all
    expect(md).toMatch(/- `terraform_data\.copy`\n\n {2}```diff\n {2}~ input\.token: \(sensitive value\) → \(sensitive value\)\n {2}~ output: \(sensitive value\) → \(known after apply\)/);
    expect(md).toContain('- `token`: `(sensitive value)` → `(sensitive value)`');
  });
});

describe('2. masking never touches addresses, types, fixed text or another stack', () => {
  test('GIVEN secrets "admin" and "data" in one stack and the plain value "admin" in another WHEN rendered together THEN addresses, types and the other stack are intact', () => {
    const md = renderMarkdown([plan('secrets'), plan('public-admin', 'public-fleet')]);
    expect(md).toContain('`terraform_data.admin_console[0]`');
    expect(md).not.toMatch(/\(sensitive value\)_console|terraform_\(sensitive value\)/);
    // The other stack's own plain values are its own.
    const publicSection = md.slice(md.indexOf('#### `public-fleet`'), md.indexOf('### Environment `secrets`'));
    expect(publicSection).toContain('+ input.role = "admin"');
    expect(publicSection).toContain('+ input.kind = "data"');
    expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
  });
});

describe('3. not a plan is refused, never green', () => {
  test('GIVEN `terraform show -json` of a state (no plan file) WHEN read THEN one line, exit 2, says it is a state', () => {
    const e = readError(path.join(TF_DATA, 'state.json'));
    expect(e).toBeInstanceOf(FleetflagsError);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/is a Terraform state, not a plan/);
    expect(e.message).not.toContain('\n');
  });

  test('GIVEN a real plan cut in the middle WHEN read THEN one line, exit 2', () => {
    const file = path.join(tmp, 'cut.json');
    const text = readFileSync(path.join(TF_DATA, 'untrusted.json'), 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const e = readError(file);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/is not a Terraform JSON plan: not JSON/);
    expect(e.message).not.toContain('\n');
  });

  test('GIVEN a plan cut to its header (valid JSON, nothing of a plan) WHEN read THEN refused, not "No changes"', () => {
    const file = path.join(tmp, 'header.json');
    const { format_version, terraform_version } = raw('outputs-only');
    writeFileSync(file, JSON.stringify({ format_version, terraform_version, variables: {} }));
    const e = readError(file);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/is not a Terraform plan: .*got the top-level fields "format_version", "terraform_version", "variables"/);
  });
});

describe('4. an errored plan is a failure', () => {
  test('GIVEN a plan whose postcondition failed, with no changes WHEN rendered THEN the summary, the heading and the overview say errored, nothing is green', () => {
    const errored = plan('errored');
    expect(errored.errored).toBe(true);
    const md = renderMarkdown([errored]);
    expect(md).not.toContain('✅');
    expect(md).not.toContain('No changes.');
    expect(md).toContain('#### ❌ `errored-fleet` (errored)');
    expect(md).toMatch(/^❌ \*\*Plan errored\*\*: no changes could be planned\./m);
    expect(md).toMatch(/\*\*1 stack, 0 with changes\.\*\* ❌ \*\*1 plan errored\*\* and cannot be applied\./);
  });
});

describe('5. stateful destroys are never crowded out', () => {
  test('GIVEN a stack of 5,000 changes (1,000 replacements) first and a later stack replacing the lock table WHEN rendered THEN the data loss is listed in full and every stack keeps room', () => {
    // GIVEN two very large stacks sorted before the data stack
    const many = stackPlan(readPlanFile(path.join(TF_DATA, 'many.json.gz')), 'alpha-fleet');
    const many2 = { ...many, stack: 'beta-fleet', environment: 'beta' };
    const data = stackPlan(readPlanFile(path.join(PLANS, 'replace-delete-create', 'sandbox-data.plan.json')), 'sandbox-data');
    // WHEN rendered for GitHub
    const md = renderMarkdown([data, many, many2]);
    // THEN it fits, the lock table's entry is there in full, at the top and in its stack
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const table = data.changes.find((c) => c.type === 'aws_dynamodb_table')!.address;
    const top = md.slice(0, md.indexOf('### Environment'));
    expect(top).toContain(`> - replace \`${table}\` in \`sandbox-data\``);
    const section = md.slice(md.indexOf('#### `sandbox-data`'));
    expect(section).toMatch(/> 🛑 \*\*Data loss: 1 stateful resource will be destroyed or replaced\.\*\*\n.*\n> - 🛑 \*\*replace\*\* `aws_dynamodb_table\.LockTable_\w+`/);
    expect(section).toContain('>   - forced by: `name`');
    // Every large stack keeps some of its own destructive entries.
    for (const stack of ['alpha-fleet', 'beta-fleet']) {
      const s = md.slice(md.indexOf(`#### \`${stack}\``));
      expect(s).toMatch(/> - ⚠️ \*\*replace\*\* `terraform_data\.r\[\d+\]`/);
    }
  });
});

describe('6. unknown means unknown', () => {
  test('GIVEN a list with one unknown element and an object with one unknown key WHEN shown THEN "(known after apply)" in place', () => {
    const dst = plan('unknown').changes.find((c) => c.address === 'terraform_data.dst')!;
    const { after, after_unknown } = dst.change as { after: any; after_unknown: any };
    expect(after.input.list).toEqual(['a', null]); // what Terraform writes for the unknown element
    expect(showValue(after.input, after_unknown.input, undefined)).toBe('{"list":["a",(known after apply)],"obj":{"known":"k","later":(known after apply)}}');
    const md = renderMarkdown([plan('unknown')]);
    expect(md).toContain('+ input.list[1] = (known after apply)');
    expect(md).toContain('+ input.obj.later = (known after apply)');
  });
});

describe('7. untrusted text stays inert', () => {
  const md = renderMarkdown([plan('untrusted')], { maxChars: Number.MAX_SAFE_INTEGER });

  test('GIVEN addresses, previous addresses and values with backticks, <!--, </details>, HTML and @mentions WHEN rendered THEN none acts', () => {
    // The hidden marker appears once: ours.
    expect(md.split('<!--').length - 1).toBe(1);
    // No mention anywhere.
    expect(md).not.toMatch(/@acme/);
    expect(md).toContain('@\u200Bacme/security-team');
    // Outside code, there is no HTML of theirs and every </details> closes one of ours.
    const text = outsideCode(md);
    expect(text).not.toContain('<img');
    expect((text.match(/<\/details>/g) ?? []).length).toBe((md.match(/<details/g) ?? []).length);
    // A key with backticks is in a code span its backticks cannot close.
    expect(md).toContain('```terraform_data.new["x`y``z"]```');
    expect(md).toContain('``terraform_data.new["`</details>"]``');
  });
});

describe('8. input limits', () => {
  test('GIVEN a real plan with a value nested 5,000 levels deep WHEN read THEN a one-line error, not a stack overflow', () => {
    const file = path.join(tmp, 'deep.json');
    const text = readFileSync(path.join(TF_DATA, 'unknown.json'), 'utf8').replace('"input":"s"', `"input":${'['.repeat(5000)}${']'.repeat(5000)}`);
    writeFileSync(file, text);
    const e = readError(file);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/nests values more than 256 levels deep; allowed: at most 256/);
    expect(e.message).not.toContain('\n');
  });

  test.each([
    ['UTF-16 LE with a BOM (a PowerShell redirect)', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    ['UTF-8 with a BOM', (t: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])],
    ['UTF-16 LE without a BOM', (t: string) => Buffer.from(t, 'utf16le')],
  ])('GIVEN a real plan written as %s WHEN read THEN it renders as the UTF-8 file does', (_name, encode) => {
    const source = path.join(TF_DATA, 'outputs-only.json');
    const file = path.join(tmp, `enc-${_name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, encode(readFileSync(source, 'utf8')));
    expect(renderMarkdown([stackPlan(readPlanFile(file), 'x-fleet')])).toBe(renderMarkdown([stackPlan(readPlanFile(source), 'x-fleet')]));
  });

  test('GIVEN a UTF-16 file cut in the middle of a character WHEN read THEN refused with the encoding named', () => {
    const file = path.join(tmp, 'broken-utf16.json');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"\uD83D', 'utf16le')]);
    writeFileSync(file, bytes);
    expect(readError(file).message).toMatch(/cannot be read as UTF-16 LE \(with a BOM\)/);
  });
});

describe('9. actions Terraform really emits', () => {
  test('GIVEN ["create","forget"] WHEN counted and rendered THEN one created and one forgotten, nothing destroyed', () => {
    // Terraform 1.11 emits it for providers' resources, not for terraform_data: the real forget plan, its action widened.
    const json = raw('forget-only');
    const forgotten = json.resource_changes.find((r: any) => r.change.actions[0] === 'forget');
    forgotten.change.actions = ['create', 'forget'];
    const s = stackPlan(parseTerraformPlan(json), 'cf-fleet');
    expect(s.counts).toMatchObject({ add: 1, forget: 1, destroy: 0, replace: 0 });
    const md = renderMarkdown([s]);
    expect(md).not.toMatch(/\[!WARNING\]|\[!CAUTION\]|to destroy\*\*|to replace\*\*/);
    expect(md).toContain('- `terraform_data.a`: a new one is created; the old one is forgotten, not destroyed');
  });

  test('GIVEN a refresh-only plan that sees a moved block WHEN rendered THEN a move, not drift', () => {
    const s = plan('refresh-only-move');
    expect(s.counts).toMatchObject({ move: 1, drift: 0 });
    const md = renderMarkdown([s]);
    expect(md).toContain('- `terraform_data.a` → `terraform_data.c`');
    expect(md).not.toContain('Drift');
  });

  test('GIVEN a -target plan ("complete": false) WHEN rendered THEN a partial-plan note', () => {
    const md = renderMarkdown([plan('targeted')]);
    expect(md).toContain('#### `targeted-fleet` (partial plan)');
    expect(md).toContain('⚠️ **Partial plan** (`"complete": false`)');
    expect(md).toMatch(/⚠️ \*\*1 partial plan\*\*/);
  });

  test('GIVEN a forget-only stack WHEN rendered THEN its forget count shows, in the table and its summary', () => {
    const md = renderMarkdown([plan('forget-only')]);
    expect(md).toContain('| forget-only | 🔸 `forget-only-fleet` | 0 | 0 | 0 | 0 | 0 | 0 | 1 |');
    expect(md).toMatch(/\*\*Plan:\*\* .*1 forgotten\./);
  });

  test('GIVEN only an output changes WHEN rendered THEN it is a change, not "No changes"', () => {
    const md = renderMarkdown([plan('outputs-only')]);
    expect(md).not.toContain('No changes');
    expect(md).toMatch(/\*\*Plan:\*\* .*1 output changed\./);
    expect(md).toContain('- `endpoint`: `"https://old.example"` → `"https://new.example"`');
  });
});

describe('size', () => {
  test('GIVEN a real plan of 5,000 changes WHEN rendered THEN within 65,536 characters (time: npm run bench)', () => {
    const many = stackPlan(readPlanFile(path.join(TF_DATA, 'many.json.gz')), 'sandbox-fleet');
    expect(many.counts).toMatchObject({ add: 2000, change: 2000, replace: 1000 });
    const md = renderMarkdown([many]);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain('Shortened');
  });
});
