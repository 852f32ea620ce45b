/**
 * Archive object keys. Hive-style partitions make the archive queryable by Athena with partition
 * projection (`athena/archive_table.sql`), and one object per expired item, named only from that
 * item's expiry record, makes the archive exactly-once: however Lambda cuts, retries, bisects or
 * re-sizes a batch, the same expiry is always written to the same key (a retry overwrites it with
 * identical content), and no other object ever holds it:
 *
 * `table=<table>/entity=<entity>/dt=<YYYY-MM-DD>/hour=<HH>/<sequence>-<eventId>.jsonl.gz`
 *
 * `sequence` is the expiry record's stream sequence number (objects of a partition list in stream
 * order within a shard); `eventId` is the archive entry's deterministic id (from the stream ARN and
 * the record's event id), which tells apart records of two shards with the same sequence number.
 */
import { ENTITY_KINDS, type EntityKind } from '../layout/types.js';
import type { ArchiveEntry, ArchiveOutput } from '../routing/types.js';
import { ArchiveFormatError } from './errors.js';
import type { ArchivePartition } from './types.js';

/** Extension of every archive object. */
export const ARCHIVE_OBJECT_SUFFIX = '.jsonl.gz';

const TABLE_NAME = /^[A-Za-z0-9_.-]{1,255}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HOUR = /^(?:[01]\d|2[0-3])$/;
const KEY_PATTERN =
  /(?:^|\/)table=([A-Za-z0-9_.-]+)\/entity=([a-z_]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([^/]+)\.jsonl\.gz$/;

/**
 * The partition an archive entry belongs to.
 * @throws ArchiveFormatError when the entry's table, entity or partition values cannot form a key
 */
export function partitionOf(entry: ArchiveEntry): ArchivePartition {
  const { table, entity } = entry;
  const { dt, hour } = entry.partition;
  const bad =
    (!TABLE_NAME.test(table) && `table ${JSON.stringify(table)}`) ||
    (!(ENTITY_KINDS as readonly string[]).includes(entity) && `entity ${JSON.stringify(entity)}`) ||
    (!DAY.test(dt) && `dt ${JSON.stringify(dt)}`) ||
    (!HOUR.test(hour) && `hour ${JSON.stringify(hour)}`);
  if (bad) throw new ArchiveFormatError(`event ${entry.eventId}`, `invalid archive partition value ${bad}`);
  return { table, entity, dt, hour };
}

/** The folder of a partition, relative to the archive root, ending in `/`. */
export function partitionPrefix(
  partition: Partial<ArchivePartition> & Pick<ArchivePartition, 'table'>,
): string {
  let prefix = `table=${partition.table}/`;
  if (partition.entity === undefined) return prefix;
  prefix += `entity=${partition.entity}/`;
  if (partition.dt === undefined) return prefix;
  prefix += `dt=${partition.dt}/`;
  if (partition.hour === undefined) return prefix;
  return `${prefix}hour=${partition.hour}/`;
}

/**
 * The deterministic key of the object holding one archive output, relative to the archive root.
 * It depends only on the expiry record, never on the batch the record arrived in.
 *
 * @example
 * archiveObjectKey(partitionOf(output.payload), output);
 * // 'table=agent-memory/entity=turn/dt=2026-11-28/hour=10/4200000000000000000001-0b9e…-8…jsonl.gz'
 */
export function archiveObjectKey(partition: ArchivePartition, output: ArchiveOutput): string {
  const sequence = /^\d{1,40}$/.test(output.sequenceNumber) ? output.sequenceNumber : '0';
  const id = output.eventId.replace(/[^0-9A-Za-z-]/g, '');
  if (id === '')
    throw new ArchiveFormatError(`event ${output.eventId}`, 'an archive entry needs an event id');
  return `${partitionPrefix(partition)}${sequence}-${id}${ARCHIVE_OBJECT_SUFFIX}`;
}

/** A key's partition, or undefined when the key is not an archive object's (any prefix allowed). */
export function parseArchiveKey(key: string): ArchivePartition | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, table = '', entity = '', dt = '', hour = ''] = match;
  if (!(ENTITY_KINDS as readonly string[]).includes(entity) || !HOUR.test(hour)) return undefined;
  return { table, entity: entity as EntityKind, dt, hour };
}
