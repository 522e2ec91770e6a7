import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { App, Testing } from 'cdktf';
import { synthesize } from '../../lib/synth';
import { EMULATOR_CONFIG_FILE, emulatorConfigEndpoint, EMULATOR_PROFILE } from '../../lib/terraform/emulator-profile';
import { DataStack } from '../../stacks/data-stack';
import { sandboxFlags, shippedFlags } from '../helpers/flags-fixtures';
import { shippedEnvironments } from '../helpers/environments';
import { tempDirs } from '../helpers/temp-dirs';

const tmp = tempDirs();

describe('DataStack', () => {
  it('names the buckets and the table from the naming prefix', () => {
    // GIVEN the sandbox flags
    const flags = shippedFlags('sandbox');
    // WHEN the data stack is synthesized
    const synth = synthStack(flags);
    // THEN
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: 'fleetflags-sandbox-access-logs' });
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: 'fleetflags-sandbox-artifacts' });
    expect(synth).toHaveResourceWithProperties(DynamodbTable, { name: 'fleetflags-sandbox-locks' });
  });

  it('uses bucket and table name overrides when given', () => {
    const flags = sandboxFlags((f) => {
      f.accessLogs = { bucketName: 'my-logs-bucket' };
      f.lockTable = { tableName: 'my-locks' };
    });
    const synth = synthStack(flags);
    expect(synth).toHaveResourceWithProperties(S3Bucket, { bucket: 'my-logs-bucket' });
    expect(synth).toHaveResourceWithProperties(DynamodbTable, { name: 'my-locks' });
  });

  it('configures the emulated sandbox: every API at the emulator, the account requested, state outside cdktf.out', () => {
    // GIVEN the sandbox flags (aws.endpoint names the emulator)
    const flags = shippedFlags('sandbox');
    // WHEN the data stack is synthesized into cdktf.out
    // (with the default state directory: .ci/run moves it with FLEETFLAGS_STATE_DIR)
    const saved = process.env.FLEETFLAGS_STATE_DIR;
    delete process.env.FLEETFLAGS_STATE_DIR;
    let parsed;
    try {
      parsed = JSON.parse(synthStack(flags, 'cdktf.out'));
    } finally {
      if (saved !== undefined) process.env.FLEETFLAGS_STATE_DIR = saved;
    }
    // THEN only the provider's endpoint settings differ from AWS: the emulator profile, in the file
    // next to the stack, the account requested, S3 path style, the emulator's certificate accepted;
    // the state file is in .fleetflags/state/
    const provider = parsed.provider.aws[0];
    expect(provider).toMatchObject({
      region: 'us-east-1',
      access_key: 'fleetflags-emulator',
      skip_credentials_validation: true,
      skip_requesting_account_id: false,
      s3_use_path_style: true,
      insecure: true,
      profile: EMULATOR_PROFILE,
      shared_config_files: [EMULATOR_CONFIG_FILE],
      allowed_account_ids: ['000000000000'],
    });
    expect(parsed.terraform.backend).toEqual({ local: { path: '../../../.fleetflags/state/sandbox/sandbox-data.tfstate' } });
  });

  it('keeps the endpoints block out of every emulated stack: any such block costs the provider ~2.4 s of CPU per Terraform process', () => {
    // GIVEN the sandbox (emulated) and an emulator on another port
    const environments = [shippedFlags('sandbox'), sandboxFlags((f) => (f.aws = { ...f.aws, endpoint: 'https://localhost:4599' }))];
    for (const flags of environments) {
      // WHEN its stacks are synthesized
      const outdir = tmp('fleetflags-emulated-synth-');
      const { stacks } = synthesize([{ file: `flags/${flags.environment}.json`, environment: flags.environment, flags }], outdir);
      // THEN no provider has an endpoints block (nor an alias or a second configuration that might)
      expect(stacks.size).toBeGreaterThanOrEqual(2);
      for (const [name, stack] of stacks) {
        const providers = [].concat(stack.provider.aws);
        expect({ name, providers: providers.length }).toEqual({ name, providers: 1 });
        expect(providers[0]).not.toHaveProperty('endpoints');
        expect(providers[0]).toMatchObject({ profile: EMULATOR_PROFILE, shared_config_files: [EMULATOR_CONFIG_FILE] });
      }
    }
  });

  it('writes the emulator profile next to each synthesized stack: every service at the flags endpoint', () => {
    // GIVEN the sandbox flags, their emulator on another port
    const flags = sandboxFlags((f) => (f.aws = { ...f.aws, endpoint: 'https://127.0.0.1:4599' }));
    // WHEN the app is synthesized into a directory (as cdktf synth/diff/deploy and our scripts do)
    const outdir = tmp('fleetflags-emulated-synth-');
    synthesize([{ file: 'flags/sandbox.json', environment: 'sandbox', flags }], outdir);
    // THEN each stack's directory has the shared config file the provider names, with that endpoint
    const stackDirs = readdirSync(path.join(outdir, 'stacks')).sort();
    expect(stackDirs).toEqual(['sandbox-data', 'sandbox-fleet']);
    for (const name of stackDirs) {
      const text = readFileSync(path.join(outdir, 'stacks', name, EMULATOR_CONFIG_FILE), 'utf8');
      expect(text).toContain(`[profile ${EMULATOR_PROFILE}]`);
      expect(emulatorConfigEndpoint(text)).toBe('https://127.0.0.1:4599');
    }
  });

  it('writes no profile file for AWS or offline environments', () => {
    // GIVEN production (AWS) and an offline sandbox
    const offline = sandboxFlags((f) => (f.aws = { region: 'us-east-1', accountId: '000000000000', offline: true }));
    for (const flags of [shippedFlags('production'), offline]) {
      // WHEN synthesized into a directory
      const outdir = tmp('fleetflags-synth-');
      const { stacks } = synthesize([{ file: `flags/${flags.environment}.json`, environment: flags.environment, flags }], outdir);
      // THEN no stack names a profile or has the file
      for (const [name, stack] of stacks) {
        expect([].concat(stack.provider.aws)[0]).not.toHaveProperty('profile');
        expect(readdirSync(path.join(outdir, 'stacks', name))).not.toContain(EMULATOR_CONFIG_FILE);
      }
    }
  });

  it('configures an offline environment: dummy keys, no account lookups, local state', () => {
    const flags = sandboxFlags((f) => (f.aws = { region: 'us-east-1', accountId: '000000000000', offline: true }));
    expect(synthStack(flags)).toHaveProviderWithProperties(AwsProvider, {
      region: 'us-east-1',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
    });
    expect(JSON.parse(synthStack(flags)).terraform.backend).toEqual({ local: { path: 'terraform.sandbox-data.tfstate' } });
  });

  it('configures AWS environments: S3 state with locking, allowed account, no dummy keys', () => {
    const parsed = JSON.parse(synthStack(shippedFlags('production')));
    expect(parsed.terraform.backend.s3).toEqual({
      bucket: 'fleetflags-terraform-state-444455556666',
      key: 'fleetflags/production-data.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(parsed.provider.aws[0].allowed_account_ids).toEqual(['444455556666']);
    expect(parsed.provider.aws[0]).not.toHaveProperty('access_key');
    expect(parsed.provider.aws[0].default_tags[0].tags).toMatchObject({ 'fleetflags:environment': 'production', team: 'ingest' });
  });

  it('has no data sources, so every stack plans on its own, offline', () => {
    for (const env of shippedEnvironments()) {
      expect(JSON.parse(synthStack(shippedFlags(env)))).not.toHaveProperty('data');
    }
  });

  it('keeps its Terraform addresses: construct IDs are a contract, a rename replaces the buckets and the table', () => {
    const parsed = JSON.parse(synthStack(shippedFlags('sandbox')));
    const addresses = Object.entries(parsed.resource as Record<string, Record<string, unknown>>)
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
      .sort();
    expect(addresses).toEqual(EXPECTED_ADDRESSES);
  });
});

