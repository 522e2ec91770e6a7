import type { ProviderSchemas } from '../../../lib/plan/provider-schema';
import { emptyState, foldPlan } from '../../../lib/plan/state';

/**
 * foldPlan with the stack's configuration (lib/plan/state-references.ts): what a first
 * plan leaves "known after apply" because it refers to another new resource is
 * evaluated against the folded state, as the next round's plan would evaluate it.
 */
const schemas: ProviderSchemas = {
  'registry.terraform.io/hashicorp/aws': {
    resource_schemas: {
      aws_s3_bucket: { version: 0, block: { attributes: { id: { type: 'string', computed: true }, arn: { type: 'string', computed: true }, bucket: { type: 'string', optional: true } } } },
      aws_s3_bucket_policy: { version: 0, block: { attributes: { id: { type: 'string', computed: true }, bucket: { type: 'string', required: true }, policy: { type: 'string', required: true } } } },
      aws_lb: { version: 0, block: { attributes: { arn: { type: 'string', computed: true }, name: { type: 'string', optional: true }, security_groups: { type: ['set', 'string'], optional: true } } } },
      aws_lb_listener: {
        version: 0,
        block: {
          attributes: { id: { type: 'string', computed: true }, load_balancer_arn: { type: 'string', required: true }, port: { type: 'number', optional: true } },
          block_types: { default_action: { nesting_mode: 'list', block: { attributes: { type: { type: 'string', required: true }, target_group_arn: { type: 'string', optional: true } } } } },
        },
      },
      aws_cloudwatch_metric_alarm: {
        version: 0,
        block: {
          attributes: { id: { type: 'string', computed: true }, alarm_actions: { type: ['set', 'string'], optional: true } },
          block_types: {
            metric_query: { nesting_mode: 'set', block: { attributes: { id: { type: 'string', required: true }, dimension: { type: 'string', optional: true } } } },
          },
        },
      },
      aws_security_group: { version: 0, block: { attributes: { id: { type: 'string', computed: true }, name: { type: 'string', optional: true } } } },
    },
  },
};
const build = { schemas, region: 'us-east-1', accountId: '444455556666' };
const AWS = 'registry.terraform.io/hashicorp/aws';
const create = (type: string, name: string, after: object, unknown: object) => ({
  address: `${type}.${name}`,
  mode: 'managed',
  type,
  name,
  provider_name: AWS,
  change: { actions: ['create'], before: null, after, after_unknown: unknown },
});
const attributesOf = (state: ReturnType<typeof emptyState>, address: string) =>
  state.resources.find((r) => `${r.type}.${r.name}` === address)!.instances[0].attributes;

describe('foldPlan with the configuration: references between new resources resolve in the same round', () => {
  // GIVEN a first plan: a bucket, a policy on it (its name and an ARN in jsonencode), a load balancer
  // in a security group, a listener on it, and an output, all "known after apply" where they refer
  const config = {
    resource: {
      aws_s3_bucket: { Logs: { bucket: 'logs' } },
      aws_s3_bucket_policy: {
        Policy: { bucket: '${aws_s3_bucket.Logs.id}', policy: '${jsonencode({"Statement" = [{"Resource" = "${aws_s3_bucket.Logs.arn}/*", "Effect" = "Deny"}]})}' },
      },
      aws_security_group: { Sg: { name: 'sg' } },
      aws_lb: { Lb: { name: 'lb', security_groups: ['${aws_security_group.Sg.id}'] } },
      aws_lb_listener: { Listener: { load_balancer_arn: '${aws_lb.Lb.arn}', port: 443, default_action: [{ type: 'forward', target_group_arn: '${aws_lb.Lb.arn}-tg' }] } },
    },
    output: { lb: { value: '${aws_lb.Lb.arn}' }, secret: { value: '${aws_s3_bucket.Logs.arn}', sensitive: true } },
  };
  const plan = {
    resource_changes: [
      create('aws_s3_bucket', 'Logs', { bucket: 'logs' }, { id: true, arn: true }),
      create('aws_s3_bucket_policy', 'Policy', {}, { id: true, bucket: true, policy: true }),
      create('aws_security_group', 'Sg', { name: 'sg' }, { id: true }),
      create('aws_lb', 'Lb', { name: 'lb' }, { arn: true, security_groups: true }),
      create('aws_lb_listener', 'Listener', { port: 443, default_action: [{ type: 'forward' }] }, { id: true, load_balancer_arn: true, default_action: [{ target_group_arn: true }] }),
    ],
    output_changes: { lb: { actions: ['create'], after_unknown: true }, secret: { actions: ['create'], after_unknown: true, after_sensitive: true } },
  };

  test('WHEN folded with it THEN each referring value is what Terraform will evaluate: names, ARNs, jsonencode, nested blocks, sets, outputs', () => {
    const state = foldPlan(emptyState('1.11.4', 'l'), JSON.parse(JSON.stringify(plan)), build, config);
    const bucket = attributesOf(state, 'aws_s3_bucket.Logs');
    expect(bucket.arn).toBe('arn:aws:s3:::logs');
    expect(attributesOf(state, 'aws_s3_bucket_policy.Policy')).toEqual(
      expect.objectContaining({ bucket: bucket.id, policy: '{"Statement":[{"Effect":"Deny","Resource":"arn:aws:s3:::logs/*"}]}' }),
    );
    const lb = attributesOf(state, 'aws_lb.Lb');
    expect(lb.security_groups).toEqual([attributesOf(state, 'aws_security_group.Sg').id]);
    expect(attributesOf(state, 'aws_lb_listener.Listener')).toEqual(
      expect.objectContaining({ load_balancer_arn: lb.arn, default_action: [{ type: 'forward', target_group_arn: `${lb.arn}-tg` }] }),
    );
    expect(state.outputs).toEqual({ lb: { value: lb.arn, type: 'string' }, secret: { value: 'arn:aws:s3:::logs', type: 'string', sensitive: true } });
  });

  test('WHEN folded without it THEN the referring values keep their placeholders (the next round carries them)', () => {
    const state = foldPlan(emptyState('1.11.4', 'l'), JSON.parse(JSON.stringify(plan)), build);
    expect(attributesOf(state, 'aws_s3_bucket_policy.Policy')).toEqual(expect.objectContaining({ bucket: '', policy: '' }));
    expect(state.outputs).toEqual({});
  });
});

