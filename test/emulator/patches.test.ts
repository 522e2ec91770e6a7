/**
 * The launcher's fidelity patches (emulator/launcher.py), each through the AWS SDK
 * against a running emulator: with the patch, moto behaves as AWS does; without it
 * (`--without <patch>`), the defect shows. One emulator of each kind for the suite.
 *
 * @integration: starts two AWS emulators (moto, Python): seconds of CPU; left out of `npm run test:quick`.
 *
 * @reads flags/sandbox.json
 */
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribePoliciesCommand,
  PutScalingPolicyCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { autoScalingClient, ec2Client, elbv2Client, s3Client } from '../../lib/emulator/clients';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EMULATOR_ACCOUNT } from '../../lib/emulator/emulator';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publishBuild } from '../../lib/deploy/publish-build';

const PATCHES = [
  'mixed-instances-capacity',
  'instance-refresh',
  'update-keeps-mixed-policy',
  'bucket-policy-secure-transport',
  'bucket-policy-if-none-match',
  'launch-template-version-user-data',
  // Read-back differences (emulator/patches/read_back.py): without them every plan after an apply showed updates.
  'launch-template-own-tags',
  'group-default-instance-warmup',
  'scaling-policy-read-back',
  'security-group-rule-description',
  // Creates AWS makes idempotent (emulator/patches/idempotent_create.py): a retried call made a second object.
  'create-listener-idempotent',
  'create-load-balancer-idempotent',
  'create-target-group-idempotent',
];
const REGION = 'us-east-1';

let patched: TestEmulator;
let unpatched: TestEmulator;

beforeAll(async () => {
  [patched, unpatched] = await Promise.all([startTestEmulator(), startTestEmulator({ without: PATCHES })]);
}, 120_000);

afterAll(async () => {
  await Promise.all([patched?.stop(), unpatched?.stop()]);
});

describe('the emulator', () => {
  it('runs as account 000000000000 with every patch this moto needs', () => {
    expect(patched.info.account).toBe(EMULATOR_ACCOUNT);
    expect([...patched.info.patches].sort()).toEqual([...PATCHES].sort());
    expect(unpatched.info.patches).toEqual([]);
    // The defects were found by probing this moto, not assumed.
    expect(patched.info.defects).toEqual(Object.fromEntries(PATCHES.map((p) => [p, true])));
  });

  it('is seeded: its default VPC and subnets are the ones flags/sandbox.json names', async () => {
    const sandbox = JSON.parse(readFileSync('flags/sandbox.json', 'utf8')) as { network: { vpcId: string; subnetIds: string[] } };
    for (const emulator of [patched, unpatched]) {
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      const vpcs = await ec2.send(new DescribeVpcsCommand({}));
      const subnets = await ec2.send(new DescribeSubnetsCommand({}));
      expect(vpcs.Vpcs?.map((v) => v.VpcId)).toEqual([sandbox.network.vpcId]);
      expect(subnets.Subnets?.map((s) => s.SubnetId)).toEqual(expect.arrayContaining(sandbox.network.subnetIds));
    }
  });
});

describe('patch mixed-instances-capacity', () => {
  it('runs the whole desired capacity of a mixed-instances group (1 on-demand base + 50% of 1 above it = 2)', async () => {
    // GIVEN a group with desired capacity 2, on-demand base 1, 50% on-demand above the base
    // WHEN it is created
    const withPatch = await createMixedGroup(patched, 'capacity');
    const withoutPatch = await createMixedGroup(unpatched, 'capacity');
    // THEN it runs 2 instances, as AWS does; moto alone rounds the split down to 1
    expect(withPatch.Instances).toHaveLength(2);
    expect(withoutPatch.Instances).toHaveLength(1);
  });
});

