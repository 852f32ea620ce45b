import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type InvocationReport,
  LocalEventSourceMapping,
  type StreamConsumer,
} from '../../lib/dev/LocalEventSourceMapping.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import type { StreamEvent, StreamRecord } from '../../lib/stream/types.js';
import { StreamsSimulator, waitFor } from '../support/streamsSimulator.js';

let sim: StreamsSimulator;
let client: DynamoDBStreamsClient;
let controller: AbortController;

beforeEach(async () => {
  sim = await StreamsSimulator.start({ tableName: 'memories' });
  client = new DynamoDBStreamsClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  controller = new AbortController();
  const table = new TableSimulator({ table: 'memories', keyAttributes: ['pk', 'sk'] });
  sim.addShard('shard-1');
  for (let i = 1; i <= 6; i++)
    sim.put('shard-1', table.put({ pk: 'USER#u1', sk: `CONV#c1#TS#${i}`, text: `turn ${i}` }));
});

afterEach(async () => {
  controller.abort();
  client.destroy();
  await sim.close();
});

const textOf = (record: StreamRecord) => {
  const text = record.dynamodb?.NewImage?.text;
  return text && 'S' in text ? text.S : '';
};
const texts = (event: StreamEvent) => event.Records.map(textOf);

async function run(
  consumers: StreamConsumer[],
  until: (reports: InvocationReport[]) => boolean,
  maxRetries = 10,
) {
  const reports: InvocationReport[] = [];
  const mapping = new LocalEventSourceMapping({
    client,
    streamArn: sim.streamArn,
    startAt: 'trim-horizon',
    idlePollMs: 5,
    consumers,
    signal: controller.signal,
    maxRetries,
    retryBackoff: { baseMs: 1, maxMs: 2 },
    onInvocation: (report) => reports.push(report),
  });
  const running = mapping.run();
  await waitFor(() => until(reports));
  controller.abort();
  await running;
  return reports;
}

describe('LocalEventSourceMapping', () => {
  it('resends from the lowest reported sequence number, as Lambda does with a partial batch response', async () => {
    const batches: string[][] = [];
    let failed = false;
    const reports = await run(
      [
        {
          name: 'router',
          handler: async (event) => {
            batches.push(texts(event));
            if (failed) return { batchItemFailures: [] };
            failed = true;
            // Records 3 and 5 failed: Lambda resumes at 3, so 4 and 6 are sent again too.
            const [, , third, , fifth] = event.Records;
            return {
              batchItemFailures: [fifth!, third!].map((r) => ({
                itemIdentifier: r.dynamodb!.SequenceNumber!,
              })),
            };
          },
        },
      ],
      (r) => r.some((x) => x.attempt === 2),
    );
    expect(batches).toEqual([
      ['turn 1', 'turn 2', 'turn 3', 'turn 4', 'turn 5', 'turn 6'],
      ['turn 3', 'turn 4', 'turn 5', 'turn 6'],
    ]);
    expect(reports.map((r) => r.acknowledged.length)).toEqual([2, 4]);
  });

  it('sends the whole batch again when the handler throws', async () => {
    let calls = 0;
    const reports = await run(
      [
        {
          name: 'router',
          handler: async () => {
            calls++;
            if (calls === 1) throw new Error('boom');
            return { batchItemFailures: [] };
          },
        },
      ],
      (r) => r.length === 2,
    );
    expect(reports[0]!.error).toBeInstanceOf(Error);
    expect(reports.map((r) => [r.records.length, r.acknowledged.length])).toEqual([
      [6, 0],
      [6, 6],
    ]);
  });

  it('gives up on records still failing after the retries and moves on', async () => {
    const reports = await run(
      [
        {
          name: 'router',
          handler: async (event) => ({
            batchItemFailures: [{ itemIdentifier: event.Records[0]!.dynamodb!.SequenceNumber! }],
          }),
        },
      ],
      (r) => r.some((x) => x.gaveUp),
      2,
    );
    expect(reports.map((r) => [r.attempt, r.gaveUp])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it("sends each consumer only the records its filter keeps, like a mapping's filter criteria", async () => {
    const seen: Record<string, string[]> = { all: [], even: [] };
    await run(
      [
        { name: 'all', handler: async (event) => void seen.all!.push(...texts(event)) },
        {
          name: 'even',
          filter: (record) => Number(textOf(record).split(' ')[1]) % 2 === 0,
          handler: async (event) => void seen.even!.push(...texts(event)),
        },
      ],
      (r) => r.length === 2,
    );
    expect(seen.all).toHaveLength(6);
    expect(seen.even).toEqual(['turn 2', 'turn 4', 'turn 6']);
  });

  it('treats an identifier that is not a sequence number as a failure of the whole batch', async () => {
    let calls = 0;
    const reports = await run(
      [
        {
          name: 'router',
          handler: async () =>
            ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : { batchItemFailures: [] },
        },
      ],
      (r) => r.length === 2,
    );
    expect(reports.map((r) => r.acknowledged.length)).toEqual([0, 6]);
  });
});
