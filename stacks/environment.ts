/**
 * Provider and state backend of a stack, from its environment's flags. Every stack
 * of an environment calls this once, so they all agree on region, account and tags.
 *
 * Three kinds of environment:
 * - AWS (the default): the real APIs, S3 state with locking, allowed_account_ids.
 * - Emulated (`aws.endpoint`, the sandbox): every API the stacks use goes to an AWS
 *   emulator on this machine (`npm run emulator`). Only the provider's endpoint
 *   settings differ from AWS; the resources are the same. State is local, in
 *   `.fleetflags/state/<env>/` (outside cdktf.out, which every synth clears).
 * - Offline (`aws.offline`): dummy credentials, no account lookups, local state: plans
 *   with no network.
 */
import path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Flags } from '../lib/flags/schema';
import { localStateFile } from '../lib/state-dir';
import { EMULATOR_PROFILE } from '../lib/terraform/emulator-profile';
import { EMULATOR_ACCESS_KEY, OFFLINE_ACCESS_KEY } from '../lib/terraform/provider-access-keys';
import { writeEmulatorProfileAtSynth } from './emulator-profile';

export { EMULATOR_ACCESS_KEY, OFFLINE_ACCESS_KEY };

export function configureEnvironment(stack: TerraformStack, flags: Flags, stackName: string): AwsProvider {
  const offline = flags.aws.offline;
  const endpoint = flags.aws.endpoint;
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
      : endpoint !== undefined
        ? {
            accessKey: EMULATOR_ACCESS_KEY,
            secretKey: EMULATOR_ACCESS_KEY,
            skipCredentialsValidation: true,
            skipMetadataApiCheck: 'true',
            // Requested, so the provider knows the account (security-group references read back as IDs).
            skipRequestingAccountId: false,
            s3UsePathStyle: true,
            // The emulator's certificate is made at each start; the endpoint is on loopback (EmulatorEndpointOnLoopback).
            insecure: true,
            // Every service at the emulator through the SDK's shared config (endpoint_url of a
            // profile in a file written next to cdk.tf.json), NOT the provider's `endpoints` block:
            // any such block costs ~2.4 s of CPU per Terraform process (lib/terraform/emulator-profile.ts).
            profile: EMULATOR_PROFILE,
            sharedConfigFiles: [writeEmulatorProfileAtSynth(stack, endpoint)],
            allowedAccountIds: [flags.aws.accountId],
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
  } else if (endpoint !== undefined) {
    // One state file per stack for every synth directory (cdktf.out, out/deploy/...),
    // so `npx cdktf deploy` and `npm run deploy` share it; relative, so the synthesized
    // JSON does not depend on where the checkout lives.
    const stackDir = path.resolve(App.of(stack).outdir, 'stacks', stackName);
    new LocalBackend(stack, { path: path.relative(stackDir, localStateFile(flags.environment, stackName)) });
  } else {
    new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
  }
  return provider;
}
