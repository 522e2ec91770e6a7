import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { LoadBalancer, TLS_POLICY, type LoadBalancerProps } from '../../../lib/constructs/load-balancer';
import { synthScope } from '../../helpers/cdktf-app';

const CERT = 'arn:aws:acm:us-east-1:111122223333:certificate/0b0b0b0b-0b0b-0b0b-0b0b-0b0b0b0b0b0b';

describe('LoadBalancer', () => {
  it('is an internet-facing ALB writing access logs to the log bucket under the naming prefix', () => {
    expect(synth()).toHaveResourceWithProperties(Lb, {
      name: 'ff-sandbox',
      load_balancer_type: 'application',
      internal: false,
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      access_logs: { bucket: 'fleetflags-sandbox-access-logs', prefix: 'alb', enabled: true },
      subnets: ['subnet-1', 'subnet-2'],
    });
  });

  it('without a certificate: one HTTP listener on 80 forwarding to the default target group', () => {
    const out = synth();
    expect(out).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'forward', target_group_arn: 'arn:tg' }],
    });
    expect(Object.keys(JSON.parse(out).resource.aws_lb_listener)).toHaveLength(1);
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { from_port: 80, to_port: 80, cidr_ipv4: '10.0.0.0/8' });
  });

  it('with a certificate: HTTPS on 443 with a TLS 1.2+ policy, and 80 redirects to it', () => {
    const out = synth({ certificateArn: CERT });
    expect(out).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', certificate_arn: CERT, ssl_policy: TLS_POLICY });
    expect(out).toHaveResourceWithProperties(LbListener, {
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }],
    });
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { from_port: 443, cidr_ipv4: '10.0.0.0/8' });
  });

  it('adding a certificate: the redirect on 80 is created only after the listener has moved from 80 to 443', () => {
    // GIVEN an HTTP listener on 80, WHEN a certificate is added, THEN Terraform updates that listener
    // to 443 in place and creates the redirect on 80: AWS refuses two listeners on one port, so the
    // redirect must wait for the update (depends_on), not race it.
    const listeners = JSON.parse(synth({ certificateArn: CERT })).resource.aws_lb_listener as Record<string, { port: number; depends_on?: string[] }>;
    const [main] = Object.entries(listeners).find(([, l]) => l.port === 443)!;
    const redirect = Object.values(listeners).find((l) => l.port === 80)!;
    expect(redirect.depends_on).toEqual([`aws_lb_listener.${main}`]);
  });

  it('rejects a name over 32 characters and a single subnet', () => {
    expect(() => synth({ name: 'x'.repeat(33) })).toThrow(/at most 32 characters/);
    expect(() => synth({ subnetIds: ['subnet-1'] })).toThrow(/at least two Availability Zones; got 1/);
  });
});

function synth(props: Partial<LoadBalancerProps> = {}): string {
  return synthScope((scope) => {
    new LoadBalancer(scope, 'LoadBalancer', {
      name: 'ff-sandbox',
      vpcId: 'vpc-1',
      subnetIds: ['subnet-1', 'subnet-2'],
      accessLogsBucket: 'fleetflags-sandbox-access-logs',
      defaultTargetGroupArn: 'arn:tg',
      ingressCidrs: ['10.0.0.0/8'],
      ...props,
    });
  });
}