describe('patch mixed-instances-capacity: target groups', () => {
  it('registers every instance it launches with the group\'s target group, at create and after an update that raises the capacity', async () => {
    // GIVEN a mixed-instances group of 2 behind a target group
    const targetGroupArn = await createTargetGroup(patched, 'capacity-tg');
    const asg = autoScalingClient({ region: REGION, endpoint: patched.endpoint });
    const created = await createMixedGroup(patched, 'capacity-tg', { targetGroupArns: [targetGroupArn] });
    expect(await targetIds(patched, targetGroupArn)).toEqual(instanceIds(created));

    // WHEN an update raises its capacity to 4 (moto's split of 3 above the base rounds to 1 + 1: 3 instances; the patch launches the fourth)
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'capacity-tg', MinSize: 4, DesiredCapacity: 4 }));

    // THEN the target group holds all 4, as AWS registers every instance of a group: a health check that
    // counts healthy targets against the desired capacity is not left waiting for one never registered
    const updated = await describeGroup(asg, 'capacity-tg');
    expect(updated.Instances).toHaveLength(4);
    expect(await targetIds(patched, targetGroupArn)).toEqual(instanceIds(updated));
  });
});

describe('patch instance-refresh', () => {
  it('moves the target group to the new instances, also when an old one had already left it', async () => {
    // GIVEN a group of 2 behind a target group, one of its instances deregistered by hand
    const targetGroupArn = await createTargetGroup(patched, 'refresh-tg');
    const before = await createMixedGroup(patched, 'refresh-tg', { targetGroupArns: [targetGroupArn] });
    const elb = elbv2Client({ region: REGION, endpoint: patched.endpoint });
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: before.Instances![0].InstanceId! }] }));
    const asg = autoScalingClient({ region: REGION, endpoint: patched.endpoint });

    // WHEN an instance refresh is started (AWS's refresh does not fail on it)
    await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'refresh-tg' }));

    // THEN it succeeded, and the target group holds exactly the new instances
    const after = await describeGroup(asg, 'refresh-tg');
    expect((await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'refresh-tg' }))).InstanceRefreshes?.[0]?.Status).toBe('Successful');
    expect(await targetIds(patched, targetGroupArn)).toEqual(instanceIds(after));
    expect(instanceIds(after).some((id) => instanceIds(before).includes(id))).toBe(false);
  });

  it('starts an instance refresh that replaces every instance and reports it Successful', async () => {
    // GIVEN a running group
    const before = await createMixedGroup(patched, 'refresh');
    const asg = autoScalingClient({ region: REGION, endpoint: patched.endpoint });
    // WHEN an instance refresh is started
    const started = await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'refresh', Preferences: { MinHealthyPercentage: 90 } }));
    // THEN it is listed as Successful, and the group runs new instances
    const refreshes = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'refresh' }));
    expect(refreshes.InstanceRefreshes?.[0]).toMatchObject({ InstanceRefreshId: started.InstanceRefreshId, Status: 'Successful', PercentageComplete: 100 });
    const after = await describeGroup(asg, 'refresh');
    expect(after.Instances).toHaveLength(2);
    const oldIds = new Set(before.Instances?.map((i) => i.InstanceId));
    expect(after.Instances?.some((i) => oldIds.has(i.InstanceId))).toBe(false);
  });

  it('fails without the patch: moto does not implement StartInstanceRefresh', async () => {
    await createMixedGroup(unpatched, 'refresh');
    const asg = autoScalingClient({ region: REGION, endpoint: unpatched.endpoint });
    await expect(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'refresh' }))).rejects.toThrow();
  });
});

describe('patch update-keeps-mixed-policy', () => {
  it('keeps the mixed instances policy when an update changes only the max size', async () => {
    // GIVEN a mixed-instances group in each emulator
    for (const emulator of [patched, unpatched]) await createMixedGroup(emulator, 'update');
    // WHEN only its max size is updated
    const results = [];
    for (const emulator of [patched, unpatched]) {
      const asg = autoScalingClient({ region: REGION, endpoint: emulator.endpoint });
      await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'update', MaxSize: 5 }));
      results.push(await describeGroup(asg, 'update'));
    }
    // THEN the policy is still there, as on AWS; moto alone erases it
    expect(results[0].MaxSize).toBe(5);
    expect(results[0].MixedInstancesPolicy?.InstancesDistribution).toMatchObject({ OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 50 });
    expect(results[1].MixedInstancesPolicy).toBeUndefined();
  });
});

