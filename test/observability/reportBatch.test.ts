import { Writable } from 'node:stream';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportBatch } from '../../lib/observability/reportBatch.js';
import type { BatchSummary } from '../../lib/observability/types.js';

const summary: BatchSummary = {
  function: 'router',
  records: 3,
  delivered: 1,
  deadLettered: 1,
  reported: 1,
  firstFailure: { sequenceNumber: '1002', reasons: ['kinesis: InternalFailure'] },
  deadlineReached: false,
  durationMs: 12,
  maxLagMs: 1500,
  sinks: {
    kinesis: {
      outputs: 3,
      accepted: 2,
      retryable: 1,
      rejected: 0,
      requests: 4,
      retries: 2,
      throttles: 1,
      claimChecks: 0,
      claimCheckBytes: 0,
    },
  },
  deadLetters: ['s3://dlq/dead-letter/router/2026-11-01/1001-x.json'],
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('reportBatch', () => {
  it('logs one line per batch, at warn when records were reported', () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    reportBatch(summary, { logger });

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 40,
      msg: 'stream batch processed',
      batch: { records: 3, reported: 1 },
    });
  });

  it('publishes the batch as CloudWatch EMF metrics', () => {
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    const metrics = new Metrics({ namespace: 'MemoryCdc', serviceName: 'router' });
    reportBatch(summary, { metrics });

    expect(printed).toHaveLength(1);
    const emf = JSON.parse(printed[0]!);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('MemoryCdc');
    expect(emf).toMatchObject({
      RecordsIn: 3,
      RecordsDelivered: 1,
      RecordsFailed: 1,
      RecordsDeadLettered: 1,
      DeadlineStops: 0,
      StreamLag: 1500,
      KinesisOutputs: 3,
      KinesisOutputsFailed: 1,
      KinesisRequests: 4,
      KinesisRetries: 2,
      KinesisThrottles: 1,
      service: 'router',
    });
  });
});
