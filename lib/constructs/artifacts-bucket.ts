import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';

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
    this.bucket = new SecureBucket(this, 'Bucket', { bucketName: props.bucketName });

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
