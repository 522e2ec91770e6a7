import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LockTable } from '../../../lib/constructs/lock-table';
import { LOCK_TABLE_PARTITION_KEY, LOCK_TABLE_TTL_ATTRIBUTE } from '../../../lib/contract/lock-table';
import { synthScope } from '../../helpers/cdktf-app';

describe('LockTable', () => {
  it('follows the lock-table contract: S3 object key as partition key, TTL on epoch seconds', () => {
    const synth = synthTable({});
    expect(synth).toHaveResourceWithProperties(DynamodbTable, {
      name: 'ff-test-locks',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: LOCK_TABLE_PARTITION_KEY,
      attribute: [{ name: LOCK_TABLE_PARTITION_KEY, type: 'S' }],
      ttl: { attribute_name: LOCK_TABLE_TTL_ATTRIBUTE, enabled: true },
    });
  });

  it('is hard to destroy: deletion protection and prevent_destroy', () => {
    expect(synthTable({})).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('has point-in-time recovery by default, and can turn it off', () => {
    expect(synthTable({})).toHaveResourceWithProperties(DynamodbTable, { point_in_time_recovery: { enabled: true } });
    expect(synthTable({ pointInTimeRecovery: false })).toHaveResourceWithProperties(DynamodbTable, {
      point_in_time_recovery: { enabled: false },
    });
  });
});

function synthTable(props: { pointInTimeRecovery?: boolean }): string {
  return synthScope((scope) => {
    new LockTable(scope, 'LockTable', { tableName: 'ff-test-locks', ...props });
  });
}
