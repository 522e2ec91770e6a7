/**
 * Provider and state backend of a stack, from its environment's flags. Every stack
 * of an environment calls this once, so they all agree on region, account and tags.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Flags } from '../lib/flags/schema';

/** Credentials of offline environments. Not secrets: they only let the provider start. */
export const OFFLINE_ACCESS_KEY = 'offline-no-aws-account';

export function configureEnvironment(stack: TerraformStack, flags: Flags, stackName: string): AwsProvider {
  const offline = flags.aws.offline;
  const provider = new AwsProvider(stack, 'aws', {
    region: flags.aws.region,
    defaultTags: [
      {
        tags: {
          ...flags.tags,
          'fleetflags:environment': flags.environment,
          'fleetflags:stack': stackName,
          'managed-by': 'fleetflags',
        },
      },
    ],
    ...(offline
      ? {
          // The sandbox plans with no AWS account and no network: the real provider's
          // schema and diff logic, nothing that calls AWS.
          accessKey: OFFLINE_ACCESS_KEY,
          secretKey: OFFLINE_ACCESS_KEY,
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: 'true',
          skipRegionValidation: true,
        }
      : {
          // Refuse to touch any other account, whatever credentials CI holds.
          allowedAccountIds: [flags.aws.accountId],
        }),
  });

  const state = flags.state;
  if (state.backend === 's3') {
    const backend = new S3Backend(stack, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${stackName}.tfstate`,
      region: state.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21 has no prop for it yet.
    backend.addOverride('use_lockfile', true);
  } else {
    new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
  }
  return provider;
}
