/**
 * Placeholder values for computed attributes of a speculative baseline state.
 *
 * - Generic, from the schema type: empty values, never invented strings
 *   ("" / 0 / false / [] / {} / null). An empty value the configuration does not
 *   set stays as it is in the next plan (Optional+Computed keeps the prior state).
 * - Realistic values only where something downstream validates or parses them:
 *   IDs and ARNs (other resources take them through references, e.g. an Auto
 *   Scaling group's launch template must be `lt-…`, a listener's load balancer an
 *   ARN), a load balancer's `arn_suffix`/`dns_name`, a launch template's version.
 *   Everything is deterministic (derived from the resource address), so the same
 *   configuration always gives the same baseline, byte for byte.
 */
import { createHash } from 'node:crypto';
import type { CtyType } from './provider-schema';

export interface PlaceholderContext {
  /** Resource type, e.g. "aws_launch_template". */
  readonly type: string;
  /** Resource address, e.g. "aws_launch_template.Fleet_LaunchTemplate_1A2B3C4D". */
  readonly address: string;
  /** Attribute path inside the resource (names of attributes and blocks; list indexes as numbers). */
  readonly path: readonly (string | number)[];
  /** Top-level attribute values of the resource known so far (config values, folded values). */
  readonly known: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly accountId: string;
}

/** The empty value of a cty type. */
export function emptyValue(type: CtyType): unknown {
  if (type === 'string') return '';
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (Array.isArray(type)) {
    const kind = type[0];
    if (kind === 'list' || kind === 'set' || kind === 'tuple') return [];
    if (kind === 'map') return {};
  }
  return null; // objects and dynamic: absent
}

/** A placeholder for a computed value the plan left unknown. */
export function placeholder(type: CtyType, ctx: PlaceholderContext): unknown {
  if (ctx.path.length === 1) {
    const realistic = realisticTopLevel(String(ctx.path[0]), type, ctx);
    if (realistic !== undefined) return realistic;
  }
  // Nested `id`/`arn` strings (rare) get the empty value: nothing references them.
  return emptyValue(type);
}

/** 17 lowercase hex digits, deterministic per address and purpose (EC2 resource IDs). */
export function hexId(address: string, purpose = '', length = 17): string {
  return createHash('sha256').update(`${address}\0${purpose}`).digest('hex').slice(0, length);
}

/** EC2-style ID prefixes, by resource type. */
const EC2_PREFIX: Record<string, string> = {
  aws_launch_template: 'lt',
  aws_security_group: 'sg',
  aws_vpc_security_group_ingress_rule: 'sgr',
  aws_vpc_security_group_egress_rule: 'sgr',
  aws_instance: 'i',
  aws_spot_instance_request: 'sir',
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_eip: 'eipalloc',
  aws_internet_gateway: 'igw',
  aws_egress_only_internet_gateway: 'eigw',
  aws_nat_gateway: 'nat',
  aws_route_table: 'rtb',
  aws_network_acl: 'acl',
  aws_network_interface: 'eni',
  aws_ebs_volume: 'vol',
  aws_ebs_snapshot: 'snap',
  aws_ami: 'ami',
  aws_key_pair: 'key',
  aws_vpc_endpoint: 'vpce',
  aws_ec2_fleet: 'fleet',
  aws_placement_group: 'pg',
  aws_ec2_transit_gateway: 'tgw',
  aws_ec2_managed_prefix_list: 'pl',
  aws_flow_log: 'fl',
};

/** Resources whose ID is their ARN. */
const ID_IS_ARN = new Set([
  'aws_lb',
  'aws_alb',
  'aws_lb_target_group',
  'aws_alb_target_group',
  'aws_lb_listener',
  'aws_alb_listener',
  'aws_lb_listener_rule',
  'aws_alb_listener_rule',
  'aws_lb_listener_certificate',
  'aws_iam_policy',
  'aws_sns_topic',
  'aws_acm_certificate',
  'aws_cloudwatch_event_bus',
]);

