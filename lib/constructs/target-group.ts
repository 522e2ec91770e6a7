import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';

export interface TargetGroupProps {
  /** Target-group name, at most 32 characters, unique per account and region. */
  readonly name: string;
  readonly vpcId: string;
  /** Port the ingest agent listens on. */
  readonly port: number;
  /** Path the health check requests; the agent answers 200 when it is ready. */
  readonly healthCheckPath: string;
  /**
   * Seconds between health checks.
   * @default 15
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Seconds a deregistering target keeps its in-flight requests.
   * @default 60
   */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * An HTTP target group of instances with a real health check: the load balancer
 * sends traffic only to agents that answer 200 on the health-check path, and the
 * Auto Scaling group (ELB health checks) replaces the ones that do not.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export class TargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;

  constructor(scope: Construct, id: string, props: TargetGroupProps) {
    super(scope, id);
    const interval = props.healthCheckIntervalSeconds ?? 15;
    const deregistrationDelay = props.deregistrationDelaySeconds ?? 60;
    if (props.name.length > 32) {
      throw new Error(`TargetGroup name must be at most 32 characters; got ${JSON.stringify(props.name)} (${props.name.length})`);
    }
    if (!props.healthCheckPath.startsWith('/')) {
      throw new Error(`healthCheckPath must start with "/"; got ${JSON.stringify(props.healthCheckPath)}`);
    }
    this.targetGroup = new LbTargetGroup(this, 'Resource', {
      name: props.name,
      vpcId: props.vpcId,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'instance',
      deregistrationDelay: String(deregistrationDelay),
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        port: 'traffic-port',
        protocol: 'HTTP',
        matcher: '200',
        interval,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
    });
  }
}
