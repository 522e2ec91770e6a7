import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SecureBucket, type SecureBucketProps } from '../../../lib/constructs/secure-bucket';
import { synthScope } from '../../helpers/cdktf-app';

describe('SecureBucket', () => {
  it('is private: all four public-access blocks, ACLs disabled', () => {
    const synth = synthBucket();
    expect(synth).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(synth).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  it('encrypts by default with S3-managed keys', () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
  });

  it('denies every request not made over TLS, on the bucket and its objects', () => {
    // cdktf renders the document as HCL inside jsonencode(), with the ARN as a reference
    const policy = policyOf(synthBucket());
    expect(policy).toContain('"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*"');
    expect(policy).toContain('"Resource" = [aws_s3_bucket.B_08E7C7AF.arn, "${aws_s3_bucket.B_08E7C7AF.arn}/*"]');
    expect(policy).toContain('"Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}');
  });

  it("adds the caller's statements to its one policy, after deny-non-TLS, given the bucket ARN", () => {
    const policy = policyOf(
      synthBucket({
        policyStatements: (arn) => [{ Sid: 'ReadIt', Effect: 'Allow', Principal: { Service: 'example.amazonaws.com' }, Action: 's3:GetObject', Resource: `${arn}/x/*` }],
      }),
    );
    expect(policy.indexOf('"Sid" = "DenyInsecureTransport"')).toBeLessThan(policy.indexOf('"Sid" = "ReadIt"'));
    expect(policy).toContain('"Resource" = "${aws_s3_bucket.B_08E7C7AF.arn}/x/*"');
    expect(policy).toContain('"Principal" = {"Service" = "example.amazonaws.com"}');
  });

  it('cannot be destroyed by a plan or emptied by a destroy', () => {
    expect(synthBucket()).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'ff-test-bucket',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });
});

function synthBucket(props: Partial<SecureBucketProps> = {}): string {
  return synthScope((scope) => {
    new SecureBucket(scope, 'B', { bucketName: 'ff-test-bucket', ...props });
  });
}

/** The bucket policy as synthesized: `${jsonencode({...})}`. */
function policyOf(synth: string): string {
  return (Object.values(JSON.parse(synth).resource.aws_s3_bucket_policy)[0] as { policy: string }).policy;
}
