import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ProcessStreamBatchOptions, processStreamBatch } from '../../lib/delivery/processStreamBatch.js';
import { S3DeadLetterStore } from '../../lib/delivery/S3DeadLetterStore.js';
import { DecodeError, DeliveryError } from '../../lib/errors.js';
import type { RoutedOutput, SinkName } from '../../lib/routing/types.js';
import type { DeliverOptions, DeliveryOutcome, DeliveryReport, Sink } from '../../lib/sinks/types.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { eventBridgeOutput, FAST_RETRY, kinesisOutput } from './outputs.js';

/** A sink whose answer per output is scripted by event id (accepted unless told otherwise). */
class ScriptedSink implements Sink {
  readonly received: RoutedOutput[] = [];
  constructor(
    readonly name: SinkName,
    private readonly script: (
      output: RoutedOutput,
      signal?: AbortSignal,
    ) => DeliveryOutcome | Promise<DeliveryOutcome> = () => ({
      status: 'accepted',
    }),
  ) {}
  async deliver(outputs: readonly RoutedOutput[], options: DeliverOptions = {}): Promise<DeliveryReport> {
    this.received.push(...outputs);
    const outcomes: DeliveryOutcome[] = [];
    for (const output of outputs) outcomes.push(await this.script(output, options.signal));
    return { outcomes };
  }
}

/** A stream record numbered `n` (only what the processor reads). */
function record(n: number): StreamRecord {
  return {
    eventID: `rec-${n}`,
    eventName: 'INSERT',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/memory/stream/2026-11-01T00:00:00.000',
    dynamodb: {
      SequenceNumber: String(1000 + n),
      ApproximateCreationDateTime: 1_793_491_200 + n,
      Keys: { pk: { S: `k${n}` } },
    },
  };
}

/** Record n owes one EventBridge and one Kinesis output. */
function owedOutputs(r: StreamRecord): RoutedOutput[] {
  const n = Number(r.eventID!.slice(4));
  return [eventBridgeOutput(n), kinesisOutput(n)];
}

let s3: S3rverHandle;
let proxy: FaultProxy;

beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['dead-letters'] });
  proxy = await startFaultProxy({ target: s3.endpoint });
});
afterAll(async () => {
  await proxy.close();
  await s3.close();
});
beforeEach(() => proxy.clearRules());

function options(overrides: Partial<ProcessStreamBatchOptions> = {}): ProcessStreamBatchOptions {
  return {
    functionName: 'router',
    outputsFor: owedOutputs,
    sinks: [new ScriptedSink('eventbridge'), new ScriptedSink('kinesis')],
    deadLetters: new S3DeadLetterStore({
      client: s3.client({ endpoint: proxy.url, maxAttempts: 1 }),
      bucket: 'dead-letters',
    }),
    retry: FAST_RETRY,
    ...overrides,
  };
}

async function readDeadLetter(key: string) {
  const object = await s3
    .client()
    .send(new GetObjectCommand({ Bucket: 'dead-letters', Key: key.replace('s3://dead-letters/', '') }));
  return JSON.parse(await object.Body!.transformToString());
}

const batch = (count: number) => ({ Records: Array.from({ length: count }, (_, n) => record(n)) });

