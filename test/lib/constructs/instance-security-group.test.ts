import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { InstanceSecurityGroup } from '../../../lib/constructs/instance-security-group';
import { synthScope } from '../../helpers/cdktf-app';

describe('InstanceSecurityGroup', () => {
  const out = synthScope((scope) => {
    new InstanceSecurityGroup(scope, 'Instances', { name: 'fleetflags-sandbox-instances', vpcId: 'vpc-1', agentPort: 8080, loadBalancerSecurityGroupId: 'sg-alb' });
  });
  const ingress = Object.values(JSON.parse(out).resource.aws_vpc_security_group_ingress_rule) as Array<Record<string, unknown>>;

  it('lets only the load balancer reach the agent port', () => {
    expect(out).toHaveResourceWithProperties(SecurityGroup, { name: 'fleetflags-sandbox-instances', vpc_id: 'vpc-1' });
    expect(ingress).toEqual([expect.objectContaining({ from_port: 8080, to_port: 8080, referenced_security_group_id: 'sg-alb' })]);
    expect(ingress[0].cidr_ipv4).toBeUndefined();
  });

  it('allows HTTPS out, and the load balancer out to the agent port only', () => {
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, { security_group_id: 'sg-alb', from_port: 8080, to_port: 8080 });
    expect(out).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: '0.0.0.0/0' });
  });
});
