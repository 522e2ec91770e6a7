/**
 * Speculative plans (lib/plan/speculative.ts) and their baselines (lib/plan/baselines.ts) judged by the real Terraform: baselines
 * of every shipped stack reach their fixpoint, and changes plan as the provider decides.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type Baseline, buildBaseline, buildBaselines } from '../../../lib/plan/baselines';
import {
  preventDestroyAddresses,
  type SpeculativeJob,
  speculativePlan,
  type SpeculativePlanJson,
  speculativePlans,
  withoutPreventDestroy,
} from '../../../lib/plan/speculative';
import { plannedChanges } from '../../../lib/plan/state';
import { providerSchemas } from '../../../lib/plan/provider-schema';
import { providerPoolEnabled } from '../../../lib/terraform/provider-eligibility';
import { providerConfigurationKey } from '../../../lib/terraform/modules-workdir';
import { providerPoolCounts, providerTemplate, type StackJson, terraformProcessCounts } from '../../../lib/terraform/runner';
import { sandboxFlags } from '../../helpers/flags-fixtures';
import { shippedStacks, stacksOf, tempDir } from '../../helpers/plan-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Change = { address: string; type: string; action_reason?: string; change: { actions: string[]; before: any; after: any; replace_paths?: unknown } };
const changesOf = (plan: any): Change[] => (plan.resource_changes as Change[]).filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'));
const outputChangesOf = (plan: any): string[] =>
  Object.entries(plan.output_changes ?? {}).filter(([, o]: [string, any]) => o.actions.join() !== 'no-op').map(([k]) => k);

const work = tempDir();
afterAll(() => rmSync(work, { recursive: true, force: true }));
/**
 * One baseline cache for the suite (fresh, so the zero-change tests below build every
 * baseline themselves): later tests reuse what earlier ones built instead of running
 * the same fixpoint again.
 */
const cacheDir = path.join(work, 'baseline-cache');

