/**
 * A corpus for pinning what the pipeline emits byte for byte: every generated entity and op (TTL
 * expiries included), the committed agent-memory fixtures, restore-marker inserts, every semantic
 * event, and items with odd attribute names and values. `corpusText` spells out each record's
 * outputs the way the router sends them (the serialized detail, the partition key, the archive and
 * vector payloads), one line each.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeDetail } from '../../lib/delivery/serializeDetail.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable } from '../fixtures/tables.js';

const FIXTURES = join(import.meta.dirname, '../../events/agent-memory');

function committedFixtures(): StreamRecord[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap(
      (name) =>
        (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { Records: StreamRecord[] }).Records,
    );
}

function withNewImage(record: StreamRecord, json: string): StreamRecord {
  record.dynamodb!.NewImage = JSON.parse(json) as NonNullable<StreamRecord['dynamodb']>['NewImage'];
  return record;
}

/** Restores, semantic events and odd attributes, written through a simulated table. */
function craftedRecords(): StreamRecord[] {
  const sim = agentMemoryTable();
  const records: StreamRecord[] = [];
  const run = { pk: 'USER#u-1', sk: 'RUN#r-1' };
  const step = { pk: 'USER#u-1', sk: 'RUN#r-1#STEP#2' };
  const ledger = { pk: 'USER#u-1', sk: 'LEDGER#r-1#TOOL#t-1' };
  records.push(
    sim.put({ pk: 'USER#u-1', sk: 'CONV#c-1', status: 'open', conversation_id: 'c-1' }),
    sim.put({ pk: 'USER#u-1', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z', seq: 1, role: 'user', text: 'hi' }),
    sim.put({ ...run, status: 'running', conversation_id: 'c-1' }),
    sim.update(run, { status: 'completed' }),
    sim.put({ ...step, status: 'running' }),
    sim.update(step, { status: 'failed' }),
    sim.put({ ...ledger, status: 'pending' }),
    sim.update(ledger, { status: 'succeeded' }),
    sim.update(run, { updated_at: '2026-11-22T10:05:00.000Z' }),
    sim.put({ pk: 'RATELIMIT#k', sk: 'WINDOW#1795860000', count: 1 }),
    sim.put({ ...run, sk: 'RUN#r-2', status: 'completed', memory_cdc_restored_at: '2026-12-07T10:00:00Z' }),
    sim.put({
      pk: 'USER#u-1',
      sk: 'CONV#c-2#TS#2026-11-22T10:00:01.000Z',
      seq: 1,
      text: 'restored',
      memory_cdc_restored_at: '2026-12-07T10:00:00Z',
    }),
    sim.put({
      pk: 'USER#u-"q"\\',
      sk: 'MEM#m\u2028-\u00e9-\ud83d\ude00',
      entity_type: 'fact',
      constructor: 'ctor',
      '': 'empty name',
      'a"b\\c\n\t': 'odd name',
      '\u0000\u001f\u007f': '\u0000\u001f\u007f\u2029',
      text: 'lone \ud800 surrogate',
      big: 12345678901234567890123456789012345678n,
      fraction: 0.1,
      negative: -0,
      nested: { '0': [1, '2', { x: null }], '10': true, b: false },
      set: new Set(['b', 'a']),
      bytes: new Uint8Array([0, 1, 254, 255]),
      memory_id: 'm-1',
    }),
    withNewImage(
      sim.put({ pk: 'USER#u-1', sk: 'MEM#m-2', text: 't' }),
      // Parsed, so `__proto__` is an own attribute (as Lambda's event parser makes it).
      '{"pk":{"S":"USER#u-1"},"sk":{"S":"MEM#m-2"},"__proto__":{"S":"p"},"constructor":{"M":{"__proto__":{"N":"1"}}},"text":{"S":"t"}}',
    ),
    sim.expire({ pk: 'USER#u-1', sk: 'CONV#c-1' }),
    sim.delete({ pk: 'USER#u-1', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' }),
  );
  return records;
}

/** Every corpus record. */
export function corpusRecords(): StreamRecord[] {
  return [
    ...generateFixtures({ count: 400, itemSize: 300, seed: 7, embeddingDimensions: 3 }),
    ...generateFixtures({ count: 100, itemSize: 2048, seed: 8 }),
    ...committedFixtures(),
    ...craftedRecords(),
  ];
}

/** The corpus' outputs, one line each, as the router and the other sinks receive them. */
export function corpusText(): string {
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  const lines: string[] = [];
  for (const record of corpusRecords()) {
    for (const output of pipeline.process(record).outputs) {
      if (output.sink === 'eventbridge') {
        const { Detail, ...entry } = output.payload;
        lines.push(`eventbridge ${JSON.stringify(entry)} ${serializeDetail(Detail).json}`);
      } else if (output.sink === 'kinesis') {
        lines.push(`kinesis ${output.payload.PartitionKey} ${serializeDetail(output.payload.Data).json}`);
      } else {
        lines.push(`${output.sink} ${JSON.stringify(output.payload)}`);
      }
    }
  }
  return lines.join('\n');
}

/** SHA-256 of {@link corpusText}. */
export function corpusDigest(): string {
  return createHash('sha256').update(corpusText()).digest('hex');
}
