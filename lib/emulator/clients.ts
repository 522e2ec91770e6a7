/**
 * AWS SDK v3 clients for an environment: the real AWS APIs, or, for an emulated
 * environment (`aws.endpoint`), the emulator with its (non-secret) credentials.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { S3Client } from '@aws-sdk/client-s3';
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
  const sdk = require('@aws-sdk/client-auto-scaling') as typeof import('@aws-sdk/client-auto-scaling'); // loaded on first use
  return new sdk.AutoScalingClient(config);
}

export function ec2Client(target: ClientTarget): EC2Client {
  const { forcePathStyle: _, ...config } = clientConfig(target);
  const sdk = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2'); // loaded on first use
  return new sdk.EC2Client(config);
}

export function elbv2Client(target: ClientTarget): ElasticLoadBalancingV2Client {
  const { forcePathStyle: _, ...config } = clientConfig(target);
  const sdk = require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2'); // loaded on first use
  return new sdk.ElasticLoadBalancingV2Client(config);
}

export function s3Client(target: ClientTarget): S3Client {
  const sdk = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'); // loaded on first use
  return new sdk.S3Client(clientConfig(target));
}