describe('processStreamBatch', () => {
  it('acknowledges the whole batch when every output was accepted', async () => {
    const result = await processStreamBatch(batch(5), options());

    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.summary).toMatchObject({ records: 5, delivered: 5, reported: 0, deadLettered: 0 });
    expect(result.summary.sinks.kinesis).toMatchObject({ outputs: 5, accepted: 5 });
  });

  it('reports the first record not fully delivered and every later one', async () => {
    const kinesis = new ScriptedSink('kinesis', (o) =>
      o.record === 'rec-2'
        ? { status: 'retryable', reason: 'ProvisionedThroughputExceededException' }
        : { status: 'accepted' },
    );
    const result = await processStreamBatch(
      batch(5),
      options({ sinks: [new ScriptedSink('eventbridge'), kinesis] }),
    );

    expect(result.response.batchItemFailures).toEqual([
      { itemIdentifier: '1002' },
      { itemIdentifier: '1003' },
      { itemIdentifier: '1004' },
    ]);
    expect(result.fates.map((f) => f.status)).toEqual([
      'delivered',
      'delivered',
      'failed',
      'retried-after-failure',
      'retried-after-failure',
    ]);
    expect(result.summary.firstFailure).toEqual({
      sequenceNumber: '1002',
      reasons: ['kinesis: ProvisionedThroughputExceededException'],
    });
  });

  it('dead-letters a record whose outputs cannot be built, with the reason, and moves on', async () => {
    const outputsFor = (r: StreamRecord) => {
      if (r.eventID === 'rec-1') throw new DecodeError('NewImage has an unknown attribute type', r.eventID);
      return owedOutputs(r);
    };
    const result = await processStreamBatch(batch(3), options({ outputsFor }));

    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.summary).toMatchObject({ delivered: 2, deadLettered: 1 });
    const key = result.fates[1]!.deadLetterKey!;
    expect(key).toBe('s3://dead-letters/dead-letter/router/2026-11-01/1001-rec-1.json');
    const letter = await readDeadLetter(key);
    expect(letter).toMatchObject({
      version: '1',
      function: 'router',
      reason: expect.stringContaining('unknown attribute type'),
      failures: [{ stage: 'prepare' }],
      record: record(1),
    });
  });

  it('dead-letters a record a sink rejected as invalid once its other outputs were accepted', async () => {
    const eventbridge = new ScriptedSink('eventbridge', (o) =>
      o.record === 'rec-0'
        ? { status: 'rejected', reason: 'MalformedDetail: Detail is malformed.' }
        : { status: 'accepted' },
    );
    const kinesis = new ScriptedSink('kinesis');
    const result = await processStreamBatch(batch(2), options({ sinks: [eventbridge, kinesis] }));

    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.fates[0]!.status).toBe('dead-lettered');
    expect(kinesis.received.map((o) => o.record)).toEqual(['rec-0', 'rec-1']);
    const letter = await readDeadLetter(result.fates[0]!.deadLetterKey!);
    expect(letter.failures).toEqual([
      {
        stage: 'deliver',
        sink: 'eventbridge',
        eventId: eventBridgeOutput(0).eventId,
        reason: 'MalformedDetail: Detail is malformed.',
      },
    ]);
  });

  it('retries a rejected record that also has a retryable output instead of dead-lettering it', async () => {
    const eventbridge = new ScriptedSink('eventbridge', (o) =>
      o.record === 'rec-1' ? { status: 'rejected', reason: 'InvalidArgument' } : { status: 'accepted' },
    );
    const kinesis = new ScriptedSink('kinesis', (o) =>
      o.record === 'rec-1' ? { status: 'retryable', reason: 'InternalFailure' } : { status: 'accepted' },
    );
    const result = await processStreamBatch(batch(3), options({ sinks: [eventbridge, kinesis] }));

    expect(result.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1001', '1002']);
    expect(result.summary.deadLettered).toBe(0);
  });

  it('reports a poison record whose dead letter cannot be written, so it is not lost', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: faults.s3SlowDown() });
    const outputsFor = (r: StreamRecord) => {
      if (r.eventID === 'rec-1') throw new DecodeError('bad image', r.eventID);
      return owedOutputs(r);
    };
    const result = await processStreamBatch(batch(3), options({ outputsFor }));

    expect(result.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1001', '1002']);
    expect(result.fates[1]!.failures.at(-1)?.reason).toContain('dead letter not written: SlowDown');
  });

  it('stops before the deadline and reports what was not finished', async () => {
    // The Kinesis sink accepts the first two records at once; the rest wait until the deadline.
    const kinesis = new ScriptedSink('kinesis', async (o, signal) => {
      if (o.record === 'rec-0' || o.record === 'rec-1') return { status: 'accepted' };
      if (!signal?.aborted)
        await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      return { status: 'retryable', reason: 'deadline reached before sending' };
    });
    const started = Date.now();
    const result = await processStreamBatch(
      batch(4),
      options({
        sinks: [new ScriptedSink('eventbridge'), kinesis],
        remainingTimeMs: () => 400 - (Date.now() - started),
      }),
    );

    expect(result.summary.deadlineReached).toBe(true);
    expect(result.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1002', '1003']);
  });

  it('fails the whole batch when the record to report has no sequence number', async () => {
    const broken = { Records: [{ eventID: 'rec-0', dynamodb: {} }] };
    const sinks = [
      new ScriptedSink('eventbridge', () => ({ status: 'retryable', reason: 'x' })),
      new ScriptedSink('kinesis'),
    ];

    await expect(processStreamBatch(broken, options({ sinks }))).rejects.toBeInstanceOf(DeliveryError);
  });

  it('refuses outputs for a sink it was not given', async () => {
    await expect(
      processStreamBatch(batch(1), options({ sinks: [new ScriptedSink('eventbridge')] })),
    ).rejects.toThrow(/no such sink/);
  });

  it('hands a sink what its prepare made of each output, in order, and does without when prepare throws', async () => {
    class PreparingSink extends ScriptedSink {
      readonly given: (readonly unknown[] | undefined)[] = [];
      constructor(
        name: SinkName,
        private readonly fail: boolean,
      ) {
        super(name);
      }
      prepare(output: RoutedOutput): string {
        if (this.fail && output.eventId.endsWith('2')) throw new Error('prepare broke');
        return `prepared ${output.eventId}`;
      }
      override async deliver(outputs: readonly RoutedOutput[], options: DeliverOptions = {}) {
        this.given.push(options.prepared);
        return super.deliver(outputs, options);
      }
    }
    const eventBridge = new PreparingSink('eventbridge', false);
    const kinesis = new PreparingSink('kinesis', true);
    const result = await processStreamBatch(batch(4), options({ sinks: [eventBridge, kinesis] }));

    expect(result.response.batchItemFailures).toEqual([]);
    expect(eventBridge.given).toEqual([eventBridge.received.map((o) => `prepared ${o.eventId}`)]);
    expect(kinesis.given).toEqual([undefined]);
    expect(kinesis.received).toHaveLength(4);
  });

  it('leaves poison after the first retryable failure for the retry, writing no dead letter for it yet', async () => {
    // rec-1 fails retryably; rec-3 is poison. Lambda resumes at rec-1, so rec-3 comes back and is
    // dead-lettered then, once: writing its letter now would write it twice (or for a record that,
    // after an operator's fix, is no longer poison).
    const kinesis = new ScriptedSink('kinesis', (o) =>
      o.record === 'rec-1' ? { status: 'retryable', reason: 'InternalFailure' } : { status: 'accepted' },
    );
    const outputsFor = (r: StreamRecord) => {
      if (r.eventID === 'rec-3') throw new DecodeError('bad image', r.eventID);
      return owedOutputs(r);
    };
    const puts = () => proxy.log.filter((e) => e.method === 'PUT').length;
    const putsBefore = puts();
    const result = await processStreamBatch(
      batch(5),
      options({ outputsFor, sinks: [new ScriptedSink('eventbridge'), kinesis] }),
    );

    expect(result.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      '1001',
      '1002',
      '1003',
      '1004',
    ]);
    expect(result.summary.deadLettered).toBe(0);
    expect(result.fates[3]).toMatchObject({ status: 'retried-after-failure' });
    expect(result.fates[3]!.deadLetterKey).toBeUndefined();
    expect(puts()).toBe(putsBefore);
  });

  it('writes nothing to the dead-letter bucket for a clean batch', async () => {
    const before = await s3.client().send(new ListObjectsV2Command({ Bucket: 'dead-letters' }));
    await processStreamBatch(batch(3), options());
    const after = await s3.client().send(new ListObjectsV2Command({ Bucket: 'dead-letters' }));

    expect(after.KeyCount).toBe(before.KeyCount);
  });
});
