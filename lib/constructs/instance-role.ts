import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { arns, type ArnContext } from '../naming';

/** The DynamoDB actions of the claim protocol (lib/contract/lock-table.ts): read, conditional put, complete. */
export const LOCK_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

export interface InstanceRoleProps {
  /** Name of the role and its instance profile, at most 64 characters. */
  readonly name: string;
  /** Partition, region and account the ARNs point into. */
  readonly arnContext: ArnContext;
  /** The lock table the agents claim log objects in. */
  readonly lockTableName: string;
  /** The access-log bucket the agents read. */
  readonly accessLogsBucket: string;
  /** Key prefix of the access logs in that bucket. */
  readonly accessLogsPrefix: string;
  /** The build-artifacts bucket. */
  readonly artifactsBucket: string;
  /** The fleet's pinned build: only `builds/<buildId>/*` is readable. */
  readonly buildId: string;
  /** Public SSM parameter of the fleet's AMI. */
  readonly amiParameter: string;
}

/** One IAM policy statement. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, unknown>;
}

/**
 * The least-privilege policy of an ingest instance. A pure function, so tests can
 * read it without synthesizing.
 */
export function instancePolicyStatements(props: Omit<InstanceRoleProps, 'name'>): IamStatement[] {
  const c = props.arnContext;
  return [
    {
      Sid: 'ClaimLogObjects',
      Effect: 'Allow',
      Action: [...LOCK_TABLE_ACTIONS],
      Resource: arns.dynamodbTable(c, props.lockTableName),
    },
    {
      Sid: 'ListAccessLogs',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: arns.s3Bucket(c, props.accessLogsBucket),
      Condition: { StringLike: { 's3:prefix': [`${props.accessLogsPrefix}/*`] } },
    },
    {
      Sid: 'ReadAccessLogs',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: arns.s3Objects(c, props.accessLogsBucket, `${props.accessLogsPrefix}/*`),
    },
    {
      Sid: 'ReadPinnedBuild',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: arns.s3Objects(c, props.artifactsBucket, `builds/${props.buildId}/*`),
    },
    {
      Sid: 'ReadAmiParameter',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: arns.publicSsmParameter(c, props.amiParameter),
    },
  ];
}

/**
 * The IAM role and instance profile of one fleet, with least privilege: claims in
 * the lock table, reading the access logs, reading its own build's prefix of the
 * artifacts bucket, and reading the AMI parameter. Nothing else: no wildcards on
 * actions, no other build, no write to any bucket.
 */
export class InstanceRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    if (props.name.length > 64) throw new Error(`InstanceRole name must be at most 64 characters; got ${JSON.stringify(props.name)}`);
    this.role = new IamRole(this, 'Resource', {
      name: props.name,
      description: `Ingest instances of ${props.name}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicy(this, 'Policy', {
      name: 'ingest-agent',
      role: this.role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: instancePolicyStatements(props) }),
    });
    this.instanceProfile = new IamInstanceProfile(this, 'InstanceProfile', {
      name: props.name,
      role: this.role.name,
    });
  }
}
