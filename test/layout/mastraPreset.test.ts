import { describe, expect, it } from 'vitest';
import { mastraScenario, mastraScenarioFiles } from '../../lib/fixtures/scenarios/mastraScenario.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { compileKeyTemplate } from '../../lib/layout/keyTemplate.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { looksLikeMastra } from '../../lib/layout/presets/mastraDetection.js';
import { readField } from '../../lib/layout/readField.js';
import { parseLayout } from '../../lib/layout/resolveLayout.js';
import type { EntityKind, Identifiers } from '../../lib/layout/types.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { Change, PlainItem } from '../../lib/stream/types.js';

/**
 * The key templates of docs/layouts/mastra.md, written out independently of the preset: for each
 * Mastra entity, its kind and the composite attributes of `pk` (after `entity`) and `sk`.
 */
const DOCUMENTED: Record<string, { kind: EntityKind; pk: string[]; sk: string[] }> = {
  thread: { kind: 'conversation', pk: ['id'], sk: ['id'] },
  message: { kind: 'turn', pk: ['id'], sk: ['entity'] },
  workflow_snapshot: { kind: 'run', pk: ['workflow_name'], sk: ['run_id'] },
  resource: { kind: 'memory', pk: ['id'], sk: ['entity'] },
  trace: { kind: 'unknown', pk: ['id'], sk: [] },
  eval: { kind: 'unknown', pk: ['run_id'], sk: [] },
  score: { kind: 'unknown', pk: ['id'], sk: ['entity'] },
  background_task: { kind: 'unknown', pk: ['id'], sk: ['entity'] },
  workflow_run_owner: { kind: 'unknown', pk: ['run_id'], sk: ['entity'] },
  memory_run_fence: { kind: 'unknown', pk: ['run_id'], sk: ['entity'] },
};

/** Secondary-index keys per entity: `[index, pk composites after entity, sk composites]`. */
const DOCUMENTED_GSIS: Record<string, [string, string[], string[]][]> = {
  thread: [['gsi1', ['resourceId'], ['createdAt']]],
  message: [['gsi1', ['threadId'], ['createdAt']]],
  workflow_snapshot: [['gsi2', ['run_id'], ['workflow_name']]],
  trace: [
    ['gsi1', ['name'], ['startTime']],
    ['gsi2', ['scope'], ['startTime']],
  ],
  eval: [['gsi1', ['agent_name'], ['created_at']]],
  score: [
    ['gsi1', ['scorerId'], ['createdAt']],
    ['gsi2', ['runId'], ['createdAt']],
    ['gsi3', ['traceId'], ['createdAt']],
    ['gsi4', ['entityId'], ['createdAt']],
    ['gsi5', ['resourceId'], ['createdAt']],
    ['gsi6', ['threadId'], ['createdAt']],
    ['gsi7', ['traceId', 'spanId'], ['createdAt']],
  ],
  background_task: [
    ['gsi1', ['agentId'], ['createdAt']],
    ['gsi2', ['runId'], ['createdAt']],
    ['gsi3', ['status'], ['createdAt']],
  ],
};

function electroKey(prefix: string, item: PlainItem, attributes: string[]): string {
  return (prefix + attributes.map((a) => `#${a}_${String(item[a])}`).join('')).toLowerCase();
}

const changes: Change[] = mastraScenario().map(decodeRecord);
const images = (c: Change) => [c.before, c.after].filter((i): i is PlainItem => i !== null);
const newest = (c: Change): PlainItem => c.after ?? c.before ?? c.keys;
const entityOf = (c: Change) => String(newest(c).entity);

