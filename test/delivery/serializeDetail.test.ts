import { describe, expect, it } from 'vitest';
import type { MemoryEventDetail } from '../../lib/catalog/types.js';
import { serializeDetail } from '../../lib/delivery/serializeDetail.js';

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
