/**
 * The claim protocol against a real DynamoDB implementation (dynalite, in process),
 * on a table created exactly as the data stack synthesizes it.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { App, Testing } from 'cdktf';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_BACKFILL_MINUTES,
  LOCK_TABLE_OWNER_ATTRIBUTE,
  LOCK_TABLE_TTL_ATTRIBUTE,
  LOCK_TABLE_TTL_DAYS,
  MAX_BACKFILL_MINUTES,
  agentLockConfig,
  buildClaimRequest,
  buildCompleteRequest,
  ttlSeconds,
} from '../../../lib/contract/lock-table';
import { DataStack } from '../../../stacks/data-stack';
import { shippedFlags } from '../../helpers/flags-fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (o: object) => import('node:http').Server;

let server: import('node:http').Server;
let client: DynamoDBClient;
let tableName: string;
let synthesizedTable: SynthesizedTable;

interface SynthesizedTable {
  name: string;
  billing_mode: 'PAY_PER_REQUEST';
  hash_key: string;
  attribute: Array<{ name: string; type: 'S' | 'N' | 'B' }>;
  ttl: { attribute_name: string; enabled: boolean };
}

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  tableName = await createTableAsSynthesized();
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('lock-table contract values', () => {
  it('keeps claims 7 days and looks back 1 hour by default, at most 7 days', () => {
    expect(LOCK_TABLE_TTL_DAYS).toBe(7);
    expect(ttlSeconds()).toBe(604800);
    expect(DEFAULT_BACKFILL_MINUTES).toBe(60);
    expect(MAX_BACKFILL_MINUTES).toBe(7 * 24 * 60);
    expect(agentLockConfig('t', 90)).toEqual({
      tableName: 't',
      partitionKey: 'objectKey',
      ttlAttribute: 'expiresAt',
      ttlDays: 7,
      backfillMinutes: 90,
      claimLeaseSeconds: 900,
    });
  });
});

describe('claim protocol on the synthesized table', () => {
  it('writes the TTL attribute the table expires on, in epoch seconds', async () => {
    // dynalite has no UpdateTimeToLive, so the table's TTL setting is checked on the
    // synthesized resource; the protocol never relies on deletion, only on this value.
    expect(synthesizedTable.ttl).toEqual({ attribute_name: LOCK_TABLE_TTL_ATTRIBUTE, enabled: true });
    await claim('alb/ttl.gz', 'agent-a', 1_800_000_000);
    const item = await client.send(new GetItemCommand({ TableName: tableName, Key: { objectKey: { S: 'alb/ttl.gz' } } }));
    expect(item.Item?.[LOCK_TABLE_TTL_ATTRIBUTE]).toEqual({ N: String(1_800_000_000 + 7 * 86400) });
  });

  it('lets exactly one of many concurrent claimers of one object win', async () => {
    // GIVEN 25 agents that see the same new S3 object
    const key = 'alb/AWSLogs/000000000000/elasticloadbalancing/us-east-1/2026/11/21/log-1.gz';
    const now = 1_800_000_000;
    // WHEN they all claim it at once
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => claim(key, `agent-${i}`, now)),
    );
    // THEN exactly one succeeds and the others fail the condition
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(24);
    for (const l of lost) expect(l.reason).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('does not let anyone re-claim a processed object before its TTL', async () => {
    const key = 'alb/log-done.gz';
    const now = 1_800_000_000;
    await claim(key, 'agent-a', now);
    await client.send(new UpdateItemCommand(buildCompleteRequest({ tableName, objectKey: key, owner: 'agent-a', nowSeconds: now + 10 })));
    // Long after any lease, but before the 7-day TTL:
    await expect(claim(key, 'agent-b', now + 3 * 86400)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('lets a claim whose TTL has passed be taken over by a conditional write', async () => {
    const key = 'alb/log-expired.gz';
    const now = 1_800_000_000;
    await claim(key, 'agent-a', now);
    await client.send(new UpdateItemCommand(buildCompleteRequest({ tableName, objectKey: key, owner: 'agent-a', nowSeconds: now })));
    // DynamoDB deletes expired items lazily; the item is still there after its TTL.
    const later = now + ttlSeconds() + 1;
    await claim(key, 'agent-b', later);
    expect(await ownerOf(key)).toBe('agent-b');
  });

  it('lets another agent pick up an unfinished claim whose holder died (lease over)', async () => {
    const key = 'alb/log-dead-agent.gz';
    const now = 1_800_000_000;
    await claim(key, 'agent-dead', now);
    // Within the lease: still held.
    await expect(claim(key, 'agent-b', now + 60)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    // After the lease: taken over, and the dead agent can no longer complete it.
    await claim(key, 'agent-b', now + 16 * 60);
    expect(await ownerOf(key)).toBe('agent-b');
    await expect(
      client.send(new UpdateItemCommand(buildCompleteRequest({ tableName, objectKey: key, owner: 'agent-dead', nowSeconds: now + 17 * 60 }))),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});

function claim(objectKey: string, owner: string, nowSeconds: number) {
  return client.send(new PutItemCommand(buildClaimRequest({ tableName, objectKey, owner, nowSeconds })));
}

async function ownerOf(objectKey: string): Promise<string | undefined> {
  const item = await client.send(new GetItemCommand({ TableName: tableName, Key: { objectKey: { S: objectKey } }, ConsistentRead: true }));
  return item.Item?.[LOCK_TABLE_OWNER_ATTRIBUTE]?.S;
}

/** Creates the table from the data stack's synthesized aws_dynamodb_table: name, billing, key schema. */
async function createTableAsSynthesized(): Promise<string> {
  const flags = shippedFlags('sandbox');
  const synth = JSON.parse(Testing.synth(new DataStack(new App(), 'sandbox-data', { flags })));
  const table = Object.values(synth.resource.aws_dynamodb_table)[0] as SynthesizedTable;
  synthesizedTable = table;
  await client.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: table.billing_mode,
      KeySchema: [{ AttributeName: table.hash_key, KeyType: 'HASH' }],
      AttributeDefinitions: table.attribute.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    }),
  );
  return table.name;
}
