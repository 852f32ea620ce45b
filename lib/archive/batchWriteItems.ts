/**
 * Writes items to a DynamoDB table with BatchWriteItem (25 puts a call), re-sending the items
 * DynamoDB hands back as `UnprocessedItems` with exponential backoff and full jitter (the shared
 * `backoffDelay`), as the DynamoDB developer guide asks. Errors of whole calls (throttling, 5xx)
 * are retried by the SDK client's own retry strategy.
 */
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sleep as abortableSleep, backoffDelay } from '../retry/backoff.js';
import { RestoreError } from './errors.js';

/** BatchWriteItem's limit of requests per call. */
export const BATCH_WRITE_LIMIT = 25;

/** An item as the SDK takes it. */
export type SdkItem = Record<string, AttributeValue>;

/** Options for {@link batchWriteItems}. */
export interface BatchWriteItemsOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Calls per batch of 25 before giving up on its unprocessed items. @default 10 */
  maxAttempts?: number;
  /** First backoff ceiling; doubles each retry. @default 50 */
  baseDelayMs?: number;
  /** Largest backoff ceiling. @default 5000 */
  maxDelayMs?: number;
  /** Called after each call with the number of items it wrote. */
  onWritten?: (count: number) => void;
  signal?: AbortSignal;
  /** Waits between retries (tests pass their own clock). @default an abortable timer */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

/** What {@link batchWriteItems} did. */
export interface BatchWriteItemsResult {
  written: number;
  /** BatchWriteItem calls made. */
  calls: number;
  /** Calls that re-sent unprocessed items. */
  retries: number;
}

/**
 * Puts every item (items must have distinct keys: DynamoDB rejects a call with duplicate keys).
 *
 * @example
 * const result = await batchWriteItems(items, { client: new DynamoDBClient({}), tableName: 'memory' });
 * console.log(`${result.written} items written in ${result.calls} calls`);
 *
 * @throws RestoreError when items are still unprocessed after `maxAttempts` calls
 */
export async function batchWriteItems(
  items: readonly SdkItem[],
  options: BatchWriteItemsOptions,
): Promise<BatchWriteItemsResult> {
  const { client, tableName, onWritten, signal } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, signal));
  const backoff = { baseMs: baseDelayMs, maxMs: maxDelayMs, maxRetries: maxAttempts - 1 };
  const random = options.random ?? Math.random;
  const result: BatchWriteItemsResult = { written: 0, calls: 0, retries: 0 };

  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let pending = items.slice(start, start + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      signal?.throwIfAborted();
      if (attempt > 1) {
        result.retries++;
        await sleep(backoffDelay(attempt - 1, backoff, random));
      }
      const response = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        {
          abortSignal: signal,
        },
      );
      result.calls++;
      const unprocessed = (response.UnprocessedItems?.[tableName] ?? []).filter(
        (request) => request.PutRequest?.Item,
      );
      const written = pending.length - unprocessed.length;
      result.written += written;
      onWritten?.(written);
      pending = unprocessed.map((request) => ({ PutRequest: { Item: request.PutRequest!.Item! } }));
      if (pending.length > 0 && attempt >= maxAttempts) {
        const unwritten = items.length - result.written;
        throw new RestoreError(
          tableName,
          unwritten,
          `${pending.length} items still unprocessed after ${maxAttempts} BatchWriteItem calls; ${unwritten} items not written`,
        );
      }
    }
  }
  return result;
}
