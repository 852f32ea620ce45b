/**
 * The local stand-in for DynamoDB's TTL process where DynamoDB Local has none: DynamoDB Local 3.3.0
 * never TTL-deletes items of a table that has a global secondary index (measured: an item past its
 * TTL still there after 180 s; the same item in a table without indexes went in about 5 s). `memory-cdc
 * dev` therefore sweeps such tables itself: a Scan for items whose TTL attribute has passed, and a
 * conditional DeleteItem per item (the condition keeps an item whose TTL was extended meanwhile).
 *
 * The deletions reach the stream as plain REMOVE records without a `userIdentity`. On DynamoDB Local's
 * streams (region `ddblocal`) a REMOVE of an item whose TTL attribute had already passed is read as a
 * TTL expiry (see `isTtlExpiry`), so the pipeline archives them and emits `… Expired` as it would for
 * the real TTL process. Dev mode only: nothing runs this against AWS.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

/** Options for {@link sweepExpiredItems} and {@link runExpirySweeper}. */
export interface ExpirySweepOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The TTL attribute (epoch seconds). */
  ttlAttribute: string;
  /** Key attribute names, partition key first. */
  keyAttributes: string[];
  /** Current time in epoch milliseconds. @default Date.now */
  now?: () => number;
  signal?: AbortSignal;
}

/**
 * Deletes every item whose TTL attribute lies in the past, once, and resolves with how many it deleted.
 *
 * @example
 * ```ts
 * const deleted = await sweepExpiredItems({ client, tableName: 'mastra', ttlAttribute: 'ttl', keyAttributes: ['pk', 'sk'] });
 * ```
 */
export async function sweepExpiredItems(options: ExpirySweepOptions): Promise<number> {
  const { client, tableName, ttlAttribute, keyAttributes, signal } = options;
  const nowSeconds = String(Math.floor((options.now ?? Date.now)() / 1000));
  const names: Record<string, string> = { '#ttl': ttlAttribute };
  keyAttributes.forEach((k, i) => {
    names[`#k${i}`] = k;
  });
  let deleted = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#ttl < :now',
        // Keys to delete by, and the TTL attribute the filter reads.
        ProjectionExpression: [...keyAttributes.map((_, i) => `#k${i}`), '#ttl'].join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': { N: nowSeconds } },
        ExclusiveStartKey: startKey,
      }),
      { abortSignal: signal },
    );
    for (const item of page.Items ?? []) {
      const key = Object.fromEntries(keyAttributes.map((k) => [k, item[k]!]));
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': ttlAttribute },
            ExpressionAttributeValues: { ':now': { N: nowSeconds } },
          }),
          { abortSignal: signal },
        );
        deleted++;
      } catch (error) {
        // Deleted, or its TTL extended, since the Scan saw it: nothing to expire.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey && !signal?.aborted);
  return deleted;
}

/** What one sweep of {@link runExpirySweeper} did. */
export type ExpirySweep = { deleted: number } | { error: Error };

/**
 * Sweeps every `intervalMs` until the signal aborts (see {@link sweepExpiredItems}). A failed sweep
 * (DynamoDB Local slow or busy) is reported through `onSweep` and tried again at the next interval:
 * items stay until a sweep succeeds, as they would wait for DynamoDB's own TTL process.
 *
 * @param intervalMs pause between sweeps @default 5000
 */
export async function runExpirySweeper(
  options: ExpirySweepOptions & {
    signal: AbortSignal;
    intervalMs?: number;
    onSweep?(sweep: ExpirySweep): void;
  },
): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    try {
      options.onSweep?.({ deleted: await sweepExpiredItems(options) });
    } catch (error) {
      if (signal.aborted) return;
      options.onSweep?.({ error: error as Error });
    }
    try {
      await delay(options.intervalMs ?? 5000, undefined, { signal });
    } catch {
      return; // Aborted while waiting.
    }
  }
}
