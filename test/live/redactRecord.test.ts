import { describe, expect, it } from 'vitest';
import { parseAttributeList, Redactor } from '../../lib/live/redactRecord.js';
import type { StreamRecord } from '../../lib/stream/types.js';

const KEY = Buffer.alloc(32, 7);

function record(): StreamRecord {
  const image = {
    pk: { S: 'USER#u1' },
    sk: { S: 'CONV#c1' },
    text: { S: 'my passport number is 123' },
    score: { N: '42.5' },
    photo: { B: Buffer.from('jpeg bytes').toString('base64') },
    tags: { SS: ['a', 'b', 'c'] },
    counts: { NS: ['1', '2'] },
    embedding: { L: [{ N: '0.1' }, { N: '0.2' }, { N: '0.3' }] },
    meta: { M: { city: { S: 'Lisbon' }, ok: { BOOL: true }, none: { NULL: true } } },
    content: { S: '{"format":2,"parts":[{"type":"text","text":"secret"}],"n":3}' },
  };
  return {
    eventID: 'e1',
    eventName: 'MODIFY',
    dynamodb: {
      Keys: { pk: image.pk, sk: image.sk },
      NewImage: image,
      OldImage: { ...image, text: { S: 'older text' } },
    },
  };
}

describe('Redactor', () => {
  it('replaces the named attributes in both images with markers of the same type and shape', () => {
    const names = ['text', 'score', 'photo', 'tags', 'counts', 'embedding', 'meta'];
    const out = new Redactor(names, KEY).redact(record());
    const image = out.dynamodb!.NewImage!;
    expect(image.text).toEqual({ S: expect.stringMatching(/^\[redacted:[0-9a-f]{12}\]$/) });
    expect(image.score).toEqual({ N: expect.stringMatching(/^\d+$/) });
    expect(Buffer.from((image.photo as { B: string }).B, 'base64').toString()).toMatch(/^\[redacted:/);
    expect((image.tags as { SS: string[] }).SS).toHaveLength(3);
    expect(new Set((image.tags as { SS: string[] }).SS).size).toBe(3);
    expect((image.counts as { NS: string[] }).NS).toHaveLength(2);
    expect((image.embedding as { L: { N: string }[] }).L.map((v) => Object.keys(v))).toEqual([
      ['N'],
      ['N'],
      ['N'],
    ]);
    expect(image.meta).toEqual({
      M: { city: { S: expect.stringMatching(/^\[redacted:/) }, ok: { BOOL: false }, none: { NULL: true } },
    });
    expect(out.dynamodb!.OldImage!.text).not.toEqual(image.text);
    expect(image.pk).toEqual({ S: 'USER#u1' });
    for (const name of names) expect(JSON.stringify(image[name])).not.toContain('Lisbon');
  });

  it('maps equal values to equal markers within one capture, and differently under another key', () => {
    const a = new Redactor(['text'], KEY);
    const first = a.redactValue({ S: 'same' });
    expect(a.redactValue({ S: 'same' })).toEqual(first);
    expect(a.redactValue({ S: 'other' })).not.toEqual(first);
    expect(new Redactor(['text'], Buffer.alloc(32, 8)).redactValue({ S: 'same' })).not.toEqual(first);
  });

  it('redacts inside a JSON string so it still parses with the same keys', () => {
    const out = new Redactor(['content'], KEY).redact(record());
    const content = JSON.parse((out.dynamodb!.NewImage!.content as { S: string }).S);
    expect(Object.keys(content)).toEqual(['format', 'parts', 'n']);
    expect(content.parts[0].type).toMatch(/^\[redacted:/);
    expect(JSON.stringify(content)).not.toContain('secret');
  });

  it('keeps the key attributes consistent between Keys and the images when a key is redacted', () => {
    const out = new Redactor(['pk'], KEY).redact(record());
    expect(out.dynamodb!.Keys!.pk).toEqual(out.dynamodb!.NewImage!.pk);
    expect(out.dynamodb!.Keys!.pk).not.toEqual({ S: 'USER#u1' });
  });

  it('leaves the input record unchanged', () => {
    const input = record();
    const copy = structuredClone(input);
    new Redactor(['text', 'meta'], KEY).redact(input);
    expect(input).toEqual(copy);
  });

  it('parses --redact lists', () => {
    expect(parseAttributeList(' text, content ,,embedding ')).toEqual(['text', 'content', 'embedding']);
  });
});