async function createTargetGroup(emulator: TestEmulator, name: string): Promise<string> {
  const target = { region: REGION, endpoint: emulator.endpoint };
  const vpcId = (await ec2Client(target).send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
  const created = await elbv2Client(target).send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance' }));
  return created.TargetGroups![0].TargetGroupArn!;
}

/** The instances registered in a target group, sorted. */
async function targetIds(emulator: TestEmulator, targetGroupArn: string): Promise<string[]> {
  const out = await elbv2Client({ region: REGION, endpoint: emulator.endpoint }).send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (out.TargetHealthDescriptions ?? []).map((d) => d.Target!.Id!).sort();
}

function instanceIds(group: { Instances?: { InstanceId?: string }[] }): string[] {
  return (group.Instances ?? []).map((i) => i.InstanceId!).sort();
}

async function createMixedGroup(emulator: TestEmulator, name: string, options: { readonly targetGroupArns?: string[] } = {}) {
  const target = { region: REGION, endpoint: emulator.endpoint };
  const ec2 = ec2Client(target);
  const asg = autoScalingClient(target);
  const subnet = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets![0].SubnetId!;
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: `${name}-lt`, LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't4g.micro' } }),
  );
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: 2,
      VPCZoneIdentifier: subnet,
      ...(options.targetGroupArns ? { TargetGroupARNs: options.targetGroupArns } : {}),
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: template.LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
          Overrides: [{ InstanceType: 't4g.micro' }, { InstanceType: 't4g.small' }],
        },
        InstancesDistribution: { OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 50 },
      },
    }),
  );
  return describeGroup(asg, name);
}

async function describeGroup(asg: AutoScalingClient, name: string) {
  const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups![0];
}

describe('patch bucket-policy-secure-transport', () => {
  it('lets a TLS request through a TLS-only bucket policy, as AWS does', async () => {
    // GIVEN a bucket whose policy denies every request not made over TLS (as the stacks' buckets have)
    const results: string[] = [];
    for (const emulator of [patched, unpatched]) {
      const s3 = s3Client({ region: REGION, endpoint: emulator.endpoint });
      await s3.send(new CreateBucketCommand({ Bucket: 'tls-only' }));
      await s3.send(new PutBucketPolicyCommand({ Bucket: 'tls-only', Policy: JSON.stringify(TLS_ONLY('tls-only')) }));
      // WHEN an object is written and read over TLS (the emulator serves HTTPS only)
      try {
        await s3.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'x' }));
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'tls-only', Key: 'k' }));
        results.push(`ok ${head.ContentLength}`);
      } catch (e) {
        results.push(`denied ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`);
      }
    }
    // THEN with the patch it is allowed; moto alone ignores the condition and denies it
    expect(results).toEqual(['ok 1', 'denied 403']);
  });
});

