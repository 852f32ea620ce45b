import { describe, expect, it } from 'vitest';
import type { MemoryEventDetail } from '../../lib/catalog/types.js';
import {
  releaseSerializedImages,
  serializeDetail,
  serializeOutputDetails,
} from '../../lib/delivery/serializeDetail.js';
import type { RoutedOutput } from '../../lib/routing/types.js';
import { claimCheckedDetail } from '../../lib/sinks/claimCheck/claimCheckedDetail.js';

/** A detail that counts how often it is serialized (JSON.stringify calls toJSON once each time). */
function countingDetail(): { detail: MemoryEventDetail; count: () => number } {
  let calls = 0;
  const detail = {
    eventId: 'e-1',
    text: 'héllo',
    toJSON() {
      calls++;
      return { eventId: 'e-1', text: 'héllo' };
    },
  } as unknown as MemoryEventDetail;
  return { detail, count: () => calls };
}

describe('serializeDetail', () => {
  it('serializes a detail sent by two publishers once and gives both the same text', () => {
    const { detail, count } = countingDetail();
    const first = serializeDetail(detail);
    const second = serializeDetail(detail);
    expect(first.json).toBe('{"eventId":"e-1","text":"héllo"}');
    expect(second.json).toBe(first.json);
    expect(count()).toBe(1);
  });

  it('counts the UTF-8 bytes of the text, before and after they are made', () => {
    const { detail } = countingDetail();
    const made = serializeDetail(detail);
    expect(made.byteLength()).toBe(Buffer.byteLength(made.json, 'utf8'));
    expect(made.bytes().byteLength).toBe(made.byteLength());
  });

  it('keeps the text out of sight: not in JSON, spreads or the keys of the detail', () => {
    const detail = { eventId: 'e-3', detailType: 'Turn Created' } as unknown as MemoryEventDetail;
    serializeDetail(detail);
    expect(Object.keys(detail)).toEqual(['eventId', 'detailType']);
    expect({ ...detail }).toEqual({ eventId: 'e-3', detailType: 'Turn Created' });
    expect(JSON.stringify(detail)).toBe('{"eventId":"e-3","detailType":"Turn Created"}');
  });

  it('serializes a frozen detail once too', () => {
    const { detail, count } = countingDetail();
    Object.freeze(detail);
    expect(serializeDetail(detail)).toBe(serializeDetail(detail));
    expect(count()).toBe(1);
  });

  it('gives the UTF-8 bytes of the text, made once', () => {
    const { detail } = countingDetail();
    const serialized = serializeDetail(detail);
    expect(Buffer.from(serialized.bytes()).toString('utf8')).toBe(serialized.json);
    expect(serialized.bytes().byteLength).toBe(Buffer.byteLength(serialized.json));
    expect(serialized.bytes()).toBe(serialized.bytes());
  });

  it('serializes two equal but distinct details separately', () => {
    const a = countingDetail();
    const b = countingDetail();
    serializeDetail(a.detail);
    serializeDetail(b.detail);
    expect([a.count(), b.count()]).toEqual([1, 1]);
  });

  it('throws for a detail that cannot be serialized, and caches nothing', () => {
    const detail = { eventId: 'e-2', size: 1n } as unknown as MemoryEventDetail;
    expect(() => serializeDetail(detail)).toThrow(/BigInt/);
    expect(() => serializeDetail(detail)).toThrow(/BigInt/);
  });
});

describe('serializeOutputDetails', () => {
  function outputs(detail: MemoryEventDetail): RoutedOutput[] {
    const base = {
      record: 'r-1',
      sequenceNumber: '1',
      entity: 'turn' as const,
      eventId: 'e-1',
      detailType: 'Turn Created',
    };
    return [
      {
        ...base,
        sink: 'eventbridge',
        payload: { Source: 'memory-cdc', DetailType: 'Turn Created', Detail: detail, Resources: [] },
      },
      { ...base, sink: 'kinesis', payload: { PartitionKey: 'k', Data: detail } },
    ];
  }

  it('serializes a record’s shared detail once, ahead of the publishers', () => {
    const { detail, count } = countingDetail();
    serializeOutputDetails(outputs(detail));
    expect(count()).toBe(1);
    const made = serializeDetail(detail);
    expect(count()).toBe(1);
    expect(made.bytes()).toBe(made.bytes());
    expect(Buffer.from(made.bytes()).toString('utf8')).toBe('{"eventId":"e-1","text":"héllo"}');
  });

  it('leaves a detail that cannot be serialized to the publisher, which meets the same error', () => {
    const cyclic = { eventId: 'e-2' } as unknown as MemoryEventDetail & { self?: unknown };
    cyclic.self = cyclic;
    expect(() => serializeOutputDetails(outputs(cyclic))).not.toThrow();
    expect(() => serializeDetail(cyclic)).toThrow(TypeError);
  });

  it('releases the images of a serialized detail: its text, and its claim-check summary, stay the same', () => {
    const detail = {
      eventId: 'e-3',
      ids: { conversationId: 'c-1' },
      before: { text: 'old' },
      after: { text: 'new' },
      layout: 'agent-memory',
    } as unknown as MemoryEventDetail;
    const text = JSON.stringify(detail);
    const claimCheck = { bucket: 'b', key: 'k', bytes: 1, sha256: 'x' } as never;
    const summary = claimCheckedDetail(detail, claimCheck);
    const routed = outputs(detail);
    serializeOutputDetails(routed);
    releaseSerializedImages(routed);
    expect(detail.before).toBeNull();
    expect(detail.after).toBeNull();
    expect(serializeDetail(detail).json).toBe(text);
    expect(claimCheckedDetail(detail, claimCheck)).toEqual(summary);
  });

  it('keeps the images of a detail that has no kept text', () => {
    const cyclic = {
      eventId: 'e-4',
      before: { text: 'old' },
      after: null,
    } as unknown as MemoryEventDetail & {
      self?: unknown;
    };
    cyclic.self = cyclic;
    const routed = outputs(cyclic);
    serializeOutputDetails(routed);
    releaseSerializedImages(routed);
    expect(cyclic.before).toEqual({ text: 'old' });
  });
});
