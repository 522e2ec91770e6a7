import { emptyValue, placeholder, placeholderArn, placeholderId, type PlaceholderContext } from '../../../lib/plan/state-placeholders';
import { emptyState, foldPlan, planIsEmpty } from '../../../lib/plan/state';
import type { ProviderSchemas } from '../../../lib/plan/provider-schema';
import { schemaCacheKey } from '../../../lib/plan/provider-schema';
import { moduleState } from '../../../lib/plan/baselines';

const ctx = (type: string, known: Record<string, unknown> = {}, path: (string | number)[] = ['id']): PlaceholderContext => ({
  type,
  address: `${type}.X`,
  path,
  known,
  region: 'us-east-1',
  accountId: '444455556666',
});

describe('placeholders', () => {
  test('empty values by type, never invented strings', () => {
    expect(emptyValue('string')).toBe('');
    expect(emptyValue('number')).toBe(0);
    expect(emptyValue('bool')).toBe(false);
    expect(emptyValue(['list', 'string'])).toEqual([]);
    expect(emptyValue(['set', ['object', {}]])).toEqual([]);
    expect(emptyValue(['map', 'string'])).toEqual({});
    expect(emptyValue(['object', { a: 'string' }])).toBeNull();
    expect(placeholder('string', ctx('aws_s3_bucket', {}, ['acl']))).toBe('');
  });

  test('IDs look like AWS IDs, deterministically', () => {
    expect(placeholderId(ctx('aws_launch_template'))).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(placeholderId(ctx('aws_security_group'))).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(placeholderId(ctx('aws_vpc_security_group_ingress_rule'))).toMatch(/^sgr-[0-9a-f]{17}$/);
    expect(placeholderId(ctx('aws_launch_template'))).toBe(placeholderId(ctx('aws_launch_template')));
    expect(placeholderId(ctx('aws_s3_bucket_policy', { bucket: 'b1' }))).toBe('b1');
    expect(placeholderId(ctx('aws_dynamodb_table', { name: 't1' }))).toBe('t1');
    expect(placeholderId(ctx('aws_lb', { name: 'ff-x' }))).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:444455556666:loadbalancer\/app\/ff-x\/[0-9a-f]{16}$/);
  });

  test('ARNs for ARNs, and the load balancer suffixes target tracking needs', () => {
    expect(placeholderArn(ctx('aws_iam_role', { name: 'r' }))).toBe('arn:aws:iam::444455556666:role/r');
    expect(placeholderArn(ctx('aws_s3_bucket', { bucket: 'b' }))).toBe('arn:aws:s3:::b');
    expect(placeholderArn(ctx('aws_dynamodb_table', { name: 't' }))).toBe('arn:aws:dynamodb:us-east-1:444455556666:table/t');
    expect(placeholder('string', ctx('aws_lb', { name: 'ff-x' }, ['arn_suffix']))).toMatch(/^app\/ff-x\/[0-9a-f]{16}$/);
    expect(placeholder('string', ctx('aws_lb_target_group', { name: 'tg' }, ['arn_suffix']))).toMatch(/^targetgroup\/tg\/[0-9a-f]{16}$/);
    expect(placeholder('number', ctx('aws_launch_template', {}, ['latest_version']))).toBe(1);
  });
});

