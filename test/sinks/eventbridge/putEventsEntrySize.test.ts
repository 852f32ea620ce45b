import { describe, expect, it } from 'vitest';
import {
  putEventsEntrySize,
  rememberingUtf8Bytes,
} from '../../../lib/sinks/eventbridge/putEventsEntrySize.js';

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

  it('gives the same sizes when the texts are measured by a remembering counter, within and past its capacity', () => {
    const utf8Bytes = rememberingUtf8Bytes(2);
    const entries = ['Turn Added', 'Run Créé ☕', 'Turn Added', 'x', 'Run Créé ☕'].map((detailType, n) => ({
      Time: n % 2 === 0 ? new Date() : undefined,
      Source: 'memory-cdc',
      DetailType: detailType,
      Detail: '{"text":"café ☕"}',
      Resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/mémoire'],
    }));
    for (const entry of entries) {
      expect(putEventsEntrySize(entry, 20, utf8Bytes)).toBe(putEventsEntrySize(entry));
    }
  });
});
