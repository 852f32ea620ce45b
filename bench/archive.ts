/**
 * The TTL archive: S3 PUTs for one Lambda batch of 10,000 expiries (the largest batch an event
 * source mapping delivers) next to the bound, one PUT per expired item (one object per item keeps
 * the archive exactly-once under any retry); and the bytes each archived item costs after gzip.
 *
 * The expiries are the items of the fixture generator's realistic mix (~1 KB each), deleted by TTL
 * over two hours. The PUTs are counted on the wire: the real S3 client writes to s3rver through the
 * test fault proxy, used here without faults as a request counter.
 */
import { encodeArchiveLine } from '../lib/archive/archiveLine.js';
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import { buildStreamRecord } from '../lib/fixtures/streamRecordBuilder.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../lib/pipeline/createPipeline.js';
import type { ArchiveOutput } from '../lib/routing/types.js';
import { S3ArchiveSink } from '../lib/sinks/archive/S3ArchiveSink.js';
import type { AttributeMap } from '../lib/stream/types.js';
import { startFaultProxy } from '../test/support/faultProxy.js';
import { startS3rver } from '../test/support/s3rver.js';
import { type BenchResult, medianMs } from './measure.js';

const EXPIRIES = 10_000;
const SWEEP_SECONDS = 2 * 3600;
const START = 1_795_860_000; // 2026-11-28T10:00:00Z, on an hour boundary

/** Replaces text attributes with random base64 of the same length: text gzip cannot shrink. */
function withRandomText(item: AttributeMap, random: () => number): AttributeMap {
  const out = { ...item };
  for (const name of ['text', 'input', 'title']) {
    const value = out[name];
    if (value && 'S' in value) {
      const bytes = Buffer.alloc(Math.ceil((value.S.length * 3) / 4));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      out[name] = { S: bytes.toString('base64').slice(0, value.S.length) };
    }
  }
  return out;
}

/** A small seeded generator (mulberry32), so the bench repeats. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 10,000 TTL expiries of realistic items, spread evenly over the sweep, as Lambda delivers them.
 * `randomText` swaps the generator's text (a 15-word vocabulary, which gzip loves) for random text:
 * the worst case for compression.
 */
function expiryOutputs(randomText = false): ArchiveOutput[] {
  const random = seeded(7);
  const items: AttributeMap[] = [];
  // Inserts carry whole items of the generator's mix; draw until there are enough.
  for (let seed = 1; items.length < EXPIRIES; seed++) {
    for (const record of generateFixtures({ count: EXPIRIES, seed })) {
      if (record.eventName === 'INSERT' && record.dynamodb?.NewImage) items.push(record.dynamodb.NewImage);
      if (items.length === EXPIRIES) break;
    }
  }
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  return items.flatMap((item, i) => {
    const record = buildStreamRecord(
      { table: 'agent-memory' },
      {
        eventName: 'REMOVE',
        keyAttributes: ['pk', 'sk'],
        oldItem: randomText ? withRandomText(item, random) : item,
        typed: true,
        ttl: true,
        sequence: i + 1,
        epochSeconds: START + Math.floor((i * SWEEP_SECONDS) / EXPIRIES),
      },
    );
    return pipeline.process(record).outputs.filter((o): o is ArchiveOutput => o.sink === 'archive');
  });
}

/** Writes the outputs with the S3 sink; returns PUTs on the wire, gzip bytes and seconds taken. */
async function archive(
  outputs: ArchiveOutput[],
): Promise<{ puts: number; gzipBytes: number; seconds: number }> {
  const s3 = await startS3rver({ buckets: ['bench-archive'] });
  const proxy = await startFaultProxy({ target: s3.endpoint });
  try {
    const sink = new S3ArchiveSink({
      client: s3.client({ endpoint: proxy.url, maxAttempts: 1 }),
      bucket: 'bench-archive',
      keepWritten: true,
    });
    const started = process.hrtime.bigint();
    const report = await sink.deliver(outputs);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const accepted = report.outcomes.filter((o) => o.status === 'accepted').length;
    if (accepted !== outputs.length)
      throw new Error(`archive bench: only ${accepted} of ${outputs.length} accepted`);
    return {
      puts: proxy.log.filter((entry) => entry.method === 'PUT').length,
      gzipBytes: sink.totals.bytes,
      seconds,
    };
  } finally {
    await proxy.close();
    await s3.close();
  }
}

export async function benchArchive(): Promise<BenchResult[]> {
  const outputs = expiryOutputs();
  const { puts, gzipBytes, seconds } = await archive(outputs);
  const worst = await archive(expiryOutputs(true));
  const lineBytes = outputs.reduce((sum, o) => sum + Buffer.byteLength(encodeArchiveLine(o.payload)) + 1, 0);
  // Line format 2 JSON-encodes the images inside the line (what Athena's Hive JSON SerDe needs);
  // baseline: the entry stringified as it is, what one would write by hand (and not readable by Athena).
  const entries = outputs.map((o) => o.payload);
  const encodeLines = () => {
    for (const entry of entries) encodeArchiveLine(entry);
  };
  const stringifyEntries = () => {
    for (const entry of entries) JSON.stringify(entry);
  };
  const ratios: number[] = [];
  for (let round = 0; round < 5; round++)
    ratios.push(medianMs(encodeLines, 5, 2) / medianMs(stringifyEntries, 5, 2));
  ratios.sort((a, b) => a - b);
  const perItem = (bytes: number) => Math.round(bytes / outputs.length);
  return [
    { name: 'archive: S3 PUTs per 10,000 expiries', value: puts, unit: 'PUTs' },
    {
      name: 'archive: expired items in the batch (target: PUTs = this, one object per item)',
      value: outputs.length,
      unit: 'items',
    },
    {
      name: 'archive: bytes per archived item, JSON line before gzip',
      value: perItem(lineBytes),
      unit: 'bytes/item',
    },
    { name: 'archive: bytes per archived item after gzip', value: perItem(gzipBytes), unit: 'bytes/item' },
    {
      name: `archive: line encode time / JSON.stringify of the entry (median of 5 rounds; spread ${ratios[0]!.toFixed(2)}-${ratios[4]!.toFixed(2)})`,
      value: Number(ratios[2]!.toFixed(2)),
      unit: 'x',
    },
    {
      name: 'archive: bytes per archived item after gzip, random text',
      value: perItem(worst.gzipBytes),
      unit: 'bytes/item',
    },
    {
      name: 'archive: 10,000 expiries to s3rver (encode, gzip, PUT)',
      value: Math.round(outputs.length / seconds),
      unit: 'items/s',
    },
  ];
}
