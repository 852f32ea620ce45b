/**
 * A simulation of the router on one shard: the real router handler (pipeline, batch loop,
 * publishers) with EventBridge and Kinesis clients that answer after a fixed latency on a virtual
 * clock (vitest fake timers). It counts what the handler sends and how long a batch holds the
 * shard, with CPU added at a fixed cost per record (the figure `npm run bench` measures), so the
 * capacity plan in infra/README.md follows from the code, deterministically, on any machine.
 */
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { vi } from 'vitest';
import { readChangesFromData } from '../../lib/changeLog/readChanges.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createRouterHandler } from '../../lib/delivery/createRouterHandler.js';
import type { StreamRecord } from '../../lib/stream/types.js';

/** What one simulated batch did. */
export interface SimulatedBatch {
  records: number;
  /** Virtual time the sinks held the batch (ms). */
  sinkMs: number;
  /** sinkMs plus CPU at the given cost per record (ms). */
  batchMs: number;
  putEventsCalls: number;
  putEventsEntries: number;
  putRecordsCalls: number;
  /** Kinesis records sent (each carries one or more changes of its partition key). */
  putRecordsEntries: number;
  /** Changes those records carried. */
  putRecordsChanges: number;
  /** Bytes of change-log data and partition keys sent. */
  putRecordsBytes: number;
  failures: number;
}

/** Options of {@link simulateRouterBatch}. */
export interface SimulationOptions {
  /** Latency of every PutEvents and PutRecords call (virtual ms). */
  latencyMs: number;
  /** CPU per record (ms), added to the sink time. */
  cpuMsPerRecord: number;
}

const ENV = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  EVENT_BUS_NAME: 'memory-events',
  CHANGE_LOG_STREAM_NAME: 'memory-changes',
  CLAIM_CHECK_BUCKET: 'claim-checks',
  DEAD_LETTER_BUCKET: 'dead-letters',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/**
 * Runs one batch through the real router handler against simulated services. Call with fake
 * timers installed (`vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })`).
 */
export async function simulateRouterBatch(
  records: readonly StreamRecord[],
  options: SimulationOptions,
): Promise<SimulatedBatch> {
  const counts = {
    putEventsCalls: 0,
    putEventsEntries: 0,
    putRecordsCalls: 0,
    putRecordsEntries: 0,
    putRecordsChanges: 0,
    putRecordsBytes: 0,
  };
  const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const eventBridge = {
    async send(command: PutEventsCommand) {
      const entries = command.input.Entries ?? [];
      counts.putEventsCalls++;
      counts.putEventsEntries += entries.length;
      await after(options.latencyMs);
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e-${i}` })) };
    },
    destroy() {},
  } as unknown as EventBridgeClient;
  const kinesis = {
    async send(command: PutRecordsCommand) {
      const entries = command.input.Records ?? [];
      counts.putRecordsCalls++;
      counts.putRecordsEntries += entries.length;
      for (const entry of entries) {
        counts.putRecordsBytes += (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');
        counts.putRecordsChanges += readChangesFromData(entry.Data ?? new Uint8Array()).length;
      }
      await after(options.latencyMs);
      return {
        FailedRecordCount: 0,
        Records: entries.map((_, i) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' })),
      };
    },
    destroy() {},
  } as unknown as KinesisClient;
  const s3 = {
    async send() {
      throw new Error('the simulation sends nothing to S3 (no claim checks, no dead letters)');
    },
    destroy() {},
  } as unknown as S3Client;
  Object.assign(process.env, ENV);
  const handler = createRouterHandler(loadRouterConfig(ENV), {
    clients: { eventBridge, kinesis, s3 },
    logger: pino({ level: 'silent' }),
  });
  const started = Date.now();
  let settled = false;
  const response = handler({ Records: [...records] }).finally(() => {
    settled = true;
  });
  while (!settled) await vi.advanceTimersToNextTimerAsync();
  const { batchItemFailures } = await response;
  const sinkMs = Date.now() - started;
  return {
    records: records.length,
    sinkMs,
    batchMs: sinkMs + records.length * options.cpuMsPerRecord,
    ...counts,
    failures: batchItemFailures.length,
  };
}
