import { describe, expect, it } from 'vitest';
import { WriteClock } from '../../lib/dev/WriteClock.js';

describe('WriteClock', () => {
  it('matches records to writes first in, first out, per key', () => {
    const clock = new WriteClock(['pk', 'sk']);
    clock.written({ pk: 'a', sk: '1' }, 100);
    clock.written({ pk: 'b', sk: '1' }, 150);
    clock.written({ pk: 'a', sk: '1' }, 200);
    expect(clock.outstanding).toBe(3);
    expect(clock.takeRecordKeys({ pk: { S: 'a' }, sk: { S: '1' } })).toBe(100);
    expect(clock.take({ pk: 'a', sk: '1' })).toBe(200);
    expect(clock.take({ pk: 'a', sk: '1' })).toBeUndefined();
    expect(clock.take({ pk: 'b', sk: '1' })).toBe(150);
    expect(clock.outstanding).toBe(0);
  });

  it('does not time records nobody here wrote', () => {
    const clock = new WriteClock(['pk', 'sk']);
    expect(clock.takeRecordKeys({ pk: { S: 'ttl' }, sk: { S: 'x' } })).toBeUndefined();
  });
});
