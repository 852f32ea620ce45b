import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { ConfigError } from '../../lib/errors.js';

const required = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  EVENT_BUS_NAME: 'memory-events',
  CHANGE_LOG_STREAM_NAME: 'memory-changes',
  CLAIM_CHECK_BUCKET: 'claim-checks',
  DEAD_LETTER_BUCKET: 'dead-letters',
};

describe('loadRouterConfig', () => {
  it('fills in the documented defaults', () => {
    expect(loadRouterConfig(required)).toEqual({
      layout: 'agent-memory',
      tableLayouts: {},
      routing: {},
      logLevel: 'info',
      logContents: false,
      metricsNamespace: 'MemoryCdc',
      eventBusName: 'memory-events',
      changeLogStream: 'memory-changes',
      claimCheckBucket: 'claim-checks',
      deadLetterBucket: 'dead-letters',
      eventBridgeMaxRequestBytes: 1_000_000,
      eventBridgeConcurrency: 4,
      kinesisMaxRecordBytes: 1_048_576,
      kinesisMaxRequestBytes: 5_242_880,
      deliveryMaxAttempts: 6,
      deadlineReserveMs: 5000,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 15000,
      archivePrefix: 'archive/',
    });
  });

  it('reads the archive bucket of the one-reader layout, and names a bad one', () => {
    expect(loadRouterConfig({ ...required, ARCHIVE_BUCKET: 'memory-archive' })).toMatchObject({
      archiveBucket: 'memory-archive',
      archivePrefix: 'archive/',
    });
    expect(() => loadRouterConfig({ ...required, ARCHIVE_BUCKET: 'Not_A_Bucket' })).toThrow(/ARCHIVE_BUCKET/);
  });

  it('reads the limits and the routing JSON', () => {
    const config = loadRouterConfig({
      ...required,
      EVENTBRIDGE_MAX_REQUEST_BYTES: '262144',
      KINESIS_MAX_REQUEST_BYTES: '10485760',
      MEMORY_CDC_ROUTING: '{"kinesis":{"includeNoise":false}}',
      MEMORY_CDC_LOG_CONTENTS: 'true',
    });
    expect(config).toMatchObject({
      eventBridgeMaxRequestBytes: 262_144,
      kinesisMaxRequestBytes: 10_485_760,
      routing: { kinesis: { includeNoise: false } },
      logContents: true,
    });
  });

  it('names every missing variable', () => {
    expect(() => loadRouterConfig({ MEMORY_CDC_LAYOUT: 'agent-memory' })).toThrow(
      /EVENT_BUS_NAME is required.*CHANGE_LOG_STREAM_NAME is required.*CLAIM_CHECK_BUCKET is required.*DEAD_LETTER_BUCKET is required/,
    );
  });

  it('names the variable and the bad value', () => {
    const load = (env: Record<string, string>) => () => loadRouterConfig({ ...required, ...env });
    expect(load({ EVENTBRIDGE_MAX_REQUEST_BYTES: '2000000' })).toThrow(
      /EVENTBRIDGE_MAX_REQUEST_BYTES must be <= 1048576 \(given "2000000"\)/,
    );
    expect(load({ DELIVERY_MAX_ATTEMPTS: 'many' })).toThrow(
      /DELIVERY_MAX_ATTEMPTS must be a whole number \(given "many"\)/,
    );
    expect(load({ DEAD_LETTER_BUCKET: 'No_Such' })).toThrow(/DEAD_LETTER_BUCKET must match pattern/);
    expect(load({ MEMORY_CDC_ROUTING: '{nope' })).toThrow(/MEMORY_CDC_ROUTING is not valid JSON/);
    expect(load({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('refuses a record limit above the request limit', () => {
    expect(() =>
      loadRouterConfig({
        ...required,
        KINESIS_MAX_RECORD_BYTES: '10485760',
        KINESIS_MAX_REQUEST_BYTES: '5242880',
      }),
    ).toThrow(/KINESIS_MAX_RECORD_BYTES \(10485760\) must not exceed KINESIS_MAX_REQUEST_BYTES/);
  });
});
