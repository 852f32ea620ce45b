/**
 * Router CPU per record against the handler a user would write without memory-cdc, in one process,
 * paired rounds, with sinks that accept instantly (clients whose `send` answers at once), so the
 * network is out of both sides and both do the same output work.
 *
 * The baseline: unmarshall Keys, NewImage and OldImage with util-dynamodb (`wrapNumbers`, so it
 * does not throw on the numbers memory-cdc keeps exact), one JSON.stringify per record, PutEvents in
 * tens and PutRecords in five hundreds. Goal (issue 16): router ≤ 1.3× at 1 KB and 4 KB items,
 * ≤ 1.2× at 40 KB, for batches of 100 and 1,000.
 *
 * For context, a second hand-written handler emits events shaped like memory-cdc's (the same envelope
 * fields, so about the same bytes): the router's ratio against it shows how much of the gap is the
 * event contract (a bigger payload, ids, classification) and how much is the router's own cost.
 */

import { createHash } from 'node:crypto';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import pino from 'pino';
import { loadRouterConfig } from '../lib/config/routerConfig.js';
import { createRouterHandler } from '../lib/delivery/createRouterHandler.js';
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import type { StreamEvent, StreamRecord } from '../lib/stream/types.js';
import type { BenchResult } from './measure.js';

const ENV = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  EVENT_BUS_NAME: 'bench-bus',
  CHANGE_LOG_STREAM_NAME: 'bench-changes',
  CLAIM_CHECK_BUCKET: 'bench-claim-checks',
  DEAD_LETTER_BUCKET: 'bench-dead-letters',
  LOG_LEVEL: 'silent',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** Clients that accept every entry at once; both sides send through the same ones. */
function instantClients() {
  const eventBridge = {
    async send(command: PutEventsCommand) {
      const entries = command.input.Entries ?? [];
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: String(i) })) };
    },
    destroy() {},
  } as unknown as EventBridgeClient;
  const kinesis = {
    async send(command: PutRecordsCommand) {
      const records = command.input.Records ?? [];
      return {
        FailedRecordCount: 0,
        Records: records.map((_, i) => ({ SequenceNumber: String(i + 1), ShardId: 'shardId-000000000000' })),
      };
    },
    destroy() {},
  } as unknown as KinesisClient;
  const s3 = { async send() {}, destroy() {} } as unknown as S3Client;
  return { eventBridge, kinesis, s3 };
}

/** Both hand-written handlers send the same way: PutEvents in tens, PutRecords in five hundreds. */
async function sendAll(
  clients: ReturnType<typeof instantClients>,
  entries: PutEventsRequestEntry[],
  records: PutRecordsRequestEntry[],
): Promise<void> {
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < entries.length; i += 10) {
    sends.push(clients.eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) })));
  }
  for (let i = 0; i < records.length; i += 500) {
    sends.push(
      clients.kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: records.slice(i, i + 500) })),
    );
  }
  await Promise.all(sends);
}

/** What a user writes by hand for the same job. */
function handWrittenHandler(clients: ReturnType<typeof instantClients>) {
  return async (event: StreamEvent) => {
    const entries: { Source: string; DetailType: string; Detail: string; EventBusName: string }[] = [];
    const records: { PartitionKey: string; Data: Uint8Array }[] = [];
    for (const record of event.Records) {
      const d = record.dynamodb ?? {};
      const keys = unmarshall(d.Keys as never, { wrapNumbers: true });
      const detail = JSON.stringify({
        eventName: record.eventName,
        eventID: record.eventID,
        keys,
        newImage: d.NewImage ? unmarshall(d.NewImage as never, { wrapNumbers: true }) : undefined,
        oldImage: d.OldImage ? unmarshall(d.OldImage as never, { wrapNumbers: true }) : undefined,
      });
      entries.push({
        Source: 'app',
        DetailType: `Item ${record.eventName}`,
        Detail: detail,
        EventBusName: 'bus',
      });
      records.push({ PartitionKey: String(keys.pk), Data: Buffer.from(detail) });
    }
    await sendAll(clients, entries, records);
    return { batchItemFailures: [] };
  };
}

