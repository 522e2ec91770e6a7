/**
 * The emulator answers one request at a time (emulator/launcher.py, OneRequestAtATime):
 * each AWS API call is atomic, and moto's backends have no locking of their own. The
 * lock table's claim protocol depends on it: of many agents claiming one S3 object at
 * once with a conditional write, exactly one wins. Two winners of three were seen in
 * the lifecycle suite on a loaded machine before the server serialized requests; the
 * race needs a thread switch inside moto's put_item, so on an idle machine this suite
 * passes without the lock too (tried: 5 rounds of 24). It guards the property, it does
 * not reproduce the race on demand.
 */
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { buildClaimRequest, LOCK_TABLE_PARTITION_KEY, LOCK_TABLE_PARTITION_KEY_TYPE } from '../../lib/contract/lock-table';
import { clientConfig } from '../../lib/emulator/clients';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';

const TABLE = 'fleetflags-test-locks';
let emulator: TestEmulator;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  const { forcePathStyle: _, ...config } = clientConfig({ region: 'us-east-1', endpoint: emulator.endpoint });
  dynamo = new DynamoDBClient({ ...config, maxAttempts: 1 });
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: LOCK_TABLE_PARTITION_KEY, AttributeType: LOCK_TABLE_PARTITION_KEY_TYPE }],
      KeySchema: [{ AttributeName: LOCK_TABLE_PARTITION_KEY, KeyType: 'HASH' }],
    }),
  );
}, 120_000);

afterAll(async () => {
  dynamo?.destroy();
  await emulator?.stop();
});

describe('claims sent at once', () => {
  it.each([1, 2, 3, 4, 5])('GIVEN 24 agents claiming one object at once (round %i) THEN exactly one wins, the others fail their condition', async (round) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        dynamo.send(new PutItemCommand(buildClaimRequest({ tableName: TABLE, objectKey: `logs/2026/11/27/${round}.gz`, owner: `agent-${i}`, nowSeconds: now }))),
      ),
    );
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    const rejected = claims.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
    expect(rejected).toHaveLength(23);
    for (const c of rejected) expect(c.reason).toBeInstanceOf(ConditionalCheckFailedException);
  });
});
