/**
 * The plan comment, rendered from real plans Terraform made here from our sandbox
 * data stack (test/fixtures/plans/, re-created by scripts/gen-plan-fixtures.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffFlags, readFlagsDir } from '../../../lib/plan/flags-diff';
import { stackPlan, type StackPlan } from '../../../lib/plan/plan-model';
import { readPlanFile } from '../../../lib/plan/plan-json';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown, summarize } from '../../../lib/plan/render';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');

function fixture(scenario: string, stack = 'sandbox-data'): StackPlan {
  const dir = path.join(FIXTURES, scenario);
  const file = ['.plan.json', '.plan.json.gz'].map((ext) => path.join(dir, `${stack}${ext}`)).find((f) => {
    try {
      readFileSync(f);
      return true;
    } catch {
      return false;
    }
  })!;
  return stackPlan(readPlanFile(file), stack);
}

function flagsOf(scenario: string) {
  const dir = path.join(FIXTURES, scenario, 'flags');
  return diffFlags(readFlagsDir(path.join(dir, 'base')), readFlagsDir(path.join(dir, 'head')));
}

describe('renderMarkdown on real plans', () => {
  test('create-only: counts, every resource listed, nothing destructive', () => {
    // GIVEN the plan of a new environment
    const plan = fixture('create');

    // WHEN rendered
    const md = renderMarkdown([plan]);

    // THEN the marker is first, the summary line is outside any collapsed block, and no warning shows
    expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(plan.counts).toMatchObject({ add: 14, change: 0, destroy: 0, replace: 0, move: 0, import: 0 });
    expect(md).toMatch(/^🔸 \*\*Plan:\*\* 14 to add, 0 to change, 0 to destroy, 0 to replace, 0 moved, 0 imported\.$/m);
    expect(beforeFirstDetails(md)).toContain('**Plan:** 14 to add');
    expect(md).toContain('<details><summary>➕ 14 to add</summary>');
    expect(md).toContain('+ name = "fleetflags-sandbox-locks"');
    expect(md).toMatch(/\+ \(known after apply\): arn, id, /);
    expect(md).not.toMatch(/\[!CAUTION\]|\[!WARNING\]/);
  });

  test('no changes: one line says so', () => {
    const md = renderMarkdown([fixture('no-changes')]);
    expect(md).toMatch(/^✅ \*\*No changes\.\*\* 14 unchanged\.$/m);
    expect(md).not.toContain('<details');
  });

  test('in-place update: attribute-level before → after, with the flags that caused it', () => {
    // GIVEN a flags edit of the access-log and artifact retention
    const plan = fixture('update');
    const flagChanges = flagsOf('update');

    // WHEN rendered with the flags diff
    const md = renderMarkdown([plan], { flagChanges });

    // THEN both the intent (flags) and the effect (the two lifecycle updates) show
    expect(plan.counts).toMatchObject({ add: 0, change: 2, destroy: 0, replace: 0 });
    expect(md).toContain('| `$.accessLogs.expirationDays` | `14` | `30` |');
    expect(md).toContain('| `$.artifacts.noncurrentVersionExpirationDays` | `30` | `45` |');
    expect(md).toContain('~ rule[0].expiration[0].days: 14 → 30');
    expect(md).toContain('~ rule[0].noncurrent_version_expiration[0].noncurrent_days: 30 → 45');
    expect(md).toContain('<details open><summary>🔄 2 to change</summary>');
  });

  test('replacement, destroy first, of the lock table: loudest warning, reason and forcing path', () => {
    const plan = fixture('replace-delete-create');
    const md = renderMarkdown([plan], { flagChanges: flagsOf('replace-delete-create') });

    const table = plan.changes.find((c) => c.type === 'aws_dynamodb_table')!;
    expect(table.actions).toEqual(['delete', 'create']);
    expect(plan.counts).toMatchObject({ replace: 1, add: 0, destroy: 0 });
    // Destructive changes come before anything collapsed, in a CAUTION alert.
    const top = beforeFirstDetails(md);
    expect(top).toContain('> [!CAUTION]');
    expect(top).toContain('🛑 **Data loss: 1 stateful resource will be destroyed or replaced.**');
    expect(top).toMatch(/> - 🛑 \*\*replace\*\* `aws_dynamodb_table\.LockTable_\w+` \(destroy first, then create: a gap while it is gone\) · \*\*stateful\*\* \(`aws_dynamodb_table`\)/);
    expect(top).toContain('>   - why: a changed attribute cannot be updated in place');
    expect(top).toContain('>   - forced by: `name`');
    expect(top).toContain('`prevent_destroy` protects it');
    expect(md).toContain('| `$.lockTable.tableName` | `(absent)` | `"fleetflags-sandbox-locks-v2"` |');
    expect(md).toContain('~ name: "fleetflags-sandbox-locks" → "fleetflags-sandbox-locks-v2"   # forces replacement');
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('<details'));
  });

  test('replacement with create_before_destroy: the other order, named as such', () => {
    const plan = fixture('replace-create-delete');
    const table = plan.changes.find((c) => c.type === 'aws_dynamodb_table')!;
    expect(table.actions).toEqual(['create', 'delete']);
    expect(table.replaceOrder).toBe('create-then-delete');
    expect(plan.counts.replace).toBe(1);
    expect(renderMarkdown([plan])).toMatch(/\*\*replace\*\* `aws_dynamodb_table\.LockTable_\w+` \(create the new one, then destroy the old: `create_before_destroy`\)/);
  });

  test('delete of a non-stateful resource: a warning with the reason', () => {
    const plan = fixture('delete');
    const md = renderMarkdown([plan]);
    expect(plan.counts).toMatchObject({ destroy: 1, replace: 0 });
    expect(md).toContain('> [!WARNING]');
    expect(md).not.toContain('[!CAUTION]');
    expect(md).toMatch(/> - ⚠️ \*\*destroy\*\* `aws_s3_bucket_lifecycle_configuration\.Artifacts_Lifecycle_\w+`/);
    expect(md).toContain('why: it is no longer in the configuration');
  });

  test('moved block: shown as a move, not as a destroy and a create', () => {
    const plan = fixture('moved');
    const md = renderMarkdown([plan]);
    expect(plan.counts).toMatchObject({ move: 1, add: 0, destroy: 0, replace: 0 });
    expect(md).toMatch(/\*\*↪️ 1 moved\*\*.*\n\n- `aws_dynamodb_table\.LockTable_B9DACF42` → `aws_dynamodb_table\.LockTable_Table_4A1B2C3D`$/m);
    expect(md).toMatch(/0 to destroy, 0 to replace, 1 moved/);
  });

  test('tainted: replaced, and the reason says tainted', () => {
    const plan = fixture('tainted');
    const policy = plan.changes.find((c) => c.kind === 'replace')!;
    expect(policy.actionReason).toBe('replace_because_tainted');
    const md = renderMarkdown([plan]);
    expect(md).toMatch(/⚠️ \*\*replace\*\* `aws_s3_bucket_policy\.AccessLogs_Bucket_Policy_\w+` .* · 🩹 \*\*tainted\*\*/);
    expect(md).toContain('why: it is tainted');
  });

  test('sensitive values are masked everywhere, in resources and outputs', () => {
    const plan = fixture('sensitive');
    const raw = readFileSync(path.join(FIXTURES, 'sensitive', 'sandbox-data.plan.json'), 'utf8');
    expect(raw).toContain('hunter2-do-not-print'); // Terraform's JSON carries the value...
    const md = renderMarkdown([plan]);
    expect(md).not.toContain('hunter2'); // ...the comment never does.
    expect(md).toContain('(sensitive value)');
    expect(md).toMatch(/`lock_table_token`: `\(none\)` → `\(sensitive value\)`/);
    expect(md).toContain('+ tags.owner = "ingest"');
  });

  test('several hundred resources: cut under 65,536 characters, destructive changes all kept, said so', () => {
    // GIVEN a plan of hundreds of changes, whose full comment is far over the limit
    const plan = fixture('large');
    expect(plan.changes.length).toBeGreaterThan(300);
    const full = renderMarkdown([plan], { maxChars: Number.MAX_SAFE_INTEGER });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);

    // WHEN rendered for GitHub
    const md = renderMarkdown([plan], { detailsUrl: 'https://github.com/acme/fleetflags/actions/runs/42' });

    // THEN it fits, says it was shortened and where the full plans are, and lists every destroy
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 0.9); // cut only what it had to
    expect(md).toMatch(/✂️ \*\*Shortened\*\* to fit GitHub's 65,536-character comment limit; left out: .*\d+ create attribute lists/);
    expect(md).toContain('The full plans are in the [workflow run](https://github.com/acme/fleetflags/actions/runs/42)');
    const destructive = summarize([plan]).destructive;
    expect(destructive.length).toBeGreaterThan(10);
    for (const d of destructive) expect(md).toContain(`\`${d.address}\``);
    // The least important end went first: updates keep their attribute diffs while creates' details go.
    expect(md).toMatch(/~ rule\[0\]\.expiration\[0\]\.days: 14 → 30/);
    const createDetails = (text: string) => (text.match(/\+ bucket = "fleetflags-sandbox-access-logs-c\d+"/g) ?? []).length;
    expect(createDetails(md)).toBeLessThan(createDetails(full));
    // Every resource is still named, and the summary line is intact.
    expect(md).toMatch(/\*\*Plan:\*\* 280 to add, 152 to change, \*\*28 to destroy\*\*/);
    expect(md).not.toMatch(/… and \d+ more/);
  });

  test('a tiny limit still keeps the summary and the destructive list', () => {
    const plan = fixture('replace-delete-create');
    const md = renderMarkdown([plan], { maxChars: 2000 });
    expect(md.length).toBeLessThanOrEqual(2000);
    expect(md).toContain('forced by: `name`');
    expect(md).toContain('Shortened');
  });

  test('deterministic: the same plans in any order give the same bytes', () => {
    const plans = ['update', 'delete', 'moved'].map((s) => fixture(s));
    const renamed = plans.map((p, i) => ({ ...p, stack: `${['sandbox', 'dogfood', 'production'][i]}-data`, environment: ['sandbox', 'dogfood', 'production'][i] }));
    const a = renderMarkdown(renamed);
    const b = renderMarkdown([...renamed].reverse());
    expect(a).toBe(b);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // no timestamps
    // One section per environment, sorted.
    expect([...a.matchAll(/^### Environment `(\w+)`$/gm)].map((m) => m[1])).toEqual(['dogfood', 'production', 'sandbox']);
  });

  test('the planned commit is named, so a stale comment is recognisable', () => {
    const md = renderMarkdown([fixture('update')], { commit: '0123456789abcdef', detailsUrl: 'https://ci/runs/5' });
    expect(md).toContain('Planned commit `0123456789ab` in [this workflow run](https://ci/runs/5).');
  });

  test('speculative plans say so at the top', () => {
    const md = renderMarkdown([fixture('update')]);
    expect(md).toMatch(/^## Terraform plan \(speculative\)$/m);
    expect(md).toContain('> **Speculative plan**: planned without cloud credentials');
  });

  test('a small comment, as reviewers see it', () => {
    expect(renderMarkdown([fixture('update')], { flagChanges: flagsOf('update') })).toMatchSnapshot();
  });
});

describe('renderMarkdown on what an offline plan cannot produce', () => {
  // Imports and drift need a real cloud (Terraform reads the objects); these cases
  // take the real update plan and add the entries the JSON format documents.
  test('imports, drift, reads and forgets each show as such', () => {
    const raw = JSON.parse(readFileSync(path.join(FIXTURES, 'update', 'sandbox-data.plan.json'), 'utf8'));
    const table = raw.resource_changes.find((r: any) => r.type === 'aws_dynamodb_table');
    const imported = { ...table, address: 'aws_dynamodb_table.Imported', name: 'Imported', change: { ...table.change, importing: { id: 'legacy-locks' } } };
    const read = { ...table, address: 'data.aws_caller_identity.current', mode: 'data', type: 'aws_caller_identity', change: { actions: ['read'], before: null, after: {}, after_unknown: { id: true } }, action_reason: 'read_because_config_unknown' };
    const forgotten = { ...table, address: 'aws_s3_bucket.Legacy', type: 'aws_s3_bucket', change: { actions: ['forget'], before: { bucket: 'legacy' }, after: null } };
    const drifted = { ...table, change: { ...table.change, actions: ['update'], before: { ...table.change.before, billing_mode: 'PAY_PER_REQUEST' }, after: { ...table.change.before, billing_mode: 'PROVISIONED' } } };
    raw.resource_changes.push(imported, read, forgotten);
    raw.resource_drift = [drifted];

    const plan = stackPlan(raw, 'sandbox-data');
    const md = renderMarkdown([plan]);

    expect(plan.counts).toMatchObject({ import: 1, read: 1, forget: 1, drift: 1, destroy: 0 });
    expect(md).toContain('**📥 1 imported**:\n\n- `aws_dynamodb_table.Imported` from ID `legacy-locks`');
    expect(md).toContain('🫥 1 removed from state without being destroyed');
    expect(md).toMatch(/<details><summary>🌀 Drift: 1 resource changed outside Terraform since the last apply<\/summary>[\s\S]*~ billing_mode: "PAY_PER_REQUEST" → "PROVISIONED"/);
    expect(md).toContain('- `data.aws_caller_identity.current`: its configuration depends on values known only after apply');
  });
});

test('a secret that happens to be part of the marker never breaks the marker', () => {
  const raw = readFileSync(path.join(FIXTURES, 'sensitive', 'sandbox-data.plan.json'), 'utf8').split('hunter2-do-not-print').join('fleetflags:plan');
  const md = renderMarkdown([stackPlan(JSON.parse(raw), 'sandbox-data')]);
  expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
  expect(md.slice(COMMENT_MARKER.length)).not.toContain('fleetflags:plan');
});

describe('summarize (--format json)', () => {
  test('counts per action kind and the destructive addresses, stateful first', () => {
    const s = summarize([fixture('replace-delete-create'), { ...fixture('delete'), stack: 'dogfood-data', environment: 'dogfood' }]);
    expect(s.totals).toMatchObject({ add: 0, change: 0, destroy: 1, replace: 1, move: 0, import: 0 });
    expect(s.speculative).toBe(true);
    expect(s.destructive.map((d) => [d.stack, d.action, d.stateful])).toEqual([
      ['sandbox-data', 'replace', true],
      ['dogfood-data', 'delete', false],
    ]);
    expect(s.destructive[0]).toMatchObject({ actions: ['delete', 'create'], replacePaths: ['name'], preventDestroy: true });
  });
});

function beforeFirstDetails(md: string): string {
  const i = md.indexOf('<details');
  return i < 0 ? md : md.slice(0, i);
}
