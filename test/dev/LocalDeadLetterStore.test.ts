import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDeadLetterKey } from '../../lib/delivery/deadLetterKey.js';
import { kinesisRecordAdapter } from '../../lib/delivery/recordAdapters.js';
import { LocalDeadLetterStore } from '../../lib/dev/LocalDeadLetterStore.js';
import { toLambdaKinesisRecord } from '../../lib/stream/toLambdaKinesisRecord.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'memory-cdc-local-dlq-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('LocalDeadLetterStore', () => {
  it("keeps a Kinesis source record's dead letter at the key the S3 store uses, the record whole", async () => {
    const record = toLambdaKinesisRecord(Buffer.from('not a change'), {
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/memory-source',
      shardId: 'shardId-000000000001',
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      partitionKey: 'ABC',
      arrivalSeconds: 1_765_000_000,
    });
    const letter = {
      version: '1' as const,
      function: 'router',
      reason: 'convert: not JSON',
      failures: [{ stage: 'prepare' as const, reason: 'convert: not JSON' }],
      record,
      deadLetteredAt: '2026-12-08T00:00:00.000Z',
    };
    const store = new LocalDeadLetterStore(folder, kinesisRecordAdapter);
    const path = await store.write(letter);
    expect(path).toBe(join(folder, recordDeadLetterKey(kinesisRecordAdapter, 'router', record)));
    expect(path).toMatch(
      /dead-letter\/router\/2025-12-06\/49590338271490256608559692538361571095921575989136588898\.json$/,
    );
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(letter);
    expect(store.written).toEqual([path]);
  });
});
