import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sleep } from '../../retry/backoff.js';
import { applySeedWrite } from './applySeedWrite.js';
import type { SeedItem, SeedWrite } from './types.js';

/** Options for {@link runSeeder}. */
export interface RunSeederOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The writes to make (e.g. {@link seedWrites}). */
  writes: Iterable<SeedWrite>;
  /** Key attribute names, partition key first (to report each write's key). */
  keyAttributes: readonly string[];
  /** Writes per second; 0 writes as fast as the table answers. @default 0 */
  ratePerSecond?: number;
  signal?: AbortSignal;
  /** Called just before each write is sent, with the item's key and the time. */
  onWrite?(write: SeedWrite, key: SeedItem, atMs: number): void;
}

/** The key of the item a write touches. */
export function keyOfWrite(write: SeedWrite, keyAttributes: readonly string[]): SeedItem {
  const source = write.op === 'put' ? write.item : write.key;
  return Object.fromEntries(keyAttributes.map((name) => [name, source[name]]));
}

/**
 * Makes the writes one after another with the SDK, paced to `ratePerSecond` (spread over time, as
 * an agent platform writes), until they run out or the signal aborts. Writes are sequential, so
 * the table — and its stream — sees them in the order given.
 * @returns the number of writes made
 */
export async function runSeeder(options: RunSeederOptions): Promise<number> {
  const { client, tableName, signal } = options;
  const interval = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  const started = Date.now();
  let made = 0;
  for (const write of options.writes) {
    if (signal?.aborted) break;
    if (interval) {
      const due = started + made * interval - Date.now();
      if (due > 0) await sleep(due, signal);
      if (signal?.aborted) break;
    }
    const at = Date.now();
    options.onWrite?.(write, keyOfWrite(write, options.keyAttributes), at);
    await applySeedWrite(client, tableName, write, { signal });
    made++;
  }
  return made;
}
