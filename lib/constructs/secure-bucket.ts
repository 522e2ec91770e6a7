import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** One IAM policy statement; `Resource` may use the bucket's ARN token. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: unknown;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, unknown>;
}

export interface SecureBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * Statements added to the bucket policy, next to the deny-non-TLS statement
   * (a bucket has exactly one policy). Given the bucket's ARN.
   * @default - none
   */
  readonly policyStatements?: (bucketArn: string) => readonly PolicyStatement[];
}

/**
 * A bucket that is private, encrypted, TLS-only and hard to destroy:
 * - all four public-access blocks on, ACLs disabled (BucketOwnerEnforced);
 * - SSE-S3 default encryption (S3-managed keys, which every AWS log delivery accepts);
 * - a policy that denies any request not made over TLS;
 * - `prevent_destroy` on the bucket, and no `force_destroy`, so neither a plan nor
 *   an apply can delete it and its objects by accident.
 */
export class SecureBucket extends Construct {
  /** The bucket itself; its construct ID is `Resource`. */
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);

    this.bucket = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, 'OwnershipControls', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });

    const arn = this.bucket.arn;
    const statements: PolicyStatement[] = [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      ...(props.policyStatements?.(arn) ?? []),
    ];
    this.policy = new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: Fn.jsonencode({ Version: '2012-10-17', Statement: statements }),
      // A policy that grants a service principal is "public" to the public access
      // block until the block exists; order them.
      dependsOn: [this.publicAccessBlock],
    });
  }
}
