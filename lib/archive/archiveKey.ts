/**
 * Archive object keys. Hive-style partitions make the archive queryable by Athena with partition
 * projection (`athena/archive_table.sql`), and a name derived only from the batch makes a retried
 * batch overwrite its own object instead of writing a duplicate:
 *
 * `table=<table>/entity=<entity>/dt=<YYYY-MM-DD>/hour=<HH>/<first>-<last>-<digest>.jsonl.gz`
 *
 * `first`/`last` are the lowest and highest stream sequence numbers in the object; `digest` is a
 * short SHA-256 of the stream ARN and the records' event ids, which tells apart objects of two
 * shards (Lambda does not pass the shard id) and never changes for the same records.
 */
import { createHash } from 'node:crypto';
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
 * The deterministic key of the object holding `outputs` (all of one partition), relative to the
 * archive root.
 */
export function archiveObjectKey(partition: ArchivePartition, outputs: readonly ArchiveOutput[]): string {
  if (outputs.length === 0) throw new RangeError('an archive object needs at least one output');
  let first = BigInt(outputs[0]!.sequenceNumber);
  let last = first;
  const digest = createHash('sha256').update(outputs[0]!.payload.origin.streamArn);
  for (const output of outputs) {
    const sequence = BigInt(output.sequenceNumber);
    if (sequence < first) first = sequence;
    if (sequence > last) last = sequence;
    digest.update('\n').update(output.eventId);
  }
  const name = `${first}-${last}-${digest.digest('hex').slice(0, 12)}`;
  return `${partitionPrefix(partition)}${name}${ARCHIVE_OBJECT_SUFFIX}`;
}

/** A key's partition, or undefined when the key is not an archive object's (any prefix allowed). */
export function parseArchiveKey(key: string): ArchivePartition | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, table = '', entity = '', dt = '', hour = ''] = match;
  if (!(ENTITY_KINDS as readonly string[]).includes(entity) || !HOUR.test(hour)) return undefined;
  return { table, entity: entity as EntityKind, dt, hour };
}