describe('foldPlan', () => {
  const schemas: ProviderSchemas = {
    'registry.terraform.io/hashicorp/aws': {
      resource_schemas: {
        aws_thing: {
          version: 2,
          block: {
            attributes: {
              id: { type: 'string', computed: true, optional: true },
              arn: { type: 'string', computed: true },
              name: { type: 'string', required: true },
              tags_all: { type: ['map', 'string'], computed: true },
            },
            block_types: { rule: { nesting_mode: 'list', block: { attributes: { days: { type: 'number', optional: true }, computed_x: { type: 'string', computed: true } } } } },
          },
        },
      },
    },
  };
  const rc = (actions: string[], after: object, unknown: object) => ({
    address: 'aws_thing.T',
    mode: 'managed',
    type: 'aws_thing',
    name: 'T',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions, before: null, after, after_unknown: unknown },
  });
  const build = { schemas, region: 'us-east-1', accountId: '444455556666' };

  test('a create becomes an instance: known values, placeholders where unknown, every attribute present', () => {
    const state = foldPlan(emptyState('1.11.4', 'l'), {
      resource_changes: [rc(['create'], { name: 'n', rule: [{ days: 3 }] }, { id: true, arn: true, tags_all: true, rule: [{ computed_x: true }] })],
      output_changes: { out: { actions: ['create'], after: 'n', after_unknown: false } },
    }, build);
    expect(state.resources).toEqual([
      {
        mode: 'managed',
        type: 'aws_thing',
        name: 'T',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 2, sensitive_attributes: [], attributes: { id: 'n', arn: 'arn:aws:thing:us-east-1:444455556666:thing/n', name: 'n', tags_all: {}, rule: [{ days: 3, computed_x: '' }] } }],
      },
    ]);
    expect(state.outputs).toEqual({ out: { value: 'n', type: 'string' } });
  });

  test('an update folds known values and keeps prior ones where unknown; a delete removes', () => {
    const state = foldPlan(emptyState('1.11.4', 'l'), { resource_changes: [rc(['create'], { name: 'n', rule: [] }, { id: true, arn: true, tags_all: true })] }, build);
    foldPlan(state, { resource_changes: [rc(['update'], { name: 'n', rule: [], tags_all: { a: 'b' } }, { arn: true, id: true })] }, build);
    expect(state.resources[0].instances[0].attributes).toEqual(expect.objectContaining({ tags_all: { a: 'b' }, id: 'n', arn: expect.stringMatching(/^arn:/) }));
    foldPlan(state, { resource_changes: [rc(['delete'], {}, {})] }, build);
    expect(state.resources).toEqual([]);
  });

  test('planIsEmpty looks at resources and outputs', () => {
    expect(planIsEmpty({ resource_changes: [{ change: { actions: ['no-op'] } }], output_changes: { a: { actions: ['no-op'] } } })).toBe(true);
    expect(planIsEmpty({ resource_changes: [], output_changes: { a: { actions: ['update'] } } })).toBe(false);
  });
});

test('the schema cache key is the providers and versions of the lock file', () => {
  const lock = 'provider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  hashes = ["h1:x"]\n}\n';
  expect(schemaCacheKey(lock)).toMatch(/^hashicorp_aws@5\.100\.0-[0-9a-f]{12}$/);
  expect(schemaCacheKey(lock.replace('h1:x', 'h1:y'))).toBe(schemaCacheKey(lock));
});

describe('moduleState: states of stacks alone as one state of a root holding each as a module', () => {
  // GIVEN two stacks' states, each as if planned alone
  const stateOf = (bucket: string) => ({
    ...emptyState('1.11.0', `lineage-${bucket}`),
    outputs: { bucket: { value: bucket, type: 'string' } },
    resources: [
      {
        mode: 'managed' as const,
        type: 'aws_s3_bucket',
        name: 'B',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 0, attributes: { bucket }, sensitive_attributes: [], dependencies: ['aws_iam_role.R'] }],
      },
    ],
  });
  const states = [['a', stateOf('x')], ['b-1', stateOf('y')]] as const;
  const meta = { lineage: 'combined', serial: 3, terraformVersion: '1.11.4' };

  test('each module with its own provider block: resources name the module\'s provider', () => {
    // WHEN combined for modules with their own provider blocks
    const state = moduleState(states, false, meta);
    // THEN every resource is in its module, with that module's provider, and its dependencies in the module
    expect(state.resources.map((r) => [r.module, r.provider])).toEqual([
      ['module.a', 'module.a.provider["registry.terraform.io/hashicorp/aws"]'],
      ['module.b-1', 'module.b-1.provider["registry.terraform.io/hashicorp/aws"]'],
    ]);
    expect(state.resources[1].instances[0].dependencies).toEqual(['module.b-1.aws_iam_role.R']);
    // AND the outputs are under their re-exported names, the state is the combined one
    expect(state.outputs).toEqual({ a__bucket: { value: 'x', type: 'string' }, 'b-1__bucket': { value: 'y', type: 'string' } });
    expect(state).toEqual(expect.objectContaining({ version: 4, lineage: 'combined', serial: 3, terraform_version: '1.11.4' }));
  });

  test('modules inheriting the root\'s provider: resources name the root\'s provider', () => {
    // WHEN combined for modules that share the root's provider
    const state = moduleState(states, true, meta);
    // THEN the provider address is the root's, the module is still set
    expect(state.resources.map((r) => [r.module, r.provider])).toEqual([
      ['module.a', 'provider["registry.terraform.io/hashicorp/aws"]'],
      ['module.b-1', 'provider["registry.terraform.io/hashicorp/aws"]'],
    ]);
    // AND the stacks' own states are untouched
    expect(states[0][1].resources[0]).not.toHaveProperty('module');
  });
});
