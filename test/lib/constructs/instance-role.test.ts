import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { InstanceRole, instancePolicyStatements, type InstanceRoleProps } from '../../../lib/constructs/instance-role';
import { arnContext } from '../../../lib/naming';
import { synthScope } from '../../helpers/cdktf-app';

const PROPS: Omit<InstanceRoleProps, 'name'> = {
  arnContext: arnContext({ aws: { region: 'us-east-1', accountId: '111122223333', offline: false } }),
  lockTableName: 'fleetflags-dogfood-locks',
  accessLogsBucket: 'fleetflags-dogfood-access-logs',
  accessLogsPrefix: 'alb',
  artifactsBucket: 'fleetflags-dogfood-artifacts',
  buildId: '2026.11.20-1',
  amiParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
};

describe('InstanceRole', () => {
  it('grants exactly: claims on the lock table, reading the access logs, its own build, the AMI parameter', () => {
    // WHEN
    const statements = instancePolicyStatements(PROPS);
    // THEN
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      [['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], 'arn:aws:dynamodb:us-east-1:111122223333:table/fleetflags-dogfood-locks'],
      [['s3:ListBucket'], 'arn:aws:s3:::fleetflags-dogfood-access-logs'],
      [['s3:GetObject'], 'arn:aws:s3:::fleetflags-dogfood-access-logs/alb/*'],
      [['s3:GetObject'], 'arn:aws:s3:::fleetflags-dogfood-artifacts/builds/2026.11.20-1/*'],
      [['ssm:GetParameter', 'ssm:GetParameters'], 'arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64'],
    ]);
    expect(statements[1].Condition).toEqual({ StringLike: { 's3:prefix': ['alb/*'] } });
    const all = JSON.stringify(statements);
    expect(all).not.toMatch(/"\*"|:\*"|s3:Put|s3:Delete|dynamodb:\*/);
  });

  it('builds partition-aware ARNs without data sources', () => {
    const gov = instancePolicyStatements({ ...PROPS, arnContext: arnContext({ aws: { region: 'us-gov-west-1', accountId: '111122223333', offline: false } }) });
    expect(gov[0].Resource).toBe('arn:aws-us-gov:dynamodb:us-gov-west-1:111122223333:table/fleetflags-dogfood-locks');
    expect(gov[3].Resource).toBe('arn:aws-us-gov:s3:::fleetflags-dogfood-artifacts/builds/2026.11.20-1/*');
  });

  it('is a role EC2 assumes, with an instance profile of the same name', () => {
    const out = synthScope((scope) => {
      new InstanceRole(scope, 'Role', { name: 'fleetflags-dogfood-ingest', ...PROPS });
    });
    expect(out).toHaveResourceWithProperties(IamRole, {
      name: 'fleetflags-dogfood-ingest',
      assume_role_policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    expect(out).toHaveResourceWithProperties(IamInstanceProfile, { name: 'fleetflags-dogfood-ingest' });
  });
});
