import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { AccessLogBucket } from '../../../lib/constructs/access-log-bucket';
import { synthScope } from '../../helpers/cdktf-app';

describe('AccessLogBucket', () => {
  it('lets the load balancer log-delivery service write under the log prefix of this account', () => {
    // GIVEN / WHEN
    const synth = synthBucket({ expirationDays: 30 });

    // THEN
    const policy = JSON.parse(JSON.stringify(resources(synth, 'aws_s3_bucket_policy')[0]));
    expect(policy.policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy.policy).toContain('s3:PutObject');
    expect(policy.policy).toContain('/alb/AWSLogs/111122223333/*');
    expect(policy.policy).toContain('aws:SecureTransport');
  });

  it('also names the Region\'s ELB account where log delivery still writes as it (Regions before August 2022)', () => {
    // GIVEN us-east-1, an older Region
    const policy = resources(synthBucket({ region: 'us-east-1' }), 'aws_s3_bucket_policy')[0].policy as string;
    // THEN both principals may write the logs, to the same place
    expect(policy).toContain('"AWS" = "arn:aws:iam::127311923021:root"');
    expect(policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy.match(/\/alb\/AWSLogs\/111122223333\/\*/g)).toHaveLength(2);
  });

  it('uses the partition of the Region, and only the service principal where no ELB account exists', () => {
    expect(resources(synthBucket({ region: 'us-gov-west-1' }), 'aws_s3_bucket_policy')[0].policy).toContain('arn:aws-us-gov:iam::048591011584:root');
    const newer = resources(synthBucket({ region: 'ap-southeast-5' }), 'aws_s3_bucket_policy')[0].policy as string;
    expect(newer).not.toContain('iam::');
    expect(newer).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
  });

  it('encrypts with SSE-S3, because access logs do not support KMS', () => {
    const synth = synthBucket({});
    expect(synth).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  it('expires logs after the configured days', () => {
    const synth = synthBucket({ expirationDays: 45 });
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ status: 'Enabled', expiration: [{ days: 45 }] })],
    });
  });

  it('defaults the expiry to 90 days', () => {
    const synth = synthBucket({});
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ expiration: [{ days: 90 }] })],
    });
  });

  it('is protected from destroy', () => {
    const synth = synthBucket({});
    expect(synth).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'ff-test-logs',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResource(S3BucketPolicy);
  });

  it('rejects an expiry below one day', () => {
    expect(() => synthBucket({ expirationDays: 0 })).toThrow(/expirationDays must be a whole number of days, at least 1; got 0/);
  });
});

function synthBucket(props: { expirationDays?: number; region?: string }): string {
  return synthScope((scope) => {
    new AccessLogBucket(scope, 'AccessLogs', { bucketName: 'ff-test-logs', accountId: '111122223333', ...props });
  });
}

function resources(synth: string, type: string): Array<Record<string, unknown>> {
  return Object.values(JSON.parse(synth).resource[type] ?? {});
}