describe('what is resolved and what is left', () => {
  test('a set of several blocks: each element gets the configured block whose literal values match it', () => {
    // GIVEN an alarm's metric queries (a set: the plan's order is not the configuration's), dimensions referring to a load balancer
    const config = {
      resource: {
        aws_lb: { Lb: { name: 'lb' } },
        aws_cloudwatch_metric_alarm: {
          A: {
            alarm_actions: ['${aws_lb.Lb.arn}'],
            metric_query: [
              { id: 'requests', dimension: 'r/${aws_lb.Lb.name}' },
              { id: 'errors', dimension: 'e/${aws_lb.Lb.arn}' },
            ],
          },
        },
      },
    };
    const plan = {
      resource_changes: [
        create('aws_lb', 'Lb', { name: 'lb' }, { arn: true }),
        create('aws_cloudwatch_metric_alarm', 'A', { metric_query: [{ id: 'errors' }, { id: 'requests', dimension: 'r/lb' }] }, {
          id: true,
          alarm_actions: true,
          metric_query: [{ dimension: true }, {}],
        }),
      ],
    };
    // WHEN folded
    const state = foldPlan(emptyState('1.11.4', 'l'), plan, build, config);
    // THEN the unknown dimension is the "errors" block's, in the plan's position
    const arn = attributesOf(state, 'aws_lb.Lb').arn as string;
    expect(attributesOf(state, 'aws_cloudwatch_metric_alarm.A')).toEqual(
      expect.objectContaining({ alarm_actions: [arn], metric_query: [{ id: 'errors', dimension: `e/${arn}` }, { id: 'requests', dimension: 'r/lb' }] }),
    );
  });

  test('chains resolve in dependency order, whatever the order of the plan', () => {
    // GIVEN C refers to B which refers to A, listed C, B, A
    const config = {
      resource: {
        aws_s3_bucket_policy: { C: { bucket: '${aws_s3_bucket_policy.B.policy}', policy: 'p' } },
        aws_s3_bucket: { A: { bucket: 'a' } },
      },
    };
    (config.resource.aws_s3_bucket_policy as Record<string, object>).B = { bucket: 'b', policy: 'of ${aws_s3_bucket.A.arn}' };
    const plan = {
      resource_changes: [
        create('aws_s3_bucket_policy', 'C', { policy: 'p' }, { id: true, bucket: true }),
        create('aws_s3_bucket_policy', 'B', { bucket: 'b' }, { id: true, policy: true }),
        create('aws_s3_bucket', 'A', { bucket: 'a' }, { id: true, arn: true }),
      ],
    };
    // WHEN folded THEN C's bucket is B's policy, which is A's ARN in a template
    const state = foldPlan(emptyState('1.11.4', 'l'), plan, build, config);
    expect(attributesOf(state, 'aws_s3_bucket_policy.B').policy).toBe('of arn:aws:s3:::a');
    expect(attributesOf(state, 'aws_s3_bucket_policy.C').bucket).toBe('of arn:aws:s3:::a');
  });

  test('what the evaluator does not model keeps its placeholder, and a type is converted as Terraform does', () => {
    // GIVEN a function call, a variable, and a number interpolated into a string attribute
    const config = {
      resource: {
        aws_s3_bucket: { A: { bucket: 'a' } },
        aws_s3_bucket_policy: {
          F: { bucket: '${upper(aws_s3_bucket.A.id)}', policy: '${var.policy}' },
          N: { bucket: 'b', policy: '${aws_lb_listener.L.port}' },
        },
        aws_lb_listener: { L: { load_balancer_arn: 'x', port: 443 } },
      },
    };
    const plan = {
      resource_changes: [
        create('aws_s3_bucket', 'A', { bucket: 'a' }, { id: true, arn: true }),
        create('aws_s3_bucket_policy', 'F', {}, { id: true, bucket: true, policy: true }),
        create('aws_s3_bucket_policy', 'N', { bucket: 'b' }, { id: true, policy: true }),
        create('aws_lb_listener', 'L', { load_balancer_arn: 'x', port: 443 }, { id: true }),
      ],
    };
    // WHEN folded
    const state = foldPlan(emptyState('1.11.4', 'l'), plan, build, config);
    // THEN the unmodelled ones are placeholders (empty strings), and the number is the string "443"
    expect(attributesOf(state, 'aws_s3_bucket_policy.F')).toEqual(expect.objectContaining({ bucket: '', policy: '' }));
    expect(attributesOf(state, 'aws_s3_bucket_policy.N').policy).toBe('443');
  });
});