describe('speculativePlan: an unchanged configuration plans to zero changes', () => {
  const stacks = shippedStacks();
  /** Every shipped stack's baseline, built together (buildBaselines: a root per provider configuration). */
  let baselines: Map<string, Baseline>;
  /** The fold's Terraform processes, and the leases of pooled provider servers they took. */
  let fold: { processes: number; leases: number };

  beforeAll(async () => {
    // What a cold machine runs once before any fold (the shared `init`, the provider schema's plain
    // `providers schema`), run first: the counts below are the fold's own.
    await providerTemplate();
    await providerSchemas();
    const count = () => ({
      processes: Object.values(terraformProcessCounts()).reduce((a, b) => a + b, 0),
      leases: providerPoolCounts().started + providerPoolCounts().reused,
    });
    const before = count();
    baselines = await buildBaselines(stacks, { workdir: path.join(work, 'zero'), cacheDir });
    const after = count();
    fold = { processes: after.processes - before.processes, leases: after.leases - before.leases };
  }, 1_200_000);

  test('stacks of different provider configurations fold in roots of their own: every plan and show on a pooled server (pool off: one root)', () => {
    // GIVEN the shipped stacks, each with a provider configuration of its own (its stack tag)
    expect(new Set([...stacks.values()].map(providerConfigurationKey)).size).toBe(stacks.size);
    // WHEN folded together (above) THEN 2 rounds (plan, show, plan) for each root: with the pool on, one root
    // per stack, every run attached to a pooled server; with FLEETFLAGS_PROVIDER_POOL=0, one root, no server
    if (providerPoolEnabled()) {
      expect(fold).toEqual({ processes: 3 * stacks.size, leases: 3 * stacks.size });
    } else {
      expect(fold).toEqual({ processes: 3, leases: 0 });
    }
  });

  test('the shipped flags give data and fleet stacks for every environment', () => {
    // GIVEN the shipped flags files WHEN synthesized THEN each environment has both stacks
    const names = [...stacks.keys()];
    expect(names.filter((n) => n.endsWith('-data')).length).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.endsWith('-fleet')).length).toBe(names.filter((n) => n.endsWith('-data')).length);
  });

  test.each([...stacks.keys()])('%s', async (name) => {
    // GIVEN a stack WHEN its configuration is planned against a baseline of itself (built with the others)
    const json = stacks.get(name)!;
    const baseline = baselines.get(name)!;
    const plan = await speculativePlan({ base: json, head: json, workdir: path.join(work, 'zero-head', name), stackName: name, cacheDir, baseline });
    // THEN nothing changes, neither resources nor outputs, and the plan says it is speculative
    expect(changesOf(plan).map((c) => `${c.address} ${c.change.actions}`)).toEqual([]);
    expect(outputChangesOf(plan)).toEqual([]);
    // An access stack has 5 resources (OIDC provider, two roles, two policies); the others more.
    expect(plan.resource_changes.length).toBeGreaterThanOrEqual(name.endsWith('-access') ? 5 : 6);
    expect(plan.fleetflags).toEqual(expect.objectContaining({ speculative: true, baseline: 'base', preventDestroy: [] }));
    // 2 rounds: references between new resources resolve within the round (lib/plan/state-references.ts)
    expect(plan.fleetflags.baselineRounds).toBe(2);
    // AND the baseline was built here, not read from the cache
    expect(baseline.fromCache).toBe(false);
  });

  test('buildBaselines gives each stack the baseline buildBaseline gives it alone, and the two share the cache', async () => {
    // GIVEN two stacks of different environments (folded together above, each a module: of its own root with
    // the pool on, of one root with their own provider blocks with it off; alone, each is the root itself)
    const access = [...stacks.keys()].find((n) => n.endsWith('-access'))!;
    const names = [access, [...stacks.keys()].find((n) => n.endsWith('-data') && !n.startsWith(access.replace(/access$/, '')))!];
    expect(new Set(names.map((n) => n.split('-')[0])).size).toBe(2);
    const aloneCache = path.join(work, 'alone-cache');
    // WHEN each is built alone (buildBaseline), into a cache of its own
    const alone = await Promise.all(names.map((n) => buildBaseline(stacks.get(n)!, { workdir: path.join(work, 'alone', n), stackName: n, cacheDir: aloneCache })));
    // THEN the state and the rounds are those of the baselines built together above
    names.forEach((n, i) => {
      expect({ n, rounds: alone[i].rounds, fromCache: alone[i].fromCache }).toEqual({ n, rounds: baselines.get(n)!.rounds, fromCache: false });
      expect(alone[i].state).toEqual(baselines.get(n)!.state);
    });
    // AND buildBaselines finds what buildBaseline cached, and buildBaseline what buildBaselines cached
    const again = await buildBaselines(new Map(names.map((n) => [n, stacks.get(n)!])), { workdir: path.join(work, 'alone-again'), cacheDir: aloneCache });
    expect([...again.values()].map((b) => [b.fromCache, b.rounds])).toEqual([[true, 0], [true, 0]]);
    names.forEach((n) => expect(again.get(n)!.state).toEqual(baselines.get(n)!.state));
    const fleet = [...stacks.keys()].find((n) => n.endsWith('-fleet'))!;
    const cached = await buildBaseline(stacks.get(fleet)!, { workdir: path.join(work, 'from-combined'), stackName: fleet, cacheDir });
    expect(cached.fromCache).toBe(true);
    expect(cached.state).toEqual(baselines.get(fleet)!.state);
  });

  test('planning the head separately (not reusing the last round) also shows no changes', async () => {
    // GIVEN the sandbox fleet (its baseline built above) WHEN the head is planned in its own directory
    const json = stacks.get('sandbox-fleet')!;
    const plan = await speculativePlan({ base: json, head: json, workdir: path.join(work, 'zero-separate'), reuseFinalRound: false, cacheDir });
    // THEN no changes
    expect(changesOf(plan)).toEqual([]);
    expect(outputChangesOf(plan)).toEqual([]);
  });
});

