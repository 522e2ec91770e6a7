import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { TargetGroup } from '../../../lib/constructs/target-group';
import { synthScope } from '../../helpers/cdktf-app';

describe('TargetGroup', () => {
  it('health-checks the agent on the configured path of the traffic port', () => {
    // WHEN
    const out = synthScope((scope) => {
      new TargetGroup(scope, 'TargetGroup', { name: 'ff-sandbox-ingest', vpcId: 'vpc-1', port: 8080, healthCheckPath: '/ready' });
    });
    // THEN
    expect(out).toHaveResourceWithProperties(LbTargetGroup, {
      name: 'ff-sandbox-ingest',
      port: 8080,
      protocol: 'HTTP',
      target_type: 'instance',
      health_check: {
        enabled: true,
        path: '/ready',
        port: 'traffic-port',
        protocol: 'HTTP',
        matcher: '200',
        interval: 15,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 2,
      },
    });
  });

  it('rejects a name AWS would refuse and a relative health-check path', () => {
    const make = (name: string, healthCheckPath: string) => () =>
      synthScope((scope) => {
        new TargetGroup(scope, 'TargetGroup', { name, vpcId: 'vpc-1', port: 8080, healthCheckPath });
      });
    expect(make('x'.repeat(33), '/healthz')).toThrow(/at most 32 characters; got "x{33}" \(33\)/);
    expect(make('tg', 'healthz')).toThrow(/healthCheckPath must start with "\/"/);
  });
});
