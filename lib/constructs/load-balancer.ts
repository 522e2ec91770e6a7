import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { ACCESS_LOG_PREFIX } from '../naming';

/** TLS policy of the HTTPS listener: TLS 1.3 and 1.2 only. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface LoadBalancerProps {
  /** Load balancer name, at most 32 characters, unique per account and region. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets in at least two Availability Zones. */
  readonly subnetIds: readonly string[];
  /** Bucket the access logs go to (the data stack's access-log bucket). */
  readonly accessLogsBucket: string;
  /**
   * Key prefix of the access logs in the bucket; the bucket policy allows exactly this.
   * @default ACCESS_LOG_PREFIX ("alb")
   */
  readonly accessLogsPrefix?: string;
  /** Target group the listener forwards to when no rule matches (the main fleet). */
  readonly defaultTargetGroupArn: string;
  /**
   * ACM certificate: the listener is HTTPS on 443 and port 80 redirects to it.
   * @default - none: the listener is plain HTTP on 80
   */
  readonly certificateArn?: string;
  /**
   * IPv4 ranges allowed to reach the load balancer.
   * @default ["0.0.0.0/0"]
   */
  readonly ingressCidrs?: readonly string[];
  /**
   * Refuse deletion through the AWS API: customers point DNS at this load balancer.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The internet-facing Application Load Balancer in front of the ingest fleets: its
 * security group, access logs to the environment's log bucket, and one listener
 * (HTTPS when a certificate is given, else HTTP) whose default action forwards to
 * the main fleet. Quarantine fleets add path-pattern rules to `listener`.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html
 */
export class LoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  /** The listener fleets route on: HTTPS:443 with a certificate, else HTTP:80. */
  readonly listener: LbListener;
  readonly listenerPort: number;
  readonly https: boolean;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const logPrefix = props.accessLogsPrefix ?? ACCESS_LOG_PREFIX;
    const cidrs = props.ingressCidrs ?? ['0.0.0.0/0'];
    const deletionProtection = props.deletionProtection ?? true;
    this.https = props.certificateArn !== undefined;
    this.listenerPort = this.https ? 443 : 80;
    if (props.name.length > 32) throw new Error(`LoadBalancer name must be at most 32 characters; got ${JSON.stringify(props.name)}`);
    if (props.subnetIds.length < 2) throw new Error(`LoadBalancer needs subnets in at least two Availability Zones; got ${props.subnetIds.length}`);

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}-alb`,
      description: `Load balancer ${props.name}: listener ports from the allowed ranges`,
      vpcId: props.vpcId,
      // Rules are separate resources, so adding a range never replaces the group.
      // Terraform removes AWS's default allow-all egress: InstanceSecurityGroup adds
      // the one egress the load balancer needs.
    });
    const ports = this.https ? [80, 443] : [80];
    for (const port of ports) {
      for (const cidr of cidrs) {
        new VpcSecurityGroupIngressRule(this, `Ingress-${port}-${cidr.replace('/', '_')}`, {
          securityGroupId: this.securityGroup.id,
          description: `HTTP${port === 443 ? 'S' : ''} from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
      }
    }

    this.loadBalancer = new Lb(this, 'Resource', {
      name: props.name,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [this.securityGroup.id],
      subnets: [...props.subnetIds],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: deletionProtection,
      accessLogs: { bucket: props.accessLogsBucket, prefix: logPrefix, enabled: true },
    });

    const forward = [{ type: 'forward', targetGroupArn: props.defaultTargetGroupArn }];
    // Port and protocol of a listener change in place, so adding a certificate later
    // updates this listener rather than replacing it (and its rules).
    this.listener = new LbListener(this, 'Listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: this.listenerPort,
      protocol: this.https ? 'HTTPS' : 'HTTP',
      ...(this.https ? { certificateArn: props.certificateArn, sslPolicy: TLS_POLICY } : {}),
      defaultAction: forward,
    });
    if (this.https) {
      new LbListener(this, 'HttpRedirect', {
        // Adding a certificate moves `listener` from 80 to 443 in place: create the
        // redirect on 80 only once that update is done, or AWS refuses a second
        // listener on port 80 (DuplicateListener) and the apply fails half-way.
        dependsOn: [this.listener],
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
      });
    }
  }
}