/** Resources whose ID is one of their own (configured) attributes. */
const ID_FROM_ATTRIBUTE: Record<string, readonly string[]> = {
  aws_dynamodb_table: ['name'],
  aws_iam_role: ['name'],
  aws_iam_instance_profile: ['name'],
  aws_iam_user: ['name'],
  aws_iam_group: ['name'],
  aws_autoscaling_group: ['name'],
  aws_autoscaling_policy: ['name'],
  aws_autoscaling_schedule: ['scheduled_action_name'],
  aws_autoscaling_lifecycle_hook: ['name'],
  aws_cloudwatch_log_group: ['name'],
  aws_cloudwatch_metric_alarm: ['alarm_name'],
  aws_ssm_parameter: ['name'],
  aws_lambda_function: ['function_name'],
  aws_ecr_repository: ['name'],
  aws_kms_alias: ['name'],
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The short name of a resource for IDs and ARNs: its configured name, else from its address. */
function nameOf(ctx: PlaceholderContext): string {
  const k = ctx.known;
  return (
    str(k.name) ??
    str(k.bucket) ??
    str(k.function_name) ??
    str(k.scheduled_action_name) ??
    str(k.alarm_name) ??
    (str(k.name_prefix) ? `${k.name_prefix}${hexId(ctx.address, 'name', 8)}` : undefined) ??
    `${ctx.address.split('.').pop()!.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 24)}`
  );
}

export function placeholderId(ctx: PlaceholderContext): string {
  const { type } = ctx;
  if (EC2_PREFIX[type]) return `${EC2_PREFIX[type]}-${hexId(ctx.address)}`;
  if (ID_IS_ARN.has(type)) return placeholderArn(ctx);
  if (type.startsWith('aws_s3_bucket')) return str(ctx.known.bucket) ?? nameOf(ctx);
  for (const attr of ID_FROM_ATTRIBUTE[type] ?? []) {
    const v = str(ctx.known[attr]);
    if (v) return v;
  }
  if (type === 'aws_iam_role_policy_attachment') return `${str(ctx.known.role) ?? 'role'}-${hexId(ctx.address, 'id', 20)}`;
  if (type === 'aws_iam_role_policy') return `${str(ctx.known.role) ?? 'role'}:${nameOf(ctx)}`;
  if (type === 'aws_security_group_rule') return `sgrule-${parseInt(hexId(ctx.address, 'id', 8), 16)}`;
  if (type === 'aws_autoscaling_attachment' || type === 'aws_lb_target_group_attachment') return `${nameOf(ctx)}-${hexId(ctx.address, 'id', 20)}`;
  // Anything else: its configured name when it has one, else a stable token. Never empty:
  // an empty ID reads as "this resource does not exist".
  return str(ctx.known.name) ?? `${type.replace(/^aws_/, '')}-${hexId(ctx.address)}`;
}

/** A well-formed ARN for the resource (partition aws; region/account from the provider). */
export function placeholderArn(ctx: PlaceholderContext): string {
  const { type, region, accountId: account } = ctx;
  const name = nameOf(ctx);
  const h16 = hexId(ctx.address, 'arn', 16);
  const uuid = uuidOf(ctx.address);
  switch (type) {
    case 'aws_lb':
    case 'aws_alb':
      return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${ctx.known.load_balancer_type === 'network' ? 'net' : 'app'}/${name}/${h16}`;
    case 'aws_lb_target_group':
    case 'aws_alb_target_group':
      return `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}/${h16}`;
    case 'aws_lb_listener':
    case 'aws_alb_listener':
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${lbNameFrom(ctx.known.load_balancer_arn)}/${lbIdFrom(ctx.known.load_balancer_arn)}/${h16}`;
    case 'aws_lb_listener_rule':
    case 'aws_alb_listener_rule': {
      const listener = str(ctx.known.listener_arn)?.split(':listener/')[1] ?? `app/fleetflags/${hexId(ctx.address, 'lb', 16)}/${hexId(ctx.address, 'listener', 16)}`;
      return `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/${listener}/${h16}`;
    }
    case 'aws_autoscaling_group':
      return `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${uuid}:autoScalingGroupName/${name}`;
    case 'aws_autoscaling_policy':
      return `arn:aws:autoscaling:${region}:${account}:scalingPolicy:${uuid}:autoScalingGroupName/${str(ctx.known.autoscaling_group_name) ?? 'asg'}:policyName/${name}`;
    case 'aws_autoscaling_schedule':
      return `arn:aws:autoscaling:${region}:${account}:scheduledUpdateGroupAction:${uuid}:autoScalingGroupName/${str(ctx.known.autoscaling_group_name) ?? 'asg'}:scheduledActionName/${name}`;
    case 'aws_dynamodb_table':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'aws_iam_role':
      return `arn:aws:iam::${account}:role${iamPath(ctx)}${name}`;
    case 'aws_iam_instance_profile':
      return `arn:aws:iam::${account}:instance-profile${iamPath(ctx)}${name}`;
    case 'aws_iam_policy':
      return `arn:aws:iam::${account}:policy${iamPath(ctx)}${name}`;
    case 'aws_iam_user':
      return `arn:aws:iam::${account}:user${iamPath(ctx)}${name}`;
    case 'aws_launch_template':
      return `arn:aws:ec2:${region}:${account}:launch-template/lt-${hexId(ctx.address)}`;
    case 'aws_security_group':
      return `arn:aws:ec2:${region}:${account}:security-group/sg-${hexId(ctx.address)}`;
    case 'aws_vpc_security_group_ingress_rule':
    case 'aws_vpc_security_group_egress_rule':
      return `arn:aws:ec2:${region}:${account}:security-group-rule/sgr-${hexId(ctx.address)}`;
    case 'aws_cloudwatch_log_group':
      return `arn:aws:logs:${region}:${account}:log-group:${name}`;
    case 'aws_cloudwatch_metric_alarm':
      return `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
    case 'aws_sns_topic':
      return `arn:aws:sns:${region}:${account}:${name}`;
    case 'aws_sqs_queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    case 'aws_lambda_function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'aws_ssm_parameter':
      return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`;
    case 'aws_kms_key':
      return `arn:aws:kms:${region}:${account}:key/${uuid}`;
    default:
      break;
  }
  if (type.startsWith('aws_s3_bucket')) return `arn:aws:s3:::${str(ctx.known.bucket) ?? name}`;
  const service = type.split('_')[1] ?? 'service';
  const resource = type.split('_').slice(2).join('-') || service;
  return `arn:aws:${service}:${region}:${account}:${resource}/${name}`;
}

