import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

export interface InstanceSecurityGroupProps {
  /** Security-group name, unique in the VPC. */
  readonly name: string;
  readonly vpcId: string;
  /** Port the ingest agent listens on (traffic and health checks). */
  readonly agentPort: number;
  /** The load balancer's security group: the only source allowed in, and given an egress rule to here. */
  readonly loadBalancerSecurityGroupId: string;
}

/**
 * The security group of every ingest instance: the agent port from the load
 * balancer only, and HTTPS out (S3, DynamoDB, SSM and the agent's destination).
 * Also opens the load balancer's egress to the agent port of these instances, so
 * neither group allows more than the path between them.
 */
export class InstanceSecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: InstanceSecurityGroupProps) {
    super(scope, id);
    if (!Number.isInteger(props.agentPort) || props.agentPort < 1 || props.agentPort > 65535) {
      throw new Error(`agentPort must be a port number, 1-65535; got ${props.agentPort}`);
    }
    this.securityGroup = new SecurityGroup(this, 'Resource', {
      name: props.name,
      description: `Ingest instances ${props.name}: agent port from the load balancer, HTTPS out`,
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupIngressRule(this, 'FromLoadBalancer', {
      securityGroupId: this.securityGroup.id,
      description: 'Agent port from the load balancer (traffic and health checks)',
      ipProtocol: 'tcp',
      fromPort: props.agentPort,
      toPort: props.agentPort,
      referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, 'HttpsOut', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to AWS APIs (S3, DynamoDB, SSM) and the agent destination',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    new VpcSecurityGroupEgressRule(this, 'LoadBalancerToInstances', {
      securityGroupId: props.loadBalancerSecurityGroupId,
      description: 'Load balancer to the agent port of the ingest instances',
      ipProtocol: 'tcp',
      fromPort: props.agentPort,
      toPort: props.agentPort,
      referencedSecurityGroupId: this.securityGroup.id,
    });
  }
}
