import { describe, expect, it } from 'vitest';
import { archiveObjectKey, parseArchiveKey, partitionOf } from '../../lib/archive/archiveKey.js';
import { ArchiveFormatError } from '../../lib/archive/errors.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

describe('archive object keys', () => {
  const outputs = archiveOutputsOf(expiryBatch({ hours: 2 }).expiries);

  it('groups a batch into one object per entity-hour, in Hive-style partitions', () => {
    const groups = groupArchiveOutputs(outputs);
    const partitions = new Set(
      outputs.map((o) => `${o.payload.entity}@${o.payload.partition.dt}T${o.payload.partition.hour}`),
    );
    expect(groups).toHaveLength(partitions.size);
    expect(groups.reduce((n, g) => n + g.outputs.length, 0)).toBe(outputs.length);
    for (const group of groups) {
      const { table, entity, dt, hour } = group.partition;
      expect(group.key).toMatch(
        new RegExp(
          `^table=${table}/entity=${entity}/dt=${dt}/hour=${hour}/\\d+-\\d+-[0-9a-f]{12}\\.jsonl\\.gz$`,
        ),
      );
      expect(
        group.outputs.every((o) => o.payload.entity === entity && o.payload.partition.hour === hour),
      ).toBe(true);
    }
  });

  it('names an object after its first and last sequence number, the same for the same records', () => {
    const [group] = groupArchiveOutputs(outputs);
    const sequences = group!.outputs.map((o) => BigInt(o.sequenceNumber));
    const name = group!.key.split('/').pop()!;
    expect(name.startsWith(`${sequences[0]}-${sequences[sequences.length - 1]}-`)).toBe(true);
    expect(groupArchiveOutputs(archiveOutputsOf(expiryBatch({ hours: 2 }).expiries))[0]!.key).toBe(
      group!.key,
    );
    expect(archiveObjectKey(group!.partition, group!.outputs.slice(0, -1))).not.toBe(group!.key);
  });

  it('tells apart the same sequence numbers from another stream', () => {
    const [group] = groupArchiveOutputs(outputs);
    const other = group!.outputs.map((o) => ({
      ...o,
      payload: {
        ...o.payload,
        origin: { ...o.payload.origin, streamArn: `${o.payload.origin.streamArn}-other` },
      },
    }));
    expect(archiveObjectKey(group!.partition, other)).not.toBe(group!.key);
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
