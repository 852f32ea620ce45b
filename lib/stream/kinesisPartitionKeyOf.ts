/**
 * The Kinesis partition key of an item's changes. Kinesis Data Streams for DynamoDB writes every
 * change of one item with the same partition key, so an item's changes land on one shard; the key
 * DynamoDB uses is not documented, and records seen from real tables carry 32 upper-case hex digits
 * (an MD5 digest's length). memory-cdc's stand-ins (`capture --format kinesis`, the bundled
 * fixture, the local streaming-destination bridge) use the MD5 of the item's key attributes.
 */
import { createHash } from 'node:crypto';
import type { AttributeMap } from './types.js';

/**
 * 32 upper-case hex digits: the MD5 of the key attributes as JSON, sorted by attribute name, so the
 * same item always gets the same key whatever order its key attributes come in.
 *
 * @example
 * ```ts
 * kinesisPartitionKeyOf({ pk: { S: 'USER#u1' }, sk: { S: 'CONV#c1' } }); // '6F1E…' (32 hex digits)
 * ```
 */
export function kinesisPartitionKeyOf(keys: AttributeMap): string {
  const sorted: AttributeMap = {};
  for (const name of Object.keys(keys).sort()) sorted[name] = keys[name]!;
  return createHash('md5').update(JSON.stringify(sorted)).digest('hex').toUpperCase();
}
