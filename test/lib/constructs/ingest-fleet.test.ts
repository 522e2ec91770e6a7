import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ARCH_PROFILES } from '../../../lib/arch';
import { IngestFleet, type IngestFleetProps } from '../../../lib/constructs/ingest-fleet';
import { agentLockConfig } from '../../../lib/contract/lock-table';
import { SANDBOX_FLEET_ENVIRONMENT } from '../../helpers/fleet-flags';
import { synthScope } from '../../helpers/cdktf-app';

const ENV = SANDBOX_FLEET_ENVIRONMENT;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('IngestFleet', () => {
  it('names its role, template and group "<prefix>-<fleet>" and tags environment, fleet and build', () => {
    const res = synth().resource;
    const group = Object.values(res.aws_autoscaling_group)[0] as Json;
    expect(group.name).toBe('fleetflags-sandbox-catch-up');
    expect((Object.values(res.aws_launch_template)[0] as Json).name).toBe('fleetflags-sandbox-catch-up');
    expect((Object.values(res.aws_iam_role)[0] as Json).name).toBe('fleetflags-sandbox-catch-up');
    expect(group.tag).toEqual(
      expect.arrayContaining([
        { key: 'fleetflags:environment', value: 'sandbox', propagate_at_launch: true },
        { key: 'fleetflags:fleet', value: 'catch-up', propagate_at_launch: true },
        { key: 'fleetflags:build-id', value: 'b-9', propagate_at_launch: true },
      ]),
    );
  });

  it('derives instance types from the arch unless given', () => {
    const types = (s: Json) =>
      ((Object.values(s.resource.aws_autoscaling_group)[0] as Json).mixed_instances_policy.launch_template.override as Json[]).map((o) => o.instance_type);
    expect(types(synth({ arch: 'amd64' }))).toEqual(ARCH_PROFILES.amd64.instanceTypes);
    expect(types(synth({ instanceTypes: ['c7g.large', 'c6g.large'] }))).toEqual(['c7g.large', 'c6g.large']);
  });

  it('configures its agents with its own backfill on the shared lock table', () => {
    const template = Object.values(synth({ backfillMinutes: 2880 }).resource.aws_launch_template)[0] as Json;
    const userData = Buffer.from(template.user_data, 'base64').toString('utf8');
    const config = JSON.parse(userData.split("<<'FLEETFLAGS_EOF'\n")[1].split('\nFLEETFLAGS_EOF')[0]);
    expect(config.lock).toEqual(agentLockConfig('fleetflags-sandbox-locks', 2880));
    expect(config).toMatchObject({ environment: 'sandbox', fleet: 'catch-up', buildId: 'b-9', arch: 'arm64' });
  });

  it('lets its instances read only its own build', () => {
    const out = synthScope((scope) => {
      new IngestFleet(scope, 'CatchUp', props());
    });
    expect(out).toHaveResourceWithProperties(IamRolePolicy, { name: 'ingest-agent' });
    expect(out).toContain('arn:aws:s3:::fleetflags-sandbox-artifacts/builds/b-9/*');
  });
});

function props(p: Partial<IngestFleetProps> = {}): IngestFleetProps {
  return {
    env: ENV,
    fleet: 'catch-up',
    buildId: 'b-9',
    arch: 'arm64',
    minSize: 0,
    maxSize: 3,
    desiredCapacity: 3,
    spot: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 },
    backfillMinutes: 60,
    ...p,
  };
}

function synth(p: Partial<IngestFleetProps> = {}): Json {
  return JSON.parse(
    synthScope((scope) => {
      new IngestFleet(scope, 'CatchUp', props(p));
    }),
  );
}
