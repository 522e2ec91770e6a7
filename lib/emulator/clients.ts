/**
 * AWS SDK v3 clients for an environment: the real AWS APIs, or, for an emulated
 * environment (`aws.endpoint`), the emulator with its (non-secret) credentials.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { EMULATOR_CREDENTIALS, emulatorHttpsAgent } from './emulator';

export interface ClientTarget {
  readonly region: string;
  /** The emulator's endpoint; none: the real AWS APIs with the default credential chain. */
  readonly endpoint?: string;
}

/** Constructor options for any SDK v3 client of `target`. */
export function clientConfig(target: ClientTarget): {
  region: string;
  endpoint?: string;
  credentials?: typeof EMULATOR_CREDENTIALS;
  forcePathStyle?: boolean;
  requestHandler?: { httpsAgent: typeof emulatorHttpsAgent };
} {
  return target.endpoint
    ? { region: target.region, endpoint: target.endpoint, credentials: EMULATOR_CREDENTIALS, forcePathStyle: true, requestHandler: { httpsAgent: emulatorHttpsAgent } }
    : { region: target.region };
}

export function autoScalingClient(target: ClientTarget): AutoScalingClient {
  const { forcePathStyle: _, ...config } = clientConfig(target);
  return new AutoScalingClient(config);
}

export function ec2Client(target: ClientTarget): EC2Client {
  const { forcePathStyle: _, ...config } = clientConfig(target);
  return new EC2Client(config);
}

export function elbv2Client(target: ClientTarget): ElasticLoadBalancingV2Client {
  const { forcePathStyle: _, ...config } = clientConfig(target);
  return new ElasticLoadBalancingV2Client(config);
}

export function s3Client(target: ClientTarget): S3Client {
  return new S3Client(clientConfig(target));
}