describe('the Mastra scenario', () => {
  it('writes every Mastra entity and every preset entity kind', () => {
    expect(new Set(changes.map(entityOf))).toEqual(new Set(Object.keys(DOCUMENTED)));
    const kinds = new Set(changes.map((c) => classifyItem(mastraLayout, newest(c)).entity));
    expect(kinds).toEqual(new Set(['conversation', 'turn', 'run', 'memory', 'unknown']));
  });

  it('has inserts, modifies, user deletes and TTL expiries', () => {
    const ops = new Set(changes.map((c) => `${c.op}${c.expired ? ':ttl' : ''}`));
    expect(ops).toEqual(new Set(['insert', 'modify', 'remove', 'remove:ttl']));
    const expired = changes.filter((c) => c.expired).map(entityOf);
    expect(expired.sort()).toEqual(['message', 'message', 'thread']);
    const userDeleted = changes.filter((c) => c.op === 'remove' && !c.expired).map(entityOf);
    expect(userDeleted).toEqual(['message']);
  });

  it('expires only items whose ttl has passed when the TTL process deletes them', () => {
    for (const c of changes.filter((x) => x.expired)) {
      const ttl = Number(c.before?.ttl);
      expect(ttl).toBeLessThan(c.position.approximateCreationEpochMs! / 1000);
    }
  });

  it('builds pk and sk exactly as the documented ElectroDB templates say, lowercased', () => {
    for (const c of changes) {
      for (const item of images(c)) {
        const name = String(item.entity);
        const doc = DOCUMENTED[name]!;
        expect(item.pk).toBe(electroKey('$mastra', item, ['entity', ...doc.pk]));
        expect(item.sk).toBe(electroKey(`$${name}_1`, item, doc.sk));
        expect(String(item.pk)).toBe(String(item.pk).toLowerCase());
      }
      expect(c.keys).toEqual({ pk: newest(c).pk, sk: newest(c).sk });
    }
  });

  it('builds every secondary-index key as documented', () => {
    let checked = 0;
    for (const c of changes) {
      for (const item of images(c)) {
        const name = String(item.entity);
        for (const [index, pk, sk] of DOCUMENTED_GSIS[name] ?? []) {
          expect(item[`${index}pk`]).toBe(electroKey('$mastra', item, ['entity', ...pk]));
          expect(item[`${index}sk`]).toBe(electroKey(`$${name}_1`, item, sk));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("stamps every image with ElectroDB's identifiers and keeps JSON attributes as strings", () => {
    const jsonAttributes = [
      'metadata',
      'content',
      'snapshot',
      'attributes',
      'result',
      'scorer',
      'input',
      'args',
    ];
    for (const c of changes) {
      for (const item of images(c)) {
        expect(item.__edb_e__).toBe(item.entity);
        expect(item.__edb_v__).toBe('1');
        for (const name of jsonAttributes) {
          if (item[name] === undefined || item.entity === 'eval') continue;
          expect(typeof item[name]).toBe('string');
          expect(() => JSON.parse(String(item[name]))).not.toThrow();
        }
      }
    }
  });

  it('keeps the case of identifiers in attributes while keys are lowercased', () => {
    const thread = changes.find((c) => entityOf(c) === 'thread')!.after!;
    expect(thread.resourceId).toBe('user_2NfK8qPz3Lm');
    expect(thread.gsi1pk).toBe('$mastra#entity_thread#resourceid_user_2nfk8qpz3lm');
    const run = changes.find((c) => entityOf(c) === 'workflow_snapshot')!.after!;
    expect(run.pk).toBe('$mastra#entity_workflow_snapshot#workflow_name_weatherworkflow');
    expect(run.workflow_name).toBe('weatherWorkflow');
  });

  it('is deterministic and split into stream-ordered chapters', () => {
    expect(JSON.stringify(mastraScenario())).toBe(JSON.stringify(mastraScenario()));
    const files = mastraScenarioFiles();
    expect(Object.keys(files)).toEqual(['memory', 'workflows', 'observability', 'ttl-expiry']);
    const sequence = Object.values(files)
      .flat()
      .map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});

describe('the mastra preset', () => {
  it('is a valid custom layout as well', () => {
    expect(parseLayout(JSON.parse(JSON.stringify(mastraLayout)), 'mastra preset')).toEqual(mastraLayout);
  });

  it('classifies every scenario item to its kind, with identifiers read from the attributes', () => {
    for (const c of changes) {
      const item = newest(c);
      const name = String(item.entity);
      const { entity, sourceEntity, ids } = classifyItem(mastraLayout, item);
      expect(entity).toBe(DOCUMENTED[name]!.kind);
      expect(sourceEntity).toBe(name);
      const expected: Identifiers = {};
      const set = (id: keyof Identifiers, attribute: string) => {
        if (typeof item[attribute] === 'string' && item[attribute] !== '')
          expected[id] = item[attribute] as string;
      };
      switch (name) {
        case 'thread':
          set('conversationId', 'id');
          set('userId', 'resourceId');
          set('timestamp', 'createdAt');
          break;
        case 'message':
          set('turnId', 'id');
          set('conversationId', 'threadId');
          set('userId', 'resourceId');
          set('timestamp', 'createdAt');
          break;
        case 'workflow_snapshot':
          set('runId', 'run_id');
          set('workflowName', 'workflow_name');
          set('userId', 'resourceId');
          set('timestamp', 'createdAt');
          break;
        case 'resource':
          set('userId', 'id');
          set('memoryId', 'id');
          set('timestamp', 'createdAt');
          break;
        case 'score':
          set('runId', 'runId');
          set('traceId', 'traceId');
          set('spanId', 'spanId');
          set('conversationId', 'threadId');
          set('userId', 'resourceId');
          set('timestamp', 'createdAt');
          break;
        case 'background_task':
          set('runId', 'runId');
          set('toolCallId', 'toolCallId');
          set('conversationId', 'threadId');
          set('userId', 'resourceId');
          set('timestamp', 'createdAt');
          break;
        case 'eval':
          set('runId', 'run_id');
          set('timestamp', 'created_at');
          break;
        case 'trace':
          set('spanId', 'id');
          set('traceId', 'traceId');
          set('timestamp', 'createdAt');
          break;
        default:
          set('runId', 'run_id');
      }
      expect(ids).toEqual(expected);
    }
  });

  it('classifies keys-only items by their key templates (identifiers then come out lowercased)', () => {
    for (const c of changes) {
      const name = entityOf(c);
      const { entity, sourceEntity, ids } = classifyItem(mastraLayout, c.keys);
      expect(entity).toBe(DOCUMENTED[name]!.kind);
      expect(sourceEntity).toBe(name);
      if (name === 'thread') expect(ids.conversationId).toBe(String(newest(c).id).toLowerCase());
      if (name === 'resource') expect(ids.userId).toBe('user_2nfk8qpz3lm');
      if (name === 'workflow_snapshot') expect(ids.runId).toBe(newest(c).run_id);
    }
  });

  it("reads a message's text from the text parts of its JSON content", () => {
    const rule = mastraLayout.entities.find((r) => r.name === 'message')!;
    const texts = changes
      .filter((c) => entityOf(c) === 'message' && c.op !== 'remove')
      .map((c) => readField(c.after, rule.fields!.text));
    expect(texts).toContain("I'm Ana. Plan me a weekend in Lisbon, 14 to 16 November.");
    // Two text parts (and a reasoning part whose text is nested, not read) in a message without `content`.
    expect(texts).toContain(
      'Happy to, Ana! Day 1: Alfama and the castle. Day 2: Belém.\nShall I check the weather and flights from Porto?',
    );
    // The edited assistant message: a step-start and a tool-invocation part carry no text.
    expect(texts).toContain('TP1951 leaves Porto at 18:35 on Friday and lands in Lisbon at 19:30, from €49.');
    expect(texts.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    const roles = changes
      .filter((c) => entityOf(c) === 'message')
      .map((c) => readField(newest(c), rule.fields!.role));
    expect(new Set(roles)).toEqual(new Set(['user', 'assistant']));
  });

  it("reads a workflow run's status from its JSON snapshot and knows which statuses end it", () => {
    const rule = mastraLayout.entities.find((r) => r.name === 'workflow_snapshot')!;
    const byRun = new Map<string, unknown[]>();
    for (const c of changes.filter((x) => entityOf(x) === 'workflow_snapshot')) {
      const runId = String(c.after!.run_id);
      byRun.set(runId, [...(byRun.get(runId) ?? []), readField(c.after, rule.fields!.status)]);
    }
    expect([...byRun.values()]).toEqual([
      ['running', 'running', 'success'],
      ['running', 'failed'],
    ]);
    expect(rule.successStatuses).toContain('success');
    expect(rule.failureStatuses).toContain('failed');
    expect(rule.successStatuses).not.toContain('running');
    expect(rule.failureStatuses).not.toContain('running');
  });

  it('marks Mastra thread touches and lease renewals as bookkeeping, and real edits as not', () => {
    const bookkeeping = new Set(mastraLayout.bookkeeping);
    const onlyBookkeeping = (c: Change) => c.changed.every((a) => bookkeeping.has(a));
    const modifies = changes.filter((c) => c.op === 'modify');
    const touches = modifies.filter((c) => entityOf(c) === 'thread' && c.changed.join() === 'updatedAt');
    expect(touches.length).toBeGreaterThan(5);
    expect(touches.every(onlyBookkeeping)).toBe(true);
    const lease = modifies.filter((c) => entityOf(c) === 'workflow_run_owner');
    expect(lease.every(onlyBookkeeping)).toBe(true);
    for (const name of ['message', 'resource', 'workflow_snapshot', 'background_task']) {
      const edits = modifies.filter((c) => entityOf(c) === name);
      expect(edits.length).toBeGreaterThan(0);
      expect(edits.some(onlyBookkeeping)).toBe(false);
    }
    expect(
      modifies.some((c) => entityOf(c) === 'thread' && c.changed.includes('title') && !onlyBookkeeping(c)),
    ).toBe(true);
  });

  it('has key templates that match only their own entity', () => {
    for (const rule of mastraLayout.entities) {
      const pk = compileKeyTemplate(rule.pk!);
      const own = changes.filter((c) => entityOf(c) === rule.name).map((c) => String(c.keys.pk));
      const others = changes.filter((c) => entityOf(c) !== rule.name).map((c) => String(c.keys.pk));
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((k) => pk.match(k))).toBe(true);
      expect(others.some((k) => pk.match(k))).toBe(false);
    }
  });
});

describe('looksLikeMastra', () => {
  const plain = changes.flatMap(images);
  const typed = mastraScenario().flatMap((r) => [r.dynamodb?.NewImage, r.dynamodb?.OldImage]);

  it('recognises Mastra images, plain or in DynamoDB JSON', () => {
    expect(looksLikeMastra(plain)).toBe(true);
    expect(looksLikeMastra(typed)).toBe(true);
  });

  it('needs ElectroDB identifiers: keys alone prove nothing', () => {
    expect(looksLikeMastra(changes.map((c) => c.keys))).toBe(false);
    expect(looksLikeMastra([])).toBe(false);
  });

  it('rejects other layouts and tables that mix them', () => {
    const agentMemory = { pk: 'USER#u-42', sk: 'CONV#c-7f3a', title: 'Trip' };
    const otherService = { pk: '$taskapp#team_purple', sk: '$user_1', __edb_e__: 'user', __edb_v__: '1' };
    expect(looksLikeMastra([agentMemory])).toBe(false);
    expect(looksLikeMastra([otherService])).toBe(false);
    expect(looksLikeMastra([...plain, agentMemory])).toBe(false);
  });
});