function iamPath(ctx: PlaceholderContext): string {
  const p = str(ctx.known.path);
  return p ? (p.endsWith('/') ? p : `${p}/`) : '/';
}

function lbNameFrom(arn: unknown): string {
  return str(arn)?.match(/loadbalancer\/(?:app|net)\/([^/]+)\//)?.[1] ?? 'fleetflags';
}

function lbIdFrom(arn: unknown): string {
  return str(arn)?.match(/loadbalancer\/(?:app|net)\/[^/]+\/([0-9a-f]+)/)?.[1] ?? '0123456789abcdef';
}

function uuidOf(address: string): string {
  const h = hexId(address, 'uuid', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Realistic values for well-known top-level computed attributes; undefined: use the empty value. */
function realisticTopLevel(attr: string, type: CtyType, ctx: PlaceholderContext): unknown {
  if (type === 'string') {
    switch (attr) {
      case 'id':
        return placeholderId(ctx);
      case 'arn':
        return placeholderArn(ctx);
      case 'arn_suffix': {
        // aws_lb: app/<name>/<id>; aws_lb_target_group: targetgroup/<name>/<id>
        const arn = placeholderArn(ctx);
        return arn.split(':').slice(5).join(':').replace(/^loadbalancer\//, '');
      }
      case 'dns_name':
        if (/^aws_a?lb$/.test(ctx.type)) return `${nameOf(ctx)}-${parseInt(hexId(ctx.address, 'dns', 8), 16)}.${ctx.region}.elb.amazonaws.com`;
        return undefined;
      case 'zone_id':
        if (/^aws_a?lb$/.test(ctx.type)) return 'Z35SXDOTRQ7X7K'; // ELB's hosted zone in us-east-1
        return undefined;
      case 'unique_id':
        if (ctx.type.startsWith('aws_iam_')) return `AROA${hexId(ctx.address, 'uid', 17).toUpperCase()}`;
        return undefined;
      case 'owner_id':
        return ctx.accountId;
      case 'region':
        return ctx.region;
      case 'security_group_rule_id':
        return `sgr-${hexId(ctx.address)}`;
      case 'bucket_domain_name':
        return ctx.type === 'aws_s3_bucket' ? `${nameOf(ctx)}.s3.amazonaws.com` : undefined;
      case 'bucket_regional_domain_name':
        return ctx.type === 'aws_s3_bucket' ? `${nameOf(ctx)}.s3.${ctx.region}.amazonaws.com` : undefined;
      default:
        return undefined;
    }
  }
  if (type === 'number' && (attr === 'latest_version' || attr === 'default_version')) return 1;
  return undefined;
}
