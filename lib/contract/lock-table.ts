/**
 * The lock-table contract: the one place that says how the ingest agents' claim
 * table is shaped and how a claim works. The data stack builds the table from it,
 * the fleet stack writes the agents' configuration from it, and the tests run the
 * claim protocol against a real DynamoDB implementation with exactly these values.
 *
 * Protocol (after the honeyelb high-availability design):
 * - An agent lists the last `backfillMinutes` of S3 log objects.
 * - For each object it tries a conditional PutItem keyed by the object's S3 key.
 *   The write succeeds only if nobody holds a live claim: the item does not exist,
 *   or its TTL has passed, or it is an unfinished claim whose lease ran out (the
 *   agent that held it died). Exactly one concurrent claimer wins.
 * - When the object is processed, the owner marks the item `done`. A done item
 *   blocks every other agent until its TTL (7 days) passes, which is longer than
 *   the longest backfill, so no object is processed twice.
 * - DynamoDB deletes expired items lazily (up to days later), so the condition
 *   compares `expiresAt` with the current time instead of relying on deletion.
 */

/** Partition key: the S3 object key of the log file being claimed. */
export const LOCK_TABLE_PARTITION_KEY = 'objectKey';
/** DynamoDB type of the partition key: a string. */
export const LOCK_TABLE_PARTITION_KEY_TYPE = 'S';
/** TTL attribute, in epoch seconds, as DynamoDB's TTL feature requires. */
export const LOCK_TABLE_TTL_ATTRIBUTE = 'expiresAt';
/** How long a claim (and the record that an object was processed) lives. */
export const LOCK_TABLE_TTL_DAYS = 7;
/** Default look-back of an agent: 1 hour. */
export const DEFAULT_BACKFILL_MINUTES = 60;
/** Longest allowed look-back: the TTL, so a processed object is always still recorded. */
export const MAX_BACKFILL_MINUTES = LOCK_TABLE_TTL_DAYS * 24 * 60;
/** How long an unfinished claim is honoured before another agent may take it over. */
export const DEFAULT_CLAIM_LEASE_SECONDS = 15 * 60;

export const LOCK_TABLE_OWNER_ATTRIBUTE = 'owner';
export const LOCK_TABLE_STATUS_ATTRIBUTE = 'claimStatus';
export const LOCK_TABLE_LEASE_ATTRIBUTE = 'leaseUntil';

export type ClaimStatus = 'claimed' | 'done';

/** The condition under which a claim may be written. */
export const CLAIM_CONDITION_EXPRESSION =
  `attribute_not_exists(#key) OR #ttl < :now OR (#status = :claimed AND #lease < :now)`;

export interface ClaimRequestInput {
  readonly tableName: string;
  readonly objectKey: string;
  readonly owner: string;
  /** Current time in epoch seconds. */
  readonly nowSeconds: number;
  /** @default DEFAULT_CLAIM_LEASE_SECONDS */
  readonly leaseSeconds?: number;
}

/** A DynamoDB PutItem input (low-level attribute values) that claims one object. */
export function buildClaimRequest(input: ClaimRequestInput) {
  const leaseSeconds = input.leaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS;
  return {
    TableName: input.tableName,
    Item: {
      [LOCK_TABLE_PARTITION_KEY]: { S: input.objectKey },
      [LOCK_TABLE_OWNER_ATTRIBUTE]: { S: input.owner },
      [LOCK_TABLE_STATUS_ATTRIBUTE]: { S: 'claimed' },
      [LOCK_TABLE_LEASE_ATTRIBUTE]: { N: String(input.nowSeconds + leaseSeconds) },
      [LOCK_TABLE_TTL_ATTRIBUTE]: { N: String(input.nowSeconds + ttlSeconds()) },
    },
    ConditionExpression: CLAIM_CONDITION_EXPRESSION,
    ExpressionAttributeNames: {
      '#key': LOCK_TABLE_PARTITION_KEY,
      '#ttl': LOCK_TABLE_TTL_ATTRIBUTE,
      '#status': LOCK_TABLE_STATUS_ATTRIBUTE,
      '#lease': LOCK_TABLE_LEASE_ATTRIBUTE,
    },
    ExpressionAttributeValues: {
      ':now': { N: String(input.nowSeconds) },
      ':claimed': { S: 'claimed' },
    },
  };
}

/** A DynamoDB UpdateItem input that marks an object done; only its owner may. */
export function buildCompleteRequest(input: Omit<ClaimRequestInput, 'leaseSeconds'>) {
  return {
    TableName: input.tableName,
    Key: { [LOCK_TABLE_PARTITION_KEY]: { S: input.objectKey } },
    UpdateExpression: 'SET #status = :done, #ttl = :expires REMOVE #lease',
    ConditionExpression: '#owner = :owner AND #status = :claimed',
    ExpressionAttributeNames: {
      '#status': LOCK_TABLE_STATUS_ATTRIBUTE,
      '#ttl': LOCK_TABLE_TTL_ATTRIBUTE,
      '#lease': LOCK_TABLE_LEASE_ATTRIBUTE,
      '#owner': LOCK_TABLE_OWNER_ATTRIBUTE,
    },
    ExpressionAttributeValues: {
      ':done': { S: 'done' },
      ':claimed': { S: 'claimed' },
      ':owner': { S: input.owner },
      ':expires': { N: String(input.nowSeconds + ttlSeconds()) },
    },
  };
}

export function ttlSeconds(): number {
  return LOCK_TABLE_TTL_DAYS * 24 * 60 * 60;
}

/** What an agent needs to know about the table; written into its config file. */
export interface AgentLockConfig {
  readonly tableName: string;
  readonly partitionKey: string;
  readonly ttlAttribute: string;
  readonly ttlDays: number;
  readonly backfillMinutes: number;
  readonly claimLeaseSeconds: number;
}

export function agentLockConfig(tableName: string, backfillMinutes: number): AgentLockConfig {
  return {
    tableName,
    partitionKey: LOCK_TABLE_PARTITION_KEY,
    ttlAttribute: LOCK_TABLE_TTL_ATTRIBUTE,
    ttlDays: LOCK_TABLE_TTL_DAYS,
    backfillMinutes,
    claimLeaseSeconds: DEFAULT_CLAIM_LEASE_SECONDS,
  };
}
