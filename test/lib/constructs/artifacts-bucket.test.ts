import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { ArtifactsBucket } from '../../../lib/constructs/artifacts-bucket';
import { synthScope } from '../../helpers/cdktf-app';

describe('ArtifactsBucket', () => {
  it('is versioned, so an overwritten build stays recoverable', () => {
    const synth = synthBucket({});
    expect(synth).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
  });

  it('expires only noncurrent versions, never a pinned build', () => {
    const synth = synthBucket({ noncurrentVersionExpirationDays: 30 });
    const lifecycle = Object.values(JSON.parse(synth).resource.aws_s3_bucket_lifecycle_configuration)[0] as { rule: Array<Record<string, unknown>> };
    expect(lifecycle.rule[0]).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] });
    expect(lifecycle.rule[0]).not.toHaveProperty('expiration');
    expect(synth).toHaveResource(S3BucketLifecycleConfiguration);
  });

  it('blocks all public access and denies non-TLS requests', () => {
    const synth = synthBucket({});
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = Object.values(JSON.parse(synth).resource.aws_s3_bucket_policy)[0] as { policy: string };
    expect(policy.policy).toContain('DenyInsecureTransport');
    expect(policy.policy).not.toContain('logdelivery');
  });

  it('is protected from destroy', () => {
    expect(synthBucket({})).toHaveResourceWithProperties(S3Bucket, { lifecycle: { prevent_destroy: true } });
  });
});

function synthBucket(props: { noncurrentVersionExpirationDays?: number }): string {
  return synthScope((scope) => {
    new ArtifactsBucket(scope, 'Artifacts', { bucketName: 'ff-test-artifacts', ...props });
  });
}
