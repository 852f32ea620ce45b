/**
 * Issue #14 "Done when": random malformed records — wrong types at every field of a stream record,
 * nulls, truncation — thrown into replay and into the router Lambda's batch loop. No run ends
 * early; every record is replayed (delivered) or reported (dead-lettered) with file, index and
 * eventID; the counts add up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processArchiveBatch } from '../../lib/archive/processArchiveBatch.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { deadLetterKey } from '../../lib/delivery/deadLetterKey.js';
import { S3DeadLetterStore } from '../../lib/delivery/S3DeadLetterStore.js';
import type { DeadLetter } from '../../lib/delivery/types.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { replay } from '../../lib/replay/replay.js';
import { resolveRouting } from '../../lib/routing/defaultRouting.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

const SEED = 1414;
const FILES = 12;
const RECORDS_PER_FILE = 40;

/** Values of the wrong type for any field. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.constantFrom(1e13, -1, Number.MAX_SAFE_INTEGER, 0.5),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom({ S: 1 }, { N: 'x' }, { BOOL: 'no' }, { NULL: false }, { B: '!!' }, { S: 'a', N: '1' }),
);

/** The paths of a stream record a mutation can hit, down to attribute values. */
function pathsOf(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (value !== null && typeof value === 'object' && prefix.length < 6) {
    for (const key of Object.keys(value))
      pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  }
  return out;
}

function setAt(record: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  let node = record as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return record;
}

/** A good record broken at one random place (or left alone, about one time in four). */
function mutated(base: StreamRecord, pick: number, value: unknown, keep: boolean): unknown {
  const record = structuredClone(base);
  if (keep) return record;
  const paths = pathsOf(record);
  return setAt(record, paths[pick % paths.length]!, value);
}

const mutation = fc.record({ pick: fc.nat(), value: wrongValue, keep: fc.nat(3).map((n) => n === 0) });

function fuzzedRecords(count: number, seed: number): unknown[] {
  const bases = generateFixtures({ count, itemSize: 128, seed });
  const plans = fc.sample(mutation, { seed, numRuns: count });
  return bases.map((base, i) => mutated(base, plans[i]!.pick, plans[i]!.value, plans[i]!.keep));
}

describe('fuzzed records into replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays or reports every record with file, index and eventID, and the counts add up', async () => {
    const files: string[] = [];
    let written = 0;
    let truncated = 0;
    for (let f = 0; f < FILES; f++) {
      const records = fuzzedRecords(RECORDS_PER_FILE, SEED + f);
      let text = JSON.stringify({ Records: records });
      const file = join(dir, `fuzz-${String(f).padStart(2, '0')}.json`);
      if (f % 4 === 3) {
        // Truncated part-way: the records before the cut still count.
        text = text.slice(0, Math.floor(text.length * 0.6));
        truncated++;
      } else {
        written += records.length;
      }
      writeFileSync(file, text);
      files.push(file);
    }
    const summary = await replay({ files, layout: agentMemoryLayout, cwd: dir });

    expect(summary.files).toHaveLength(FILES);
    expect(summary.filesFailed).toBe(truncated);
    expect(summary.replayed + summary.failed).toBe(summary.records);
    const complete = summary.files.filter((f) => !f.error);
    expect(complete.reduce((n, f) => n + f.records, 0)).toBe(written);
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.replayed).toBeGreaterThan(0);
    const recordErrors = summary.errors.filter((e) => e.index !== undefined);
    expect(recordErrors).toHaveLength(summary.failed);
    for (const error of recordErrors) {
      expect(error.file).toMatch(/^fuzz-\d\d\.json$/);
      expect(error.message.length).toBeGreaterThan(0);
    }
    // An error names the eventID whenever the record still had a usable one.
    expect(recordErrors.some((e) => e.eventId)).toBe(true);
  });
});