describe('patch bucket-policy-if-none-match', () => {
  it('lets a conditional write through a write-once bucket policy and refuses a plain one, as AWS does; publish-build writes once', async () => {
    // GIVEN a bucket whose policy denies writes under builds/ without If-None-Match (the artifacts bucket's)
    const results: string[] = [];
    for (const emulator of [patched, unpatched]) {
      const s3 = s3Client({ region: REGION, endpoint: emulator.endpoint });
      await s3.send(new CreateBucketCommand({ Bucket: 'write-once' }));
      await s3.send(new PutBucketPolicyCommand({ Bucket: 'write-once', Policy: JSON.stringify(WRITE_ONCE('write-once')) }));
      // WHEN an object is written with If-None-Match: * and then without it
      for (const IfNoneMatch of ['*', undefined]) {
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'write-once', Key: `builds/${IfNoneMatch ? 'conditional' : 'plain'}`, Body: 'x', IfNoneMatch }));
          results.push('ok');
        } catch (e) {
          results.push(`denied ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode}`);
        }
      }
    }
    // THEN with the patch only the conditional write passes; moto alone denies both
    expect(results).toEqual(['ok', 'denied 403', 'denied 403', 'denied 403']);

    // AND publish-build writes a build once: the same build ID again is refused by name
    const dir = mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    try {
      const file = path.join(dir, 'agent');
      writeFileSync(file, 'agent binary');
      const client = s3Client({ region: REGION, endpoint: patched.endpoint });
      const first = await publishBuild({ client, bucket: 'write-once', buildId: 'b-1', arch: 'arm64', file });
      expect(first.sha256).toBe(createHash('sha256').update('agent binary').digest('hex'));
      await expect(publishBuild({ client, bucket: 'write-once', buildId: 'b-1', arch: 'arm64', file })).rejects.toThrow(
        /already exists: build b-1 was published before, and a build ID names one binary forever/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const WRITE_ONCE = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/builds/*`, Condition: { Null: { 's3:if-none-match': 'true' } } },
  ],
});

const TLS_ONLY = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

describe('patch launch-template-version-user-data', () => {
  it('launches instances from a launch template version that carries user data, as a template change makes', async () => {
    const outcomes: string[] = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a group on a launch template, and a new version of it with user data
      const target = { region: REGION, endpoint: emulator.endpoint };
      await createMixedGroup(emulator, 'versioned');
      await ec2Client(target).send(
        new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'versioned-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', UserData: Buffer.from('#!/bin/sh\n').toString('base64') } }),
      );
      // WHEN the group is refreshed or scaled onto it
      const asg = autoScalingClient(target);
      try {
        await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'versioned', DesiredCapacity: 3, MaxSize: 4 }));
        outcomes.push(`${(await describeGroup(asg, 'versioned')).Instances?.length}`);
      } catch (e) {
        outcomes.push(`failed ${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? (e as Error).name}`);
      }
    }
    // THEN the patched emulator runs the third instance; moto alone fails with HTTP 500
    expect(outcomes[0]).toBe('3');
    expect(outcomes[1]).toMatch(/^failed/);
  });
});

describe('patch launch-template-own-tags', () => {
  it("keeps a launch template's own tags out of its template data, as AWS does", async () => {
    const specs: unknown[] = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a launch template created with tags of its own (Terraform's default_tags do this)
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: 'own-tags',
          LaunchTemplateData: { ImageId: 'ami-12c6146b' },
          TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'managed-by', Value: 'fleetflags' }] }],
        }),
      );
      // WHEN its version is read back (as Terraform reads tag_specifications)
      const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'own-tags' }));
      specs.push(versions.LaunchTemplateVersions?.[0].LaunchTemplateData?.TagSpecifications);
    }
    // THEN the template data has no tag specifications; moto alone echoes the template's tags there
    expect(specs[0]).toBeUndefined();
    expect(specs[1]).toEqual([{ ResourceType: 'launch-template', Tags: [{ Key: 'managed-by', Value: 'fleetflags' }] }]);
  });
});

describe('patch group-default-instance-warmup', () => {
  it('reads back the DefaultInstanceWarmup a group was created and updated with', async () => {
    const warmups: (number | undefined)[] = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a group created with a default instance warmup of 300 s
      const target = { region: REGION, endpoint: emulator.endpoint };
      const subnet = (await ec2Client(target).send(new DescribeSubnetsCommand({}))).Subnets![0].SubnetId!;
      await ec2Client(target).send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'warmup-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't4g.micro' } }));
      const asg = autoScalingClient(target);
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'warmup',
          MinSize: 0,
          MaxSize: 1,
          DesiredCapacity: 0,
          VPCZoneIdentifier: subnet,
          LaunchTemplate: { LaunchTemplateName: 'warmup-lt', Version: '$Latest' },
          DefaultInstanceWarmup: 300,
        }),
      );
      // WHEN it is read back, then updated to 120 s and read back again
      warmups.push((await describeGroup(asg, 'warmup')).DefaultInstanceWarmup);
      await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'warmup', DefaultInstanceWarmup: 120 }));
      warmups.push((await describeGroup(asg, 'warmup')).DefaultInstanceWarmup);
    }
    // THEN the patched emulator answers what was set; moto alone answers nothing (Terraform reads 0)
    expect(warmups).toEqual([300, 120, undefined, undefined]);
  });
});

describe('patch scaling-policy-read-back', () => {
  it('reads a target-tracking policy back as enabled, with no predictive configuration', async () => {
    const policies = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a target-tracking policy on a group
      await createMixedGroup(emulator, 'policy');
      const asg = autoScalingClient({ region: REGION, endpoint: emulator.endpoint });
      await asg.send(
        new PutScalingPolicyCommand({
          AutoScalingGroupName: 'policy',
          PolicyName: 'cpu',
          PolicyType: 'TargetTrackingScaling',
          Enabled: true,
          TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 },
        }),
      );
      // WHEN it is read back
      policies.push((await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'policy' }))).ScalingPolicies![0]);
    }
    // THEN it is enabled and has no predictive configuration, as on AWS;
    // moto alone answers no Enabled (Terraform reads false) and an empty predictive configuration
    expect(policies[0].Enabled).toBe(true);
    expect(policies[0].PredictiveScalingConfiguration).toBeUndefined();
    expect(policies[1].Enabled).toBeUndefined();
    expect(policies[1].PredictiveScalingConfiguration).toBeDefined();
  });
});

describe('patch security-group-rule-description', () => {
  it('reads back the description of a rule that references another security group', async () => {
    const descriptions: (string | undefined)[] = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a rule of group A that lets group B in, with a description
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
      const a = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rule-a', Description: 'a', VpcId: vpc }))).GroupId!;
      const b = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'rule-b', Description: 'b', VpcId: vpc }))).GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: a,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: b, Description: 'from the load balancer' }] }],
        }),
      );
      // WHEN the rule is read back as Terraform reads it (DescribeSecurityGroupRules)
      const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [a] }] }));
      const rule = rules.SecurityGroupRules?.find((r) => !r.IsEgress);
      expect(rule?.ReferencedGroupInfo?.GroupId).toBe(b);
      descriptions.push(rule?.Description);
    }
    // THEN it has its description; moto alone drops it
    expect(descriptions).toEqual(['from the load balancer', undefined]);
  });
});

describe('patch create-listener-idempotent', () => {
  it('answers a CreateListener sent twice (a retry) with the one listener, as AWS does, and other settings on its port with DuplicateListener', async () => {
    const seen: Array<{ same: boolean; listeners: number; other: string }> = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a load balancer with an HTTP listener on port 80
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      const elb = elbv2Client({ region: REGION, endpoint: emulator.endpoint });
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.map((x) => x.SubnetId!).slice(0, 2);
      const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'retried-listener', Subnets: subnets }))).LoadBalancers![0].LoadBalancerArn!;
      const settings = { LoadBalancerArn: lb, Protocol: 'HTTP' as const, Port: 80, DefaultActions: [{ Type: 'fixed-response' as const, FixedResponseConfig: { StatusCode: '404' } }] };
      const first = (await elb.send(new CreateListenerCommand(settings))).Listeners![0].ListenerArn;
      // WHEN the same call comes again (the provider's retry of a call whose answer it lost), then one with other settings
      const second = (await elb.send(new CreateListenerCommand(settings))).Listeners![0].ListenerArn;
      const other = await elb
        .send(new CreateListenerCommand({ ...settings, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }] }))
        .then(() => 'created', (e: Error) => e.name);
      const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))).Listeners!.length;
      seen.push({ same: first === second, listeners, other });
    }
    // THEN patched: one listener, the same ARN twice, the other settings refused; moto alone: a listener per call
    expect(seen).toEqual([
      { same: true, listeners: 1, other: 'DuplicateListenerException' },
      { same: false, listeners: 3, other: 'created' },
    ]);
  });
});

describe('patch create-load-balancer-idempotent', () => {
  it('answers a CreateLoadBalancer sent again with the same settings (a retry; the defaults spelled out or not) with the one load balancer, as AWS does, and other settings under its name with DuplicateLoadBalancerName', async () => {
    const seen: Array<{ retried: string[]; others: string[]; named: number }> = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a load balancer
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      const elb = elbv2Client({ region: REGION, endpoint: emulator.endpoint });
      const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.map((x) => x.SubnetId!);
      const settings = { Name: 'retried-lb', Subnets: subnets.slice(0, 2) };
      const first = (await elb.send(new CreateLoadBalancerCommand(settings))).LoadBalancers![0].LoadBalancerArn;
      const create = (input: ConstructorParameters<typeof CreateLoadBalancerCommand>[0]) =>
        elb.send(new CreateLoadBalancerCommand(input)).then(
          (r) => (r.LoadBalancers![0].LoadBalancerArn === first ? 'the same' : 'another'),
          (e: Error) => e.name,
        );
      // WHEN the same call comes again (the provider's retry of a call whose answer it lost), as sent and with AWS's defaults spelled out
      const retried = [await create(settings), await create({ ...settings, Scheme: 'internet-facing', Type: 'application', IpAddressType: 'ipv4' })];
      // AND calls with other settings under its name: another scheme, other subnets
      const others = [await create({ ...settings, Scheme: 'internal' }), await create({ ...settings, Subnets: subnets.slice(1, 3) })];
      const named = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!.filter((lb) => lb.LoadBalancerName === 'retried-lb').length;
      seen.push({ retried, others, named });
    }
    // THEN patched: one load balancer of that name, answered to both retries, the other settings refused;
    // moto alone: a load balancer per call, all of one name
    expect(seen).toEqual([
      { retried: ['the same', 'the same'], others: ['DuplicateLoadBalancerNameException', 'DuplicateLoadBalancerNameException'], named: 1 },
      { retried: ['another', 'another'], others: ['another', 'another'], named: 5 },
    ]);
  });
});

describe('patch create-target-group-idempotent', () => {
  it('answers a CreateTargetGroup sent again with the same settings (a retry; the defaults spelled out or not) with the one group, as AWS does, and other settings under its name with DuplicateTargetGroupName', async () => {
    const seen: Array<{ retried: string[]; others: string[]; badVpc: string; named: number; tags: string[] }> = [];
    for (const emulator of [patched, unpatched]) {
      // GIVEN a target group
      const ec2 = ec2Client({ region: REGION, endpoint: emulator.endpoint });
      const elb = elbv2Client({ region: REGION, endpoint: emulator.endpoint });
      const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0].VpcId!;
      const settings = { Name: 'retried-tg', Protocol: 'HTTP' as const, Port: 8080, VpcId: vpc, Tags: [{ Key: 'fleet', Value: 'main' }] };
      const first = (await elb.send(new CreateTargetGroupCommand(settings))).TargetGroups![0].TargetGroupArn!;
      const create = (input: ConstructorParameters<typeof CreateTargetGroupCommand>[0]) =>
        elb.send(new CreateTargetGroupCommand(input)).then(
          (r) => (r.TargetGroups![0].TargetGroupArn === first ? 'the same' : 'another'),
          (e: Error) => e.name,
        );
      // WHEN the same call comes again, as sent and with moto's defaults spelled out (numbers where it stores text)
      const defaults = { TargetType: 'instance' as const, HealthCheckPath: '/', HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' } };
      const retried = [await create(settings), await create({ ...settings, ...defaults, Tags: [{ Key: 'other', Value: 'tag' }] })];
      // AND calls with other settings under its name: another port, another health-check path
      const others = [await create({ ...settings, Port: 9090 }), await create({ ...settings, HealthCheckPath: '/health' })];
      // AND one that moto itself refuses (an unknown VPC): the group of that name stays
      const badVpc = await create({ ...settings, VpcId: 'vpc-00000000000000000' });
      const named = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.filter((g) => g.TargetGroupName === 'retried-tg').length;
      const tags = (await elb.send(new DescribeTagsCommand({ ResourceArns: [first] }))).TagDescriptions![0].Tags!.map((t) => `${t.Key}=${t.Value}`);
      seen.push({ retried, others, badVpc, named, tags });
    }
    // THEN patched: both retries answered with the first group, its tags as they were (a retry's tags are not
    // compared, and not applied), the other settings refused; moto alone: every second create refused, the
    // retry too, which failed the apply
    const duplicate = 'DuplicateTargetGroupNameException';
    expect(seen).toEqual([
      { retried: ['the same', 'the same'], others: [duplicate, duplicate], badVpc: 'ValidationError', named: 1, tags: ['fleet=main'] },
      { retried: [duplicate, duplicate], others: [duplicate, duplicate], badVpc: duplicate, named: 1, tags: ['fleet=main'] },
    ]);
  });
});