/** Entity and its identifiers by the sort key's first segment (the agent-memory preset's prefixed keys). */
const ENTITIES: Record<string, { entity: string; label: string; idNames: string[] }> = {
  CONV: { entity: 'turn', label: 'Turn', idNames: ['conversationId', '', 'timestamp'] },
  RUN: { entity: 'run', label: 'Run', idNames: ['runId', '', 'step'] },
  LEDGER: { entity: 'ledger', label: 'Ledger Entry', idNames: ['toolCallId'] },
  MEM: { entity: 'memory', label: 'Memory', idNames: ['memoryId'] },
  IDEMPOTENCY: { entity: 'idempotency', label: 'Idempotency Key', idNames: ['idempotencyKey'] },
  WINDOW: { entity: 'rate_limit', label: 'Rate Limit', idNames: ['window'] },
};
const UNKNOWN = { entity: 'unknown', label: 'Item', idNames: [] as string[] };
const VERBS: Record<string, string> = { INSERT: 'Created', MODIFY: 'Updated', REMOVE: 'Deleted' };

/** An id in UUID form from SHA-256, as a careful hand-written handler would make a deterministic one. */
function uuidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Strings, booleans and nulls compared directly; numbers, maps, lists and sets by their JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What a user writes by hand to emit events like memory-cdc's (one per record): the same envelope
 * fields (deterministic id, detail-type, op, entity, ids, keys, changed attributes, both images,
 * origin, time), classified by the sort key's prefix, sent in tens and five hundreds, the change
 * log in its format-2 envelope. Not memory-cdc's event contract in every detail (no semantic events,
 * no exact numbers, no malformed-input checks, no per-key ordering under failure): context for the
 * issue's baseline, which sends a smaller payload, not a replacement for it.
 */