describe("fuzzed records into the router Lambda's batch loop", () => {
  let bus: EventBridgeEndpoint;
  let kinesis: KinesaliteHandle;
  let s3: S3rverHandle;
  const env = {
    MEMORY_CDC_LAYOUT: 'agent-memory',
    EVENT_BUS_NAME: 'memory-events',
    CHANGE_LOG_STREAM_NAME: 'fuzz-changes',
    CLAIM_CHECK_BUCKET: 'fuzz-claim-checks',
    DEAD_LETTER_BUCKET: 'fuzz-dead-letters',
    LOG_LEVEL: 'silent',
  };

  beforeAll(async () => {
    bus = await startEventBridgeEndpoint({});
    kinesis = await startKinesalite();
    await kinesis.createStream(env.CHANGE_LOG_STREAM_NAME, 1);
    s3 = await startS3rver({ buckets: [env.CLAIM_CHECK_BUCKET, env.DEAD_LETTER_BUCKET] });
  });
  afterAll(async () => {
    await bus?.close();
    await kinesis?.close();
    await s3?.close();
  });

  it(
    'acknowledges every batch: each record delivered or dead-lettered with its index and eventID',
    async () => {
      Object.assign(process.env, env, { POWERTOOLS_METRICS_DISABLED: 'true' });
      const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
      const handler = createRouterHandler(loadRouterConfig(process.env), {
        clients: {
          eventBridge: bus.client({ maxAttempts: 1 }),
          kinesis: kinesis.client({ maxAttempts: 1 }),
          s3: s3.client({ maxAttempts: 1 }),
        },
        retry: { baseDelayMs: 2, throttlingBaseDelayMs: 5, maxDelayMs: 20 },
        logger: pino({ level: 'silent' }),
        metrics: new Metrics({ namespace: 'MemoryCdcTest', serviceName: 'router' }),
      });
      // The oracle: which records the same pure pipeline cannot process, and what the others owe.
      const routing = resolveRouting();
      const pipeline = createPipeline({
        layout: agentMemoryLayout,
        routing: {
          ...routing,
          archive: { ...routing.archive, enabled: false },
          vector: { ...routing.vector, enabled: false },
        },
      });

      const records = fuzzedRecords(300, SEED) as StreamRecord[];
      const poisonKeys = new Set<string>();
      let owedEvents = 0;
      for (const record of records) {
        try {
          owedEvents += pipeline.process(record).outputs.filter((o) => o.sink === 'eventbridge').length;
        } catch {
          poisonKeys.add(deadLetterKey('router', record));
        }
      }
      expect(poisonKeys.size).toBeGreaterThan(0);

      for (let start = 0; start < records.length; start += 50) {
        const batch = records.slice(start, start + 50);
        const response = await handler({ Records: batch });
        expect(response.batchItemFailures).toEqual([]);
      }

      expect(new Set(bus.accepted.map((e) => String(e.detail.eventId))).size).toBe(owedEvents);
      const client = s3.client({});
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: env.DEAD_LETTER_BUCKET, Prefix: 'dead-letter/router/' }),
      );
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      expect(new Set(keys)).toEqual(poisonKeys);
      for (const key of keys.slice(0, 20)) {
        const object = await client.send(new GetObjectCommand({ Bucket: env.DEAD_LETTER_BUCKET, Key: key }));
        const letter = JSON.parse(await object.Body!.transformToString()) as DeadLetter;
        expect(letter.index).toBeGreaterThanOrEqual(0);
        expect(letter.index).toBeLessThan(50);
        expect(letter.reason.length).toBeGreaterThan(0);
        if (typeof (letter.record as { eventID?: unknown } | null)?.eventID === 'string') {
          expect(letter.recordId).toBe(letter.record.eventID);
        }
      }
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('lets the archiver Lambda acknowledge every fuzzed batch: expiries archived, the rest ignored or dead-lettered', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'memory-cdc-fuzz-archive-'));
    try {
      const records = [null, 'text', 7, ...fuzzedRecords(200, SEED + 99)] as StreamRecord[];
      const result = await processArchiveBatch(
        { Records: records },
        {
          pipeline: createPipeline({ layout: agentMemoryLayout }),
          sink: new LocalArchiveSink({ folder }),
          deadLetters: new S3DeadLetterStore({
            client: s3.client({}),
            bucket: env.DEAD_LETTER_BUCKET,
            prefix: 'archiver-fuzz/',
          }),
          logger: pino({ level: 'silent' }),
        },
      );
      expect(result.response.batchItemFailures).toEqual([]);
      expect(result.summary.delivered + result.summary.deadLettered).toBe(records.length);
      expect(result.ignored).toBeGreaterThanOrEqual(3);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
