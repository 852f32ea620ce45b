/**
 * What a change means for the vector index: upsert a turn whose text or embedding changed, delete
 * one that was removed or expired, nothing otherwise. Shared by replay's vector sink and the
 * vector-sync worker (which reads the same details from the Kinesis change log).
 */
import type { MemoryEventDetail } from '../catalog/types.js';
import { readField, readString } from '../layout/readField.js';
import type { EntityRule, Layout } from '../layout/types.js';
import { sha256Hex } from '../sha256Hex.js';
import type { JsonValue, PlainItem } from '../stream/types.js';
import type { VectorOperation } from './types.js';

/** The layout rule that classified the detail's item. */
export function ruleFor(
  layout: Layout,
  detail: Pick<MemoryEventDetail, 'entity' | 'sourceEntity'>,
): EntityRule | undefined {
  return layout.entities.find(
    (r) =>
      r.entity === detail.entity &&
      (detail.sourceEntity === undefined || (r.name ?? r.entity) === detail.sourceEntity),
  );
}

/**
 * A stable vector key from the table name and the item's key attributes (order-independent, 64
 * characters). The table is part of it: sequence numbers of two tables' streams do not compare.
 */
export function vectorKeyFor(table: string, keys: PlainItem): string {
  const canonical = JSON.stringify([
    table,
    Object.keys(keys)
      .sort()
      .map((k) => [k, keys[k]]),
  ]);
  return sha256Hex(canonical);
}

/**
 * Reads an embedding attribute: a list of numbers, or base64 text of float32 little-endian values
 * (how binary `B` attributes arrive). Returns undefined when absent or not an embedding.
 */
export function decodeEmbedding(value: JsonValue | undefined): number[] | undefined {
  if (Array.isArray(value)) {
    const numbers = value.map((v) => (typeof v === 'string' ? Number(v) : v));
    return numbers.every((n) => typeof n === 'number' && Number.isFinite(n))
      ? (numbers as number[])
      : undefined;
  }
  if (typeof value === 'string' && value.length > 0) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
    const out = new Array<number>(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
    return out;
  }
  return undefined;
}

function sameEmbedding(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An operation on the detail's vector, without the upsert's text, embedding and role. */
function operation(
  action: VectorOperation['action'],
  reason: VectorOperation['reason'],
  detail: MemoryEventDetail,
): VectorOperation {
  const position: VectorOperation['position'] = { sequenceNumber: detail.origin.sequenceNumber };
  if (detail.time) position.approximateCreationEpochMs = Date.parse(detail.time);
  return {
    action,
    reason,
    vectorKey: vectorKeyFor(detail.origin.table, detail.keys),
    keys: detail.keys,
    ids: detail.ids,
    position,
    eventId: detail.eventId,
  };
}

/**
 * The index operation a change event implies for the vector index, or undefined (not a turn, or a
 * modify that left text and embedding as they were — no embedding call is wasted on it).
 */
export function vectorOperationFor(detail: MemoryEventDetail, layout: Layout): VectorOperation | undefined {
  const rule = ruleFor(layout, detail);
  const fields = rule?.fields;
  if (!fields?.text && !fields?.embedding) return undefined;
  if (detail.op === 'remove') return operation('delete', detail.expired ? 'expired' : 'removed', detail);
  const after = detail.after;
  if (!after) return undefined; // KEYS_ONLY / OLD_IMAGE views: nothing to index from.
  const text = readString(after, fields.text);
  const rawEmbedding = readField(after, fields.embedding);
  const embedding = decodeEmbedding(rawEmbedding);
  let reason: VectorOperation['reason'];
  if (detail.op === 'insert' || detail.op === 'read') {
    reason = 'inserted'; // A snapshot read (backfill) indexes the item as it is, like an insert.
  } else if (detail.before === null) {
    reason = 'text-changed'; // NEW_IMAGE view: cannot tell what changed, so index it.
  } else if (text !== readString(detail.before, fields.text)) {
    reason = 'text-changed';
  } else if (!sameEmbedding(rawEmbedding, readField(detail.before, fields.embedding))) {
    reason = 'embedding-changed';
  } else {
    return undefined;
  }
  if (text === undefined && embedding === undefined) {
    // The turn no longer has anything to index.
    return detail.op === 'insert' || detail.op === 'read'
      ? undefined
      : operation('delete', 'removed', detail);
  }
  const op = operation('upsert', reason, detail);
  if (text !== undefined) op.text = text;
  if (embedding !== undefined) op.embedding = embedding;
  const role = readString(after, fields.role);
  if (role !== undefined) op.role = role;
  return op;
}