function handWrittenSameEventsHandler(clients: ReturnType<typeof instantClients>) {
  return async (event: StreamEvent) => {
    const entries: {
      Source: string;
      DetailType: string;
      Detail: string;
      EventBusName: string;
      Time?: Date;
    }[] = [];
    const records: { PartitionKey: string; Data: Uint8Array }[] = [];
    for (const record of event.Records) {
      const d = record.dynamodb ?? {};
      const keys = unmarshall(d.Keys as never, { wrapNumbers: true });
      const after = d.NewImage ? unmarshall(d.NewImage as never, { wrapNumbers: true }) : null;
      const before = d.OldImage ? unmarshall(d.OldImage as never, { wrapNumbers: true }) : null;
      const [prefix = '', ...rest] = String(keys.sk).split('#');
      const kind = ENTITIES[prefix] ?? UNKNOWN;
      const ids: Record<string, string> = { userId: String(keys.pk).split('#')[1] ?? '' };
      kind.idNames.forEach((name, i) => {
        if (name && rest[i * 2] !== undefined) ids[name] = rest[i * 2]!;
      });
      let changed: string[];
      if (before && after) {
        changed = [];
        for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
          if (!sameValue(before[name], after[name])) changed.push(name);
        }
        changed.sort();
      } else changed = Object.keys(after ?? before ?? {}).sort();
      const arn = record.eventSourceARN ?? '';
      const detailType = `${kind.label} ${VERBS[record.eventName ?? ''] ?? 'Changed'}`;
      const seconds = Number(d.ApproximateCreationDateTime ?? 0);
      const time = new Date(seconds * 1000);
      const iso = time.toISOString();
      const detail = JSON.stringify({
        version: '1',
        eventId: uuidOf(`${arn}\u0000${record.eventID}\u0000${detailType}`),
        detailType,
        op: String(record.eventName).toLowerCase(),
        entity: kind.entity,
        expired: record.userIdentity?.type === 'Service',
        ids,
        keys,
        changed,
        before,
        after,
        layout: 'agent-memory',
        origin: {
          table: arn.split('/')[1],
          streamArn: arn,
          region: record.awsRegion,
          eventId: record.eventID,
          sequenceNumber: d.SequenceNumber,
          approximateCreationTime: iso,
        },
        time: iso,
      });
      entries.push({
        Source: 'memory-cdc',
        DetailType: detailType,
        Detail: detail,
        EventBusName: 'bus',
        Time: time,
      });
      records.push({
        PartitionKey: ids.conversationId ? `${ids.userId}#${ids.conversationId}` : String(keys.pk),
        Data: Buffer.from(`{"changeLogVersion":2,"changes":[${detail}]}`),
      });
    }
    await sendAll(clients, entries, records);
    return { batchItemFailures: [] };
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function cpuOf(run: () => Promise<unknown>, repeats: number): Promise<number> {
  const start = cpuMs();
  for (let i = 0; i < repeats; i++) await run();
  return (cpuMs() - start) / repeats;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

export async function benchRouter(): Promise<BenchResult[]> {
  Object.assign(process.env, ENV);
  const clients = instantClients();
  const router = createRouterHandler(loadRouterConfig(ENV), { clients, logger: pino({ level: 'silent' }) });
  const baseline = handWrittenHandler(clients);
  const sameEvents = handWrittenSameEventsHandler(clients);
  const results: BenchResult[] = [];
  for (const itemSize of [1024, 4096, 40_960]) {
    for (const batchSize of [100, 1000]) {
      const records: StreamRecord[] = generateFixtures({ count: batchSize, itemSize, seed: 13 });
      const text = JSON.stringify({ Records: records });
      // Lambda hands each invocation a freshly parsed event: parse inside both sides.
      const runRouter = () => router(JSON.parse(text) as StreamEvent);
      const runBaseline = () => baseline(JSON.parse(text) as StreamEvent);
      const runSameEvents = () => sameEvents(JSON.parse(text) as StreamEvent);
      const repeats = Math.max(1, Math.round(20_000 / batchSize / (itemSize / 1024)));
      for (let i = 0; i < 3; i++) {
        await runRouter();
        await runBaseline();
        await runSameEvents();
      }
      const ratios: number[] = [];
      const sameEventsRatios: number[] = [];
      const perRecord: number[] = [];
      const baselinePerRecord: number[] = [];
      const sameEventsPerRecord: number[] = [];
      for (let round = 0; round < 9; round++) {
        const b = await cpuOf(runBaseline, repeats);
        const r = await cpuOf(runRouter, repeats);
        const s = await cpuOf(runSameEvents, repeats);
        ratios.push(r / b);
        sameEventsRatios.push(r / s);
        perRecord.push((r / batchSize) * 1000);
        baselinePerRecord.push((b / batchSize) * 1000);
        sameEventsPerRecord.push((s / batchSize) * 1000);
      }
      const label = `router: ${itemSize / 1024} KB items, batch ${batchSize}`;
      const spread = (xs: number[]) => `${quantile(xs, 0.1).toFixed(2)}–${quantile(xs, 0.9).toFixed(2)}`;
      results.push(
        { name: `${label}, CPU per record (µs)`, value: Math.round(quantile(perRecord, 0.5)), unit: 'µs' },
        {
          name: `${label}, hand-written CPU per record (µs)`,
          value: Math.round(quantile(baselinePerRecord, 0.5)),
          unit: 'µs',
        },
        {
          name: `${label}, hand-written same events CPU per record (µs)`,
          value: Math.round(quantile(sameEventsPerRecord, 0.5)),
          unit: 'µs',
        },
        {
          name: `${label} / hand-written (spread ${spread(ratios)})`,
          value: Math.round(quantile(ratios, 0.5) * 100) / 100,
          unit: 'x',
        },
        {
          name: `${label} / hand-written same events (spread ${spread(sameEventsRatios)})`,
          value: Math.round(quantile(sameEventsRatios, 0.5) * 100) / 100,
          unit: 'x',
        },
      );
    }
  }
  return results;
}
