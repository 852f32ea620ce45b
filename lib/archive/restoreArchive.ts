/**
 * Restore: reads archived items for a user, a conversation, entities or a time range and writes
 * them back to DynamoDB exactly as they were (the archive keeps DynamoDB JSON, so numbers, binary
 * and sets round-trip), optionally with a new expiry so they do not vanish again at once.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RESTORE_MARKER_ATTRIBUTE } from '../catalog/restoreMarker.js';
import type { ArchiveEntry } from '../routing/types.js';
import { parseArchiveKey, partitionPrefix } from './archiveKey.js';
import { decodeArchiveObject } from './archiveObjectCodec.js';
import { type BatchWriteItemsOptions, batchWriteItems, type SdkItem } from './batchWriteItems.js';
import { InvalidAttributeError, toArchiveAttributeMap, toSdkAttributeMap } from './binaryAttributes.js';
import { ArchiveFormatError, ArchiveNotFoundError, ExpiredItemsError } from './errors.js';
import type {
  ArchivePartition,
  ArchiveReader,
  RestoreFilter,
  RestoreProgress,
  RestoreSummary,
} from './types.js';

const HOUR_MS = 3_600_000;

/** Options for {@link restoreArchive}. */
export interface RestoreArchiveOptions {
  /** Where the archive is (see `openArchiveReader`). */
  reader: ArchiveReader;
  filter?: RestoreFilter;
  /** Table to write to. @default each item's own source table */
  targetTable?: string;
  /** DynamoDB client; required unless `dryRun`. */
  client?: DynamoDBClient;
  /** Read, filter and count, but write nothing. @default false */
  dryRun?: boolean;
  /** Set the TTL attribute of every restored item to now + `seconds`. */
  ttlExtend?: { attribute: string; seconds: number };
  /**
   * The table's TTL attribute. Given (and without `ttlExtend`), a restore refuses items whose
   * expiry already passed (TTL would delete them again within minutes) unless `keepExpired`.
   */
  ttlAttribute?: string;
  /** Write items whose expiry passed as they are. @default false */
  keepExpired?: boolean;
  /**
   * Write the restore marker attribute (`memory_cdc_restored_at`, the restore time) into every item,
   * so the pipeline reports the insert as `… Restored`, not `… Created`. @default true
   */
  marker?: boolean;
  /** Clock for `ttlExtend` (epoch ms). @default Date.now */
  now?: () => number;
  onProgress?: (progress: RestoreProgress) => void;
  /** Retry tuning passed to {@link batchWriteItems}. */
  retry?: Pick<BatchWriteItemsOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random'>;
  signal?: AbortSignal;
}

/** Where an object is, for messages: the reader's root and the key, one slash apart. */
function objectLocation(reader: ArchiveReader, key: string): string {
  return reader.location.endsWith('/') ? `${reader.location}${key}` : `${reader.location}/${key}`;
}

/** The narrowest folder that holds everything the filter can match. */
function listingPrefix(filter: RestoreFilter): string {
  if (filter.table === undefined) return '';
  const entity = filter.entities?.length === 1 ? filter.entities[0] : undefined;
  return partitionPrefix({ table: filter.table, entity });
}

function partitionMatches(partition: ArchivePartition, filter: RestoreFilter): boolean {
  if (filter.table !== undefined && partition.table !== filter.table) return false;
  if (filter.entities && !filter.entities.includes(partition.entity)) return false;
  const hourStart = Date.parse(`${partition.dt}T${partition.hour}:00:00Z`);
  if (filter.from && hourStart + HOUR_MS <= filter.from.getTime()) return false;
  if (filter.to && hourStart >= filter.to.getTime()) return false;
  return true;
}

function entryMatches(entry: ArchiveEntry, filter: RestoreFilter): boolean {
  if (filter.table !== undefined && entry.table !== filter.table) return false;
  if (filter.entities && !filter.entities.includes(entry.entity)) return false;
  if (filter.userId !== undefined && entry.ids.userId !== filter.userId) return false;
  if (filter.conversationId !== undefined && entry.ids.conversationId !== filter.conversationId) return false;
  const expiredAt = Date.parse(entry.expiredAt);
  if (filter.from && !(expiredAt >= filter.from.getTime())) return false;
  if (filter.to && !(expiredAt < filter.to.getTime())) return false;
  return true;
}

/** A stable text for an item's key, independent of attribute order and binary representation. */
function keyIdentity(entry: ArchiveEntry): string {
  const keys = toArchiveAttributeMap(entry.keys);
  return JSON.stringify(
    Object.keys(keys)
      .sort()
      .map((name) => [name, keys[name]]),
  );
}

/** True when `candidate` is a later archived version of the same item than `current`. */
function isNewer(candidate: ArchiveEntry, current: ArchiveEntry): boolean {
  const a = Date.parse(candidate.expiredAt);
  const b = Date.parse(current.expiredAt);
  if (a !== b) return a > b;
  return BigInt(candidate.origin.sequenceNumber || '0') > BigInt(current.origin.sequenceNumber || '0');
}

