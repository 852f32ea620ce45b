import { describe, expect, it } from 'vitest';
import { archiveObjectKey, parseArchiveKey, partitionOf } from '../../lib/archive/archiveKey.js';
import { ArchiveFormatError } from '../../lib/archive/errors.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

describe('archive object keys', () => {
  const outputs = archiveOutputsOf(expiryBatch({ hours: 2 }).expiries);

  it('makes one object per expired item, in Hive-style partitions', () => {
    const groups = groupArchiveOutputs(outputs);
    expect(groups).toHaveLength(outputs.length);
    groups.forEach((group, i) => {
      const { table, entity, dt, hour } = group.partition;
      expect(group.outputs).toEqual([outputs[i]]);
      expect(group.indexes).toEqual([i]);
      expect(group.key).toBe(
        `table=${table}/entity=${entity}/dt=${dt}/hour=${hour}/${outputs[i]!.sequenceNumber}-${outputs[i]!.eventId}.jsonl.gz`,
      );
      expect(outputs[i]!.payload).toMatchObject({ entity, partition: { dt, hour } });
    });
  });

  it('names an object after its expiry record alone, whatever else is in the batch', () => {
    const keys = new Map(groupArchiveOutputs(outputs).map((g) => [g.outputs[0]!.eventId, g.key]));
    // Any other cut of the same records (a retry from a reported record, a bisected half, another
    // batch size) names every item's object the same.
    for (const cut of [outputs.slice(3), outputs.slice(0, 5), outputs.filter((_, i) => i % 2 === 1)]) {
      for (const group of groupArchiveOutputs(cut)) {
        expect(group.key).toBe(keys.get(group.outputs[0]!.eventId));
      }
    }
    expect(new Set(keys.values()).size).toBe(outputs.length);
  });

  it('writes a record given twice in one batch once, answering both positions', () => {
    const groups = groupArchiveOutputs([outputs[0]!, outputs[1]!, outputs[0]!]);
    expect(groups.map((g) => g.indexes)).toEqual([[0, 2], [1]]);
  });

  it('tells apart the same sequence numbers from another stream', () => {
    const output = outputs[0]!;
    const other = { ...output, eventId: archiveOutputsOf(expiryBatch({ hours: 2 }).expiries)[1]!.eventId };
    const partition = partitionOf(output.payload);
    expect(archiveObjectKey(partition, other)).not.toBe(archiveObjectKey(partition, output));
  });

  it('parses the partition back from a key under any prefix, and nothing from other keys', () => {
    const [group] = groupArchiveOutputs(outputs);
    expect(parseArchiveKey(`archive/${group!.key}`)).toEqual(group!.partition);
    expect(parseArchiveKey('archive/table=t/entity=turn/dt=2026-11-28/hour=24/x.jsonl.gz')).toBeUndefined();
    expect(parseArchiveKey('archive/table=t/entity=robot/dt=2026-11-28/hour=01/x.jsonl.gz')).toBeUndefined();
    expect(parseArchiveKey('claim-check/abc.json')).toBeUndefined();
  });

  it('refuses partition values that cannot form a key', () => {
    const entry = outputs[0]!.payload;
    expect(() => partitionOf({ ...entry, table: '' })).toThrow(ArchiveFormatError);
    expect(() => partitionOf({ ...entry, partition: { dt: '2026-11-28', hour: '7' } })).toThrow(/hour "7"/);
  });
});
