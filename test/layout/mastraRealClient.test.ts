/**
 * Against what the real Mastra client wrote: test/fixtures-data/mastra-real/ was captured with
 * `memory-cdc capture` from a table that `@mastra/dynamodb` 1.0.0 (with `@mastra/core` 1.0.4) wrote
 * into DynamoDB Local (how: the README beside it). Expectations are read from the records themselves
 * (JSON.parse of the snapshot), not from memory-cdc's field reader.
 */
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryEvent } from '../../lib/catalog/types.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { syntheticInsertRecord } from '../../lib/live/backfill/syntheticInsertRecord.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { loadFixtureFile } from '../../lib/replay/loadFixtureFile.js';
import type { AttributeMap, StreamRecord } from '../../lib/stream/types.js';

const FIXTURE = 'test/fixtures-data/mastra-real/mastra-dynamodb-1.0.0.json';
const pipeline = createPipeline({ layout: mastraLayout });
let records: StreamRecord[];
let events: MemoryEvent[][];

const text = (image: AttributeMap | undefined, name: string) => {
  const value = image?.[name];
  return value && 'S' in value ? value.S : undefined;
};
const runStatus = (image: AttributeMap | undefined) => {
  const snapshot = text(image, 'snapshot');
  return snapshot === undefined ? null : (JSON.parse(snapshot) as { status: string }).status;
};

beforeAll(async () => {
  records = await loadFixtureFile(FIXTURE);
  events = records.map((record) => pipeline.process(record).events);
});

describe('replaying what @mastra/dynamodb 1.0.0 wrote', () => {
  it('holds threads, messages with tool-call parts, runs that succeed, fail and suspend, a score, a trace and an eval', () => {
    const entities = new Set(records.map((r) => text(r.dynamodb?.NewImage, 'entity')));
    expect(entities).toEqual(
      new Set(['thread', 'message', 'resource', 'workflow_snapshot', 'score', 'trace', 'eval']),
    );
    const contents = records.map((r) => text(r.dynamodb?.NewImage, 'content') ?? '').join('\n');
    expect(contents).toContain('"type":"tool-invocation"');
    const finals = records.map((r) => runStatus(r.dynamodb?.NewImage));
    for (const status of ['success', 'failed', 'suspended']) expect(finals).toContain(status);
  });

  it('emits Conversation Started exactly once per thread', () => {
    const threads = new Set(
      records
        .filter((r) => text(r.dynamodb?.NewImage, 'entity') === 'thread')
        .map((r) => text(r.dynamodb?.NewImage, 'id')),
    );
    const started = events.flat().filter((e) => e.detailType === 'Conversation Started');
    expect(started.map((e) => e.detail.ids.conversationId).sort()).toEqual([...threads].sort());
    expect(threads.size).toBe(3);
  });

  it('carries a transition on every run status change, and only there', () => {
    let changes = 0;
    records.forEach((record, i) => {
      if (text(record.dynamodb?.NewImage, 'entity') !== 'workflow_snapshot') return;
      const from = runStatus(record.dynamodb?.OldImage);
      const to = runStatus(record.dynamodb?.NewImage);
      const change = events[i]!.find((e) => e.kind === 'change')!;
      if (from === to) {
        expect(change.detail.transition).toBeUndefined();
      } else {
        changes++;
        expect(change.detail.transition).toEqual({ field: 'status', from, to });
      }
    });
    const tos = events
      .flat()
      .flatMap((e) => (e.kind === 'change' && e.detail.transition ? [e.detail.transition.to] : []));
    expect(tos).toContain('suspended');
    expect(changes).toBe(tos.length);
    expect(changes).toBeGreaterThanOrEqual(10);
  });

  it('fires Run Completed and Run Failed once per finished run', () => {
    const finished = events
      .flat()
      .filter((e) => e.detailType === 'Run Completed' || e.detailType === 'Run Failed')
      .map((e) => `${e.detail.ids.workflowName}:${e.detailType}`);
    expect(finished.sort()).toEqual([
      'calculator:Run Completed',
      'payment:Run Failed',
      'refund-approval:Run Completed',
    ]);
  });

  it('leaves out empty identifiers (the score has no thread or resource)', () => {
    const ids = events.flat().flatMap((e) => Object.values(e.detail.ids));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    const score = events.flat().find((e) => e.detail.sourceEntity === 'score')!;
    expect(score.detail.after?.threadId).toBe('');
    expect(score.detail.ids).not.toHaveProperty('conversationId');
    expect(score.detail.ids).not.toHaveProperty('userId');
  });

  it('carries trace and span ids and workflow names in ids', () => {
    const trace = events.flat().find((e) => e.detail.sourceEntity === 'trace')!;
    expect(trace.detail.ids).toMatchObject({ traceId: 'trace-91ab', spanId: 'span-7f2c' });
    const runs = events.flat().filter((e) => e.detail.entity === 'run');
    expect(new Set(runs.map((e) => e.detail.ids.workflowName))).toEqual(
      new Set(['calculator', 'payment', 'refund-approval']),
    );
  });
});

describe('a backfill of the table Mastra left behind', () => {
  it('emits snapshot reads with no Run Completed, Run Failed, Conversation Started or transition', () => {
    // The table's final state: the newest image of every key.
    const finalImages = new Map<string, AttributeMap>();
    for (const record of records) {
      const image = record.dynamodb?.NewImage;
      if (image) finalImages.set(JSON.stringify(record.dynamodb?.Keys), image);
    }
    const source = {
      tableArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/mastra',
      keyAttributes: ['pk', 'sk'],
    };
    const backfilled = [...finalImages.values()].flatMap(
      (image) =>
        pipeline.process(
          syntheticInsertRecord(source, image as unknown as Record<string, SdkAttributeValue>, 1_796_700_000),
        ).events,
    );
    expect(backfilled).toHaveLength(finalImages.size);
    expect(backfilled.every((e) => e.kind === 'change' && e.detail.op === 'read')).toBe(true);
    expect(backfilled.some((e) => e.detail.transition !== undefined)).toBe(false);
    const runs = backfilled.filter((e) => e.detail.entity === 'run');
    expect(runs.map((e) => e.detailType)).toEqual(['Run Created', 'Run Created', 'Run Created']);
  });
});