/**
 * Restores archived items. Items are de-duplicated by table and key (an item archived twice, or by
 * a retried batch, is written once, in its latest archived version).
 *
 * @example
 * const summary = await restoreArchive({
 *   reader: openArchiveReader('s3://my-archive/archive/', { s3Client: () => new S3Client({}) }),
 *   filter: { table: 'agent-memory', userId: 'u-42', from: new Date('2026-10-01T00:00:00Z') },
 *   client: new DynamoDBClient({}),
 *   ttlExtend: { attribute: 'ttl', seconds: 30 * 86_400 },
 * });
 *
 * @throws ArchiveFormatError when an object or item in it is not a valid archive entry
 * @throws RestoreError when items stay unprocessed after every retry
 */
export async function restoreArchive(options: RestoreArchiveOptions): Promise<RestoreSummary> {
  const { reader, signal } = options;
  const filter = options.filter ?? {};
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !options.client) throw new TypeError('restoreArchive needs a DynamoDB client unless dryRun');

  const keys: string[] = [];
  for await (const key of reader.listObjects(listingPrefix(filter), { signal })) {
    const partition = parseArchiveKey(key);
    if (partition && partitionMatches(partition, filter)) keys.push(key);
  }
  if (keys.length === 0 && !(await holdsArchiveObjects(reader, signal))) {
    throw new ArchiveNotFoundError(reader.location);
  }

  const progress: RestoreProgress = {
    objectsTotal: keys.length,
    objectsRead: 0,
    itemsMatched: 0,
    itemsWritten: 0,
    phase: 'reading',
  };
  options.onProgress?.({ ...progress });

  const latest = new Map<string, { entry: ArchiveEntry; table: string; objectKey: string }>();
  let entriesRead = 0;
  for (const key of keys) {
    const entries = await decodeArchiveObject(
      await reader.getObject(key, { signal }),
      objectLocation(reader, key),
    );
    entriesRead += entries.length;
    const objectTable = parseArchiveKey(key)?.table;
    for (const [line, entry] of entries.entries()) {
      // A line naming another table than its object's partition would be written to that table.
      if (entry.table !== objectTable) {
        throw new ArchiveFormatError(
          objectLocation(reader, key),
          `line ${line + 1} (event ${entry.eventId}) names table ${JSON.stringify(entry.table)}, but the object ` +
            `is in partition table=${objectTable}: refusing to restore it`,
        );
      }
      if (!entryMatches(entry, filter)) continue;
      const table = options.targetTable ?? entry.table;
      const identity = `${table}\n${keyIdentity(entry)}`;
      const current = latest.get(identity);
      if (!current || isNewer(entry, current.entry)) latest.set(identity, { entry, table, objectKey: key });
    }
    progress.objectsRead++;
    progress.itemsMatched = latest.size;
    options.onProgress?.({ ...progress });
  }

  const newExpiry = options.ttlExtend
    ? Math.floor((options.now ?? Date.now)() / 1000) + options.ttlExtend.seconds
    : undefined;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const restoredAt = new Date((options.now ?? Date.now)()).toISOString();
  let expired = 0;
  const byTable = new Map<string, SdkItem[]>();
  for (const { entry, table, objectKey } of latest.values()) {
    let item: SdkItem;
    try {
      item = toSdkAttributeMap(entry.item);
    } catch (error) {
      if (!(error instanceof InvalidAttributeError)) throw error;
      throw new ArchiveFormatError(
        objectLocation(reader, objectKey),
        `event ${entry.eventId}: ${error.message}`,
      );
    }
    const expiry = options.ttlAttribute ? item[options.ttlAttribute]?.N : undefined;
    if (expiry !== undefined && Number(expiry) <= nowSeconds) expired++;
    if (options.ttlExtend && newExpiry !== undefined)
      item[options.ttlExtend.attribute] = { N: String(newExpiry) };
    if (options.marker ?? true) item[RESTORE_MARKER_ATTRIBUTE] = { S: restoredAt };
    const items = byTable.get(table);
    if (items) items.push(item);
    else byTable.set(table, [item]);
  }

  const summary: RestoreSummary = {
    source: reader.location,
    objectsRead: progress.objectsRead,
    entriesRead,
    itemsMatched: latest.size,
    itemsWritten: 0,
    tables: Object.fromEntries([...byTable].map(([table, items]) => [table, items.length])),
    dryRun,
    ...(newExpiry !== undefined ? { newExpiry } : {}),
    batchWrites: 0,
    retries: 0,
    expiredItems: expired,
  };
  const refuseExpired = options.ttlAttribute !== undefined && !options.ttlExtend && !options.keepExpired;
  if (!dryRun && refuseExpired && expired > 0) {
    throw new ExpiredItemsError(expired, latest.size, options.ttlAttribute!);
  }

  if (!dryRun) {
    progress.phase = 'writing';
    options.onProgress?.({ ...progress });
    for (const [tableName, items] of byTable) {
      const result = await batchWriteItems(items, {
        ...options.retry,
        client: options.client!,
        tableName,
        signal,
        onWritten: (count) => {
          progress.itemsWritten += count;
          options.onProgress?.({ ...progress });
        },
      });
      summary.itemsWritten += result.written;
      summary.batchWrites += result.calls;
      summary.retries += result.retries;
    }
  }
  progress.phase = 'done';
  options.onProgress?.({ ...progress });
  return summary;
}

/** True when the reader's root holds at least one archive object. */
async function holdsArchiveObjects(reader: ArchiveReader, signal?: AbortSignal): Promise<boolean> {
  for await (const key of reader.listObjects('', { signal })) {
    if (parseArchiveKey(key)) return true;
  }
  return false;
}
