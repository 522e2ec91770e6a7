import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Construct } from 'constructs';
import { ACCESS_LOG_PREFIX } from '../naming';
import { SecureBucket } from './secure-bucket';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** Account whose load balancers write here; part of the log-delivery policy's resource. */
  readonly accountId: string;
  /**
   * Days before an access-log object expires.
   * @default 90
   */
  readonly expirationDays?: number;
  /**
   * Key prefix the load balancer writes under.
   * @default ACCESS_LOG_PREFIX ("alb")
   */
  readonly logPrefix?: string;
}

/**
 * The bucket the Application Load Balancer writes its access logs to, and the
 * ingest agents read from. SSE-S3 only: ALB access logs do not support KMS.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export class AccessLogBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;
  readonly logPrefix: string;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const expirationDays = props.expirationDays ?? 90;
    this.logPrefix = props.logPrefix ?? ACCESS_LOG_PREFIX;
    this.bucketName = props.bucketName;
    if (!Number.isInteger(expirationDays) || expirationDays < 1) {
      throw new Error(`expirationDays must be a whole number of days, at least 1; got ${expirationDays}`);
    }

    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      policyStatements: (arn) => [
        {
          // Log delivery for current regions goes through this service principal.
          Sid: 'AllowLoadBalancerLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${arn}/${this.logPrefix}/AWSLogs/${props.accountId}/*`,
        },
      ],
    });

    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
  }
}
