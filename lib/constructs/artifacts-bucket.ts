import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { SecureBucket, type PolicyStatement } from './secure-bucket';

/** Key prefix of the builds: builds/<buildId>/... (lib/arch.ts artifactKey). */
export const BUILDS_PREFIX = 'builds/';

/**
 * A build ID means one binary forever: a build may only be written with a
 * conditional write (`If-None-Match: *`, which S3 refuses when the key exists), and
 * no published build or version of it may be deleted (deleting the current version
 * would let the key be written again). Whoever can write the bucket can add builds,
 * never replace one. Lifecycle expiry of noncurrent versions is not subject to the policy.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 */
export function publishedBuildsImmutable(bucketArn: string): PolicyStatement[] {
  const builds = `${bucketArn}/${BUILDS_PREFIX}*`;
  return [
    { Sid: 'DenyBuildOverwrite', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: builds, Condition: { Null: { 's3:if-none-match': 'true' } } },
    { Sid: 'DenyBuildDelete', Effect: 'Deny', Principal: '*', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: builds },
  ];
}

export interface ArtifactsBucketProps {
  readonly bucketName: string;
  /**
   * Days an overwritten (noncurrent) artifact version is kept. Current versions never expire,
   * so any pinned build stays available.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * The versioned bucket of build artifacts: builds/<buildId>/ingest-agent-linux-<arch>
 * and its .sha256. Versioning keeps an overwritten build recoverable.
 */
export class ArtifactsBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: ArtifactsBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    this.bucketName = props.bucketName;
    this.bucket = new SecureBucket(this, 'Bucket', { bucketName: props.bucketName, policyStatements: publishedBuildsImmutable });

    const versioning = new S3BucketVersioningA(this, 'Versioning', {
      bucket: this.bucket.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-artifacts',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [versioning],
    });
  }
}
