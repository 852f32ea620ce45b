/**
 * Measures what the pipeline emits per stream record by running the real pipeline (decode, classify,
 * build events, route) over sample records: events after noise suppression, change-log records and
 * bytes, vector upserts, archive bytes. Estimates therefore follow the routing and the catalog in
 * force instead of a hand-kept table of ratios.
 */
import { gzipSync } from 'node:zlib';
import type { EntityKind } from '../layout/types.js';
import type { Pipeline } from '../pipeline/types.js';
import type { StreamRecord } from '../stream/types.js';
import type { RecordShape, TrafficShape } from './types.js';

const EVENTBRIDGE_CHUNK_BYTES = 64 * 1024;
const KINESIS_BILLING_KB = 1024;
const KINESIS_PAYLOAD_UNIT_BYTES = 25 * 1024;

/** The per-record fields of a {@link RecordShape}, summed over a sample. */
type Sums = Omit<RecordShape, 'records' | 'archiveBytes'>;

/** Running sums over a sample: the shape's fields as totals, plus the archive lines to gzip. */
interface Totals extends Sums {
  records: number;
  archiveLines: string[];
}

const SUM_FIELDS: readonly (keyof Sums)[] = [
  'eventBridgeEvents',
  'eventBridgeChunks',
  'kinesisRecords',
  'kinesisKb',
  'kinesisPayloadUnits',
  'kinesisBytes',
  'vectorUpserts',
  'embedChars',
  'itemEmbeddings',
  'rawRecordBytes',
];

function emptyTotals(): Totals {
  const totals = { records: 0, archiveLines: [] as string[] } as Totals;
  for (const field of SUM_FIELDS) totals[field] = 0;
  return totals;
}

function shapeOf(t: Totals): RecordShape {
  const n = Math.max(t.records, 1);
  // Archive objects are gzip: measure the compressed size of the sample's lines together.
  const archiveBytes =
    t.archiveLines.length === 0 ? 0 : gzipSync(`${t.archiveLines.join('\n')}\n`).byteLength / n;
  const shape = { records: t.records, archiveBytes } as RecordShape;
  for (const field of SUM_FIELDS) shape[field] = t[field] / n;
  return shape;
}

/**
 * Runs `records` through `pipeline` and returns per-record averages by entity, with TTL expiries
 * apart. Records that fail to decode are counted in `failed` and left out of the averages.
 */
export function measureTrafficShape(
  pipeline: Pipeline,
  records: Iterable<StreamRecord>,
): TrafficShape & { failed: number } {
  const byEntity = new Map<EntityKind, Totals>();
  const expiries = emptyTotals();
  let failed = 0;
  for (const record of records) {
    let processed: ReturnType<Pipeline['process']>;
    try {
      processed = pipeline.process(record);
    } catch {
      failed++;
      continue;
    }
    const entity = processed.classification.entity;
    let totals = expiries;
    if (!processed.change.expired) {
      totals = byEntity.get(entity) ?? emptyTotals();
      byEntity.set(entity, totals);
    }
    totals.records++;
    totals.rawRecordBytes += Buffer.byteLength(JSON.stringify(record.dynamodb ?? {}), 'utf8');
    for (const output of processed.outputs) {
      switch (output.sink) {
        case 'eventbridge': {
          const bytes = Buffer.byteLength(JSON.stringify(output.payload), 'utf8');
          totals.eventBridgeEvents++;
          totals.eventBridgeChunks += Math.max(1, Math.ceil(bytes / EVENTBRIDGE_CHUNK_BYTES));
          break;
        }
        case 'kinesis': {
          const bytes =
            Buffer.byteLength(JSON.stringify(output.payload.Data), 'utf8') +
            Buffer.byteLength(output.payload.PartitionKey, 'utf8');
          totals.kinesisRecords++;
          totals.kinesisBytes += bytes;
          totals.kinesisKb += Math.max(1, Math.ceil(bytes / KINESIS_BILLING_KB));
          totals.kinesisPayloadUnits += Math.max(1, Math.ceil(bytes / KINESIS_PAYLOAD_UNIT_BYTES));
          break;
        }
        case 'vector':
          if (output.payload.action === 'upsert') {
            totals.vectorUpserts++;
            if (output.payload.embedding) totals.itemEmbeddings++;
            else totals.embedChars += output.payload.text?.length ?? 0;
          }
          break;
        case 'archive':
          totals.archiveLines.push(JSON.stringify(output.payload));
          break;
      }
    }
  }
  const changes: Partial<Record<EntityKind, RecordShape>> = {};
  for (const [entity, totals] of byEntity) changes[entity] = shapeOf(totals);
  return { changes, expiries: shapeOf(expiries), failed };
}
