import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import {
  LOCK_TABLE_PARTITION_KEY,
  LOCK_TABLE_PARTITION_KEY_TYPE,
  LOCK_TABLE_TTL_ATTRIBUTE,
} from '../contract/lock-table';

export interface LockTableProps {
  readonly tableName: string;
  /**
   * Point-in-time recovery (35 days of restorable history).
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The DynamoDB table the ingest agents claim S3 log objects in, shaped by the
 * lock-table contract (lib/contract/lock-table.ts): on-demand billing, the S3 object
 * key as partition key, TTL on an epoch-seconds attribute. Deletion protection on
 * the AWS side and `prevent_destroy` on the Terraform side.
 */
export class LockTable extends Construct {
  readonly table: DynamodbTable;
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: LockTableProps) {
    super(scope, id);
    this.tableName = props.tableName;
    this.table = new DynamodbTable(this, 'Resource', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: LOCK_TABLE_PARTITION_KEY,
      attribute: [{ name: LOCK_TABLE_PARTITION_KEY, type: LOCK_TABLE_PARTITION_KEY_TYPE }],
      ttl: { attributeName: LOCK_TABLE_TTL_ATTRIBUTE, enabled: true },
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
  }
}
