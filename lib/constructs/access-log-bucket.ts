import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Construct } from 'constructs';
import { ACCESS_LOG_PREFIX, arnPartition } from '../naming';
import { SecureBucket } from './secure-bucket';

/**
 * The Elastic Load Balancing account of each Region opened before August 2022. In
 * those Regions log delivery writes as this account, not as the service principal,
 * so the bucket policy must name it too (as terraform-provider-aws's
 * aws_elb_service_account does; we keep the table here to stay free of data sources).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-south-1': '718504428378',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-southeast-3': '589379963580',
  'ca-central-1': '985666609251',
  'cn-north-1': '638102146993',
  'cn-northwest-1': '037604701340',
  'eu-central-1': '054676820928',
  'eu-north-1': '897822967062',
  'eu-south-1': '635631232127',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-gov-east-1': '190560391635',
  'us-gov-west-1': '048591011584',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
};

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /**
   * Region of the bucket and the load balancer: in Regions opened before August 2022 the
   * policy also names that Region's Elastic Load Balancing account.
   * @default - only the service principal (Regions opened since August 2022)
   */
  readonly region?: string;
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
        ...legacyLogDelivery(props.region, `${arn}/${this.logPrefix}/AWSLogs/${props.accountId}/*`),
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

/** The statement for a Region whose log delivery writes as its ELB account, if any. */
function legacyLogDelivery(region: string | undefined, resource: string) {
  const account = region ? ELB_LOG_DELIVERY_ACCOUNTS[region] : undefined;
  if (!region || !account) return [];
  return [
    {
      Sid: 'AllowLoadBalancerLogDeliveryLegacyRegion',
      Effect: 'Allow' as const,
      Principal: { AWS: `arn:${arnPartition(region)}:iam::${account}:root` },
      Action: 's3:PutObject',
      Resource: resource,
    },
  ];
}