function synthStack(flags: ReturnType<typeof shippedFlags>, outdir?: string): string {
  const app = new App(outdir ? { outdir } : {});
  const stack = new DataStack(app, `${flags.environment}-data`, { flags });
  return Testing.synth(stack);
}

const EXPECTED_ADDRESSES = [
  'aws_dynamodb_table.LockTable_B9DACF42',
  'aws_s3_bucket.AccessLogs_Bucket_CD784A59',
  'aws_s3_bucket.Artifacts_Bucket_88671897',
  'aws_s3_bucket_lifecycle_configuration.AccessLogs_Lifecycle_D71DE234',
  'aws_s3_bucket_lifecycle_configuration.Artifacts_Lifecycle_D508A738',
  'aws_s3_bucket_ownership_controls.AccessLogs_Bucket_OwnershipControls_677511A4',
  'aws_s3_bucket_ownership_controls.Artifacts_Bucket_OwnershipControls_DE0B6BCB',
  'aws_s3_bucket_policy.AccessLogs_Bucket_Policy_B4B974CD',
  'aws_s3_bucket_policy.Artifacts_Bucket_Policy_71713C73',
  'aws_s3_bucket_public_access_block.AccessLogs_Bucket_PublicAccessBlock_D30471C1',
  'aws_s3_bucket_public_access_block.Artifacts_Bucket_PublicAccessBlock_8AFA44DC',
  'aws_s3_bucket_server_side_encryption_configuration.AccessLogs_Bucket_Encryption_7C85A265',
  'aws_s3_bucket_server_side_encryption_configuration.Artifacts_Bucket_Encryption_7D1B838F',
  'aws_s3_bucket_versioning.Artifacts_Versioning_12398376',
];
