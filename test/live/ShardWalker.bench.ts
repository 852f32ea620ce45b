/**
 * Throughput of the shard walker over the local Streams endpoint: `npx vitest bench --run
 * test/live/ShardWalker.bench.ts`. Records/s = records per walk × the reported hz.
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { LiveReport } from '../../lib/live/LiveReport.js';
import { ShardWalker } from '../../lib/live/ShardWalker.js';
import { StreamsSimulator } from '../support/streamsSimulator.js';

const RECORDS = 20_000;
const SHARDS = 4;
let sim: StreamsSimulator;
let client: DynamoDBStreamsClient;

beforeAll(async () => {
  sim = await StreamsSimulator.start({ tableName: 'agent-memory' });
  const records = generateFixtures({ count: RECORDS, itemSize: 1024, seed: 7 });
  for (let s = 0; s < SHARDS; s++) sim.addShard(`shard-${s}`);
  for (const [i, record] of records.entries()) sim.put(`shard-${i % SHARDS}`, record);
  sim.disable();
  client = new DynamoDBStreamsClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await sim.close();
});

async function walk(process?: LiveReport): Promise<number> {
  let n = 0;
  const walker = new ShardWalker(client, { streamArn: sim.streamArn, startAt: 'trim-horizon' });
  for await (const batch of walker.batches()) {
    n += batch.records.length;
    if (process) for (const record of batch.records) process.add(record);
  }
  if (n !== RECORDS) throw new Error(`walked ${n} of ${RECORDS}`);
  return n;
}

describe(`${RECORDS} records of ~1 KB on ${SHARDS} shards`, () => {
  bench('walker only (HTTP + SDK parse + Lambda format)', () => walk().then(() => undefined), {
    iterations: 3,
    warmupIterations: 1,
  });
  bench(
    'walker + pipeline + --json lines (tail --json)',
    () =>
      walk(
        new LiveReport({
          source: 'bench',
          layout: agentMemoryLayout,
          layoutReason: 'given',
          onOutput: (_o, line) => line.length,
        }),
      ).then(() => undefined),
    { iterations: 3, warmupIterations: 1 },
  );
});
