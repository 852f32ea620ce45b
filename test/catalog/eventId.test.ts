import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdFor } from '../../lib/catalog/eventId.js';
import { agentMemoryTable, copyOf, processAgentMemory } from '../fixtures/tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RUN = { pk: 'USER#u-42', sk: 'RUN#r-91' };

function completion() {
  const sim = agentMemoryTable();
  sim.put({ ...RUN, status: 'running' });
  return sim.update(RUN, { status: 'completed' });
}

describe('event ids', () => {
  it('gives the same record the same ids every time it is processed (Lambda retries)', () => {
    const record = completion();
    const first = processAgentMemory(record).events.map((e) => e.detail.eventId);
    const retried = processAgentMemory(copyOf(record)).events.map((e) => e.detail.eventId);
    expect(retried).toEqual(first);
  });

  it('gives the change and the semantic event of one record different ids', () => {
    const [change, completed] = processAgentMemory(completion()).events;
    expect(change!.detail.eventId).not.toBe(completed!.detail.eventId);
  });

  it('gives different records different ids', () => {
    const sim = agentMemoryTable();
    const ids = [sim.put({ ...RUN, status: 'a' }), sim.update(RUN, { status: 'b' })].map(
      (r) => processAgentMemory(r).events[0]!.detail.eventId,
    );
    expect(new Set(ids).size).toBe(2);
  });

  it('gives the same eventID on two different streams different ids', () => {
    expect(eventIdFor('arn:stream/a', 'e-1', 'Run Created')).not.toBe(
      eventIdFor('arn:stream/b', 'e-1', 'Run Created'),
    );
  });

  it('formats ids as UUIDs with the custom version 8', () => {
    for (const event of processAgentMemory(completion()).events) expect(event.detail.eventId).toMatch(UUID);
  });

  it('is a pure function of stream ARN, eventID and detail-type', () => {
    expect(eventIdFor('arn', 'e-1', 'Turn Created')).toBe(eventIdFor('arn', 'e-1', 'Turn Created'));
    expect(eventIdFor('arn', 'e-1', 'Turn Created')).toMatch(UUID);
  });

  it('does not confuse fields whose concatenation is the same', () => {
    expect(eventIdFor('ab', 'c', 'Run Created')).not.toBe(eventIdFor('a', 'bc', 'Run Created'));
  });

  it('keeps the ids earlier versions gave (consumers deduplicate on them across upgrades)', () => {
    const arn = 'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory/stream/2026-11-01T00:00:00.000';
    expect(eventIdFor(arn, 'bbaf0970da9bcd50d49d9ba0ab3cd502', 'Run Created')).toBe(
      '4d395a7b-271a-8ce5-866b-70037e4b772d',
    );
  });

  it('formats the digest as the first version did (hex digits parsed, pieces joined)', () => {
    // The first formatting, kept here as the reference the table-driven one must equal.
    const reference = (arn: string, id: string, type: string) => {
      const h = createHash('sha256').update(`${arn}\u0000${id}\u0000${type}`).digest('hex');
      const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
      return [
        h.slice(0, 8),
        h.slice(8, 12),
        `8${h.slice(13, 16)}`,
        variant + h.slice(17, 20),
        h.slice(20, 32),
      ].join('-');
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (arn, id, type) => {
        expect(eventIdFor(arn, id, type)).toBe(reference(arn, id, type));
      }),
      { numRuns: 2000 },
    );
  });
});
