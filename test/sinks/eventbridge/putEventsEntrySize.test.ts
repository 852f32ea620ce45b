import { describe, expect, it } from 'vitest';
import { putEventsEntrySize } from '../../../lib/sinks/eventbridge/putEventsEntrySize.js';

describe('putEventsEntrySize', () => {
  it('counts 14 bytes for Time and the UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    const entry = {
      Time: new Date(),
      Source: 'memory-cdc',
      DetailType: 'Turn Added',
      Detail: '{"text":"café ☕"}',
      Resources: ['arn:a', 'arn:bc'],
      EventBusName: 'not counted',
    };
    // 14 + 10 + 10 + 20 ("é" is 2 bytes, "☕" 3) + 5 + 6
    expect(putEventsEntrySize(entry)).toBe(65);
  });

  it('counts no Time when it is not given', () => {
    expect(putEventsEntrySize({ Source: 's', DetailType: 'd', Detail: '{}' })).toBe(4);
  });

  it('takes the Detail size from the caller when it knows it', () => {
    const entry = { Source: 's', DetailType: 'd', Detail: '{"text":"café ☕"}' };
    expect(putEventsEntrySize(entry, 20)).toBe(putEventsEntrySize(entry));
  });
});