describe('speculativePlan: changes plan as the provider decides', () => {
  const base = stacksOf(sandboxFlags()).get('sandbox-data')!;
  /** The head without the artifacts bucket's ownership controls, and the resource removed. */
  const removal = (() => {
    const head = JSON.parse(JSON.stringify(base)) as StackJson;
    const controls = head.resource.aws_s3_bucket_ownership_controls;
    const removed = Object.keys(controls).find((k) => k.startsWith('Artifacts'))!;
    delete controls[removed];
    return { head, removed };
  })();
  /**
   * GIVEN each change below, a head of sandbox-data against the same base: access logs kept 30
   * days instead of 14, a resource removed, the lock table renamed (ForceNew, prevent_destroy),
   * the artifacts bucket renamed, the unchanged base, and the base with no base at all.
   */
  const heads = new Map<string, SpeculativeJob>([
    ['value', { base, head: stacksOf(sandboxFlags((f) => (f.accessLogs!.expirationDays = 30))).get('sandbox-data')! }],
    ['remove', { base, head: removal.head }],
    ['table', { base, head: stacksOf(sandboxFlags((f) => (f.lockTable!.tableName = 'fleetflags-sandbox-locks-v2'))).get('sandbox-data')! }],
    ['bucket', { base, head: stacksOf(sandboxFlags((f) => (f.artifacts!.bucketName = 'fleetflags-sandbox-artifacts-v2'))).get('sandbox-data')! }],
    ['unchanged', { base, head: base }],
    ['no-base', { head: base }],
  ]);
  /**
   * WHEN planned: every head a module of one root (speculativePlans), ONE plan (again once with
   * the prevent_destroy guards Terraform refused lifted) and ONE show for all, each head against
   * its baseline (the base's, cached by the suite above). Each test asserts on its own head's
   * part, which is what that head planned alone gives (the module's part of the plan: modulePlan).
   */
  let plans: Map<string, SpeculativePlanJson>;
  beforeAll(async () => {
    plans = await speculativePlans(heads, { workdir: path.join(work, 'changes'), cacheDir });
  }, 1_200_000);

  test('changing a value plans exactly that in-place update', () => {
    // GIVEN access logs kept 30 days instead of 14 WHEN planned against the base
    const p = plans.get('value')!;
    // THEN one resource is updated: the lifecycle rule, 14 -> 30
    const changes = changesOf(p);
    expect(changes.map((c) => [c.type, c.change.actions])).toEqual([['aws_s3_bucket_lifecycle_configuration', ['update']]]);
    expect(changes[0].address).toMatch(/AccessLogs_Lifecycle/);
    expect(changes[0].change.before.rule[0].expiration[0].days).toBe(14);
    expect(changes[0].change.after.rule[0].expiration[0].days).toBe(30);
    expect(outputChangesOf(p)).toEqual([]);
  });

  test('removing a resource plans its delete, and nothing else', () => {
    // GIVEN the head without the artifacts bucket's ownership controls WHEN planned
    const p = plans.get('remove')!;
    // THEN exactly that resource is deleted
    expect(changesOf(p).map((c) => [c.address, c.change.actions])).toEqual([[`aws_s3_bucket_ownership_controls.${removal.removed}`, ['delete']]]);
  });

  test('renaming the lock table plans its replacement, with the reason and prevent_destroy called out', () => {
    // GIVEN a new table name (ForceNew) on a table with prevent_destroy
    // WHEN planned (Terraform refuses to plan a destroy of it; the plan is made without that guard)
    const p = plans.get('table')!;
    // THEN the table is replaced because of its name, the marker lists it, the output changes
    const changes = changesOf(p);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toEqual(
      expect.objectContaining({
        type: 'aws_dynamodb_table',
        action_reason: 'replace_because_cannot_update',
        change: expect.objectContaining({ actions: ['delete', 'create'], replace_paths: [['name']] }),
      }),
    );
    expect(p.fleetflags.preventDestroy).toEqual([changes[0].address]);
    expect(outputChangesOf(p)).toEqual(['lock_table']);
  });

  test('renaming a bucket replaces the bucket and the resources bound to its name', () => {
    // GIVEN a new artifacts bucket name WHEN planned
    const p = plans.get('bucket')!;
    // THEN the bucket is replaced for its name; every Artifacts_* resource bound to it is replaced too; access logs untouched
    const changes = changesOf(p);
    const bucket = changes.find((c) => c.type === 'aws_s3_bucket')!;
    expect(bucket.change.actions).toEqual(['delete', 'create']);
    expect(bucket.change.replace_paths).toEqual([['bucket']]);
    expect(p.fleetflags.preventDestroy).toEqual([bucket.address]);
    expect(changes.every((c) => c.address.includes('Artifacts') && c.change.actions.includes('create'))).toBe(true);
    expect(changes.length).toBeGreaterThanOrEqual(6);
  });

  test('several heads in one plan (speculativePlans): each against its baseline, prevent_destroy lifted in its own stack only', () => {
    // GIVEN a value change, a lock-table rename (prevent_destroy) and the unchanged base, all against the same base
    // WHEN planned together: each head a module of one root (with the other heads above)
    const value = plans.get('value')!;
    const table = plans.get('table')!;
    const unchanged = plans.get('unchanged')!;
    // THEN each plan is what that head alone plans: one in-place update...
    const valueChanges = changesOf(value);
    expect(valueChanges.map((c) => [c.address.split('.')[0], c.change.actions])).toEqual([['aws_s3_bucket_lifecycle_configuration', ['update']]]);
    expect(valueChanges[0].change.after.rule[0].expiration[0].days).toBe(30);
    expect(value.fleetflags.preventDestroy).toEqual([]);
    // ...the table's replacement, its guard lifted and listed in its own plan only, with its output...
    const tableChanges = changesOf(table);
    expect(tableChanges.map((c) => [c.address.split('.')[0], c.change.actions])).toEqual([['aws_dynamodb_table', ['delete', 'create']]]);
    expect(table.fleetflags.preventDestroy).toEqual([tableChanges[0].address]);
    expect(outputChangesOf(table)).toEqual(['lock_table']);
    // ...and nothing for the unchanged head; every plan is marked speculative against the base
    expect(changesOf(unchanged)).toEqual([]);
    expect(outputChangesOf(unchanged)).toEqual([]);
    expect([value, table, unchanged].map((p) => [p.fleetflags.speculative, p.fleetflags.baseline])).toEqual([[true, 'base'], [true, 'base'], [true, 'base']]);
  });

  test('a baseline is cached by configuration: the second build plans nothing', async () => {
    // GIVEN the base's baseline built above WHEN built again with the same cache
    const again = await buildBaseline(base, { workdir: path.join(work, 'cached'), cacheDir });
    // THEN it comes from the cache
    expect(again).toEqual(expect.objectContaining({ fromCache: true, rounds: 0 }));
    expect(again.state.resources.length).toBe(14);
    // AND the state backend is not part of the key (a local backend's path differs per checkout)
    const elsewhere = { ...base, terraform: { ...base.terraform, backend: { local: { path: '/elsewhere/sandbox-data.tfstate' } } } };
    expect(await buildBaseline(elsewhere, { workdir: path.join(work, 'cached-elsewhere'), cacheDir })).toEqual(expect.objectContaining({ fromCache: true, rounds: 0 }));
    // AND anything else is: one changed value is built again
    const changed = stacksOf(sandboxFlags((f) => (f.accessLogs!.expirationDays = 31))).get('sandbox-data')!;
    expect(await buildBaseline(changed, { workdir: path.join(work, 'cached-changed'), cacheDir })).toEqual(expect.objectContaining({ fromCache: false }));
  });

  test('a baseline that does not converge fails clearly', async () => {
    // GIVEN one round only WHEN building THEN the error names the resources still changing
    await expect(buildBaseline(base, { workdir: path.join(work, 'one-round'), maxRounds: 1 })).rejects.toThrow(
      /did not converge: after 1 rounds.*aws_s3_bucket\./s,
    );
  });

  test('baselines of several provider configurations that do not converge: one error naming each stack and its resources', async () => {
    // GIVEN two stacks with provider configurations of their own (folded in two roots), one round only
    const access = [...shippedStacks()].find(([n]) => n.endsWith('-access'))!;
    const both = new Map([['sandbox-data', base], access]);
    expect(providerConfigurationKey(base)).not.toBe(providerConfigurationKey(access[1]));
    // WHEN building THEN one error names both, each resource still changing under its own stack
    const error = await buildBaselines(both, { workdir: path.join(work, 'one-round-each'), maxRounds: 1 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(new RegExp(`baseline of sandbox-data, ${access[0]} did not converge: after 1 rounds`));
    expect((error as Error).message).toMatch(/sandbox-data: aws_s3_bucket\./);
    expect((error as Error).message).toMatch(new RegExp(`${access[0]}: aws_iam_`));
  });

  test('without a base everything is created', () => {
    // GIVEN the base as a head with no base WHEN planned (with the heads above) THEN every resource is a create
    const p = plans.get('no-base')!;
    expect(changesOf(p).every((c) => c.change.actions.join() === 'create')).toBe(true);
    expect(p.fleetflags.baseline).toBe('empty');
  });
});

describe('prevent_destroy helpers', () => {
  test('addresses come from Terraform\'s message, and only those lose the guard', () => {
    const message = 'Error: Instance cannot be destroyed\n\nResource aws_s3_bucket.A_1 has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.';
    expect(preventDestroyAddresses(message)).toEqual(['aws_s3_bucket.A_1']);
    // Terraform wraps its messages at 80 columns
    expect(preventDestroyAddresses('Resource aws_s3_bucket.A_1 has\nlifecycle.prevent_destroy set, but')).toEqual(['aws_s3_bucket.A_1']);
    const stack = { resource: { aws_s3_bucket: { A_1: { lifecycle: { prevent_destroy: true } }, B_2: { lifecycle: { prevent_destroy: true } } } } };
    const lifted = withoutPreventDestroy(stack, ['aws_s3_bucket.A_1']);
    expect(lifted.resource.aws_s3_bucket.A_1.lifecycle).toEqual({});
    expect(lifted.resource.aws_s3_bucket.B_2.lifecycle).toEqual({ prevent_destroy: true });
    expect(stack.resource.aws_s3_bucket.A_1.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('plannedChanges lists what is not a no-op', () => {
    expect(
      plannedChanges({ resource_changes: [{ address: 'a.b', change: { actions: ['no-op'] } }, { address: 'c.d', change: { actions: ['update'] } }] }),
    ).toEqual([{ address: 'c.d', actions: ['update'] }]);
  });
});
