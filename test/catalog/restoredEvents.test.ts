import { describe, expect, it } from 'vitest';
import { RESTORE_MARKER_ATTRIBUTE } from '../../lib/catalog/restoreMarker.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { expiryBatch } from '../archive/expiries.js';

const pipeline = createPipeline({ layout: agentMemoryLayout });
const { records } = expiryBatch({ users: 1, conversationsPerUser: 1, turns: 2 });
const inserts = records.filter((record) => record.eventName === 'INSERT');

/** The same insert as `memory-cdc restore` causes it: the item carries the restore marker. */
function restored(index: number) {
  const record = structuredClone(inserts[index]!);
  record.dynamodb!.NewImage![RESTORE_MARKER_ATTRIBUTE] = { S: '2026-12-07T10:00:00.000Z' };
  return record;
}

describe('restored items', () => {
  it('are reported as `… Restored`, not `… Created`', () => {
    inserts.forEach((record, i) => {
      const original = pipeline.process(record).events[0]!.detailType;
      const again = pipeline.process(restored(i)).events[0]!.detailType;
      expect(original).toMatch(/ Created$/);
      expect(again).toBe(original.replace(/ Created$/, ' Restored'));
    });
  });

  it('fire no semantic events: a restored first turn does not start its conversation again', () => {
    const firstTurn = inserts.findIndex((record) =>
      pipeline.process(record).events.some((e) => e.detailType === 'Conversation Started'),
    );
    expect(firstTurn).toBeGreaterThanOrEqual(0);
    expect(pipeline.process(restored(firstTurn)).events.map((e) => e.detailType)).toEqual(['Turn Restored']);
  });

  it('carry a different event id than the original insert, so consumers do not drop them as duplicates', () => {
    const original = pipeline.process(inserts[0]!).events[0]!.detail.eventId;
    expect(pipeline.process(restored(0)).events[0]!.detail.eventId).not.toBe(original);
  });
});
