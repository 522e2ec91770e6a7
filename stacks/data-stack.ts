import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AccessLogBucket } from '../lib/constructs/access-log-bucket';
import { ArtifactsBucket } from '../lib/constructs/artifacts-bucket';
import { LockTable } from '../lib/constructs/lock-table';
import type { Flags } from '../lib/flags/schema';
import { resourceNames } from '../lib/naming';
import { configureEnvironment } from './environment';

export interface DataStackProps {
  readonly flags: Flags;
}

/**
 * `<env>-data`: the stateful part of an environment, apart from the fleets so that
 * a fleet change can never plan a change here. Access-log bucket, build-artifacts
 * bucket and the lock table, each protected by `prevent_destroy`.
 */
export class DataStack extends TerraformStack {
  readonly accessLogs: AccessLogBucket;
  readonly artifacts: ArtifactsBucket;
  readonly lockTable: LockTable;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id);
    const { flags } = props;
    const names = resourceNames(flags);
    configureEnvironment(this, flags, id);

    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      accountId: flags.aws.accountId,
      region: flags.aws.region,
      expirationDays: flags.accessLogs.expirationDays,
    });
    this.artifacts = new ArtifactsBucket(this, 'Artifacts', {
      bucketName: names.artifactsBucket,
      noncurrentVersionExpirationDays: flags.artifacts.noncurrentVersionExpirationDays,
    });
    this.lockTable = new LockTable(this, 'LockTable', { tableName: names.lockTable });

    new TerraformOutput(this, 'access_logs_bucket', { value: this.accessLogs.bucket.bucket.bucket });
    new TerraformOutput(this, 'artifacts_bucket', { value: this.artifacts.bucket.bucket.bucket });
    new TerraformOutput(this, 'lock_table', { value: this.lockTable.table.name });
  }
}
