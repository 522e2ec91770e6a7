/**
 * Terraform is the judge: every stack of every environment, synthesized from the
 * shipped flags files, passes the real `terraform validate` and an offline
 * `terraform plan` (real provider schema and diff logic, no AWS account). The stacks
 * are validated as modules of one root (one `validate`: it never configures a provider, so
 * it attaches to a pooled server), and planned one root per provider configuration
 * (modules-workdir.ts providerGroups: here one per stack), each plan attached to a pooled server.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import path from 'node:path';
import { loadFlagsOrThrow } from '../../lib/flags/load';
import { synthesizeStacks } from '../../lib/synth';
import { mapLimit } from '../../lib/concurrency';
import { groupConcurrency } from '../../lib/plan/baselines';
import { modulePlan, providerGroups, writeModulesWorkdir } from '../../lib/terraform/modules-workdir';
import { planJson, validate, type StackJson } from '../../lib/terraform/runner';
import { tempDirs } from '../helpers/temp-dirs';
import { shippedEnvironments } from '../helpers/environments';

const tempDir = tempDirs();

interface Checked {
  readonly stack: string;
  readonly config: StackJson;
  readonly plan: StackJson;
}

let checked: Checked[];

beforeAll(async () => {
  const stacks = synthesizeStacks(loadFlagsOrThrow());
  const work = tempDir('tf-all-');
  // Every stack a module of one root: one validate (modules-workdir.ts writeModulesWorkdir).
  const dir = path.join(work, 'all');
  await writeModulesWorkdir(dir, stacks);
  await validate(dir);
  // One root per provider configuration: one plan and one show each, as many at once as the fold runs them.
  const groups = providerGroups([...stacks.keys()], (name) => stacks.get(name)!);
  const plans = new Map(
    (
      await mapLimit(groups, groupConcurrency(undefined), async (group) => {
        const groupDir = path.join(work, 'plan', group[0]);
        await writeModulesWorkdir(groupDir, new Map(group.map((name) => [name, stacks.get(name)!])));
        const plan = await planJson(groupDir);
        return group.map((name) => [name, modulePlan(plan, name)] as const);
      })
    ).flat(),
  );
  checked = [...stacks].map(([stack, config]) => ({ stack, config, plan: plans.get(stack)! }));
}, 1_200_000);

describe('every synthesized stack, judged by Terraform', () => {
  it('covers a data stack for every environment', () => {
    const names = checked.map((c) => c.stack);
    for (const env of shippedEnvironments()) expect(names).toEqual(expect.arrayContaining([`${env}-data`, `${env}-fleet`]));
  });

  it('covers the access stack of every AWS environment (issue 11): the OIDC provider and both roles plan', () => {
    for (const env of ['dogfood', 'production']) {
      const access = checked.find((c) => c.stack === `${env}-access`);
      expect(access).toBeDefined();
      const types = (access!.plan.resource_changes as Array<{ type: string }>).map((rc) => rc.type).sort();
      expect(types).toEqual(['aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy']);
    }
  });

  it('validates and plans, creating exactly the configured resources from empty state', () => {
    for (const { stack, config, plan } of checked) {
      const configured = Object.entries(config.resource as Record<string, Record<string, unknown>>)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
      const planned = (plan.resource_changes as Array<{ address: string; change: { actions: string[] } }>)
        .map((rc) => ({ address: rc.address, actions: rc.change.actions.join(',') }));
      expect({ stack, addresses: planned.map((p) => p.address).sort() }).toEqual({ stack, addresses: configured });
      expect({ stack, actions: [...new Set(planned.map((p) => p.actions))] }).toEqual({ stack, actions: ['create'] });
      expect(plan.errored).toBe(false);
    }
  });

  it('plans the data stack as the real provider reads it: protected table, TLS-only buckets', () => {
    for (const { stack, plan } of checked.filter((c) => c.stack.endsWith('-data'))) {
      const env = stack.replace(/-data$/, '');
      const after = (type: string) =>
        (plan.resource_changes as Array<{ type: string; change: { after: Record<string, any> } }>) // eslint-disable-line @typescript-eslint/no-explicit-any
          .filter((rc) => rc.type === type)
          .map((rc) => rc.change.after);
      expect(after('aws_dynamodb_table')).toEqual([
        expect.objectContaining({
          name: `fleetflags-${env}-locks`,
          billing_mode: 'PAY_PER_REQUEST',
          hash_key: 'objectKey',
          deletion_protection_enabled: true,
          point_in_time_recovery: [expect.objectContaining({ enabled: true })],
          ttl: [{ attribute_name: 'expiresAt', enabled: true }],
        }),
      ]);
      expect(after('aws_s3_bucket').map((b) => b.bucket).sort()).toEqual([`fleetflags-${env}-access-logs`, `fleetflags-${env}-artifacts`]);
      expect(after('aws_s3_bucket').every((b) => b.force_destroy === false)).toBe(true);
      expect(after('aws_s3_bucket_public_access_block')).toHaveLength(2);
      expect(after('aws_s3_bucket_versioning')).toEqual([expect.objectContaining({ versioning_configuration: [expect.objectContaining({ status: 'Enabled' })] })]);
    }
  });
});
