import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { compileRules, InvalidPatternError } from '../../lib/patterns/index.js';

const turnCreated = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Turn Created',
  source: 'memory-cdc',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/memory'],
  detail: {
    op: 'insert',
    entity: 'turn',
    ids: { userId: 'tenant-a#u-1', conversationId: 'c-9' },
    changed: ['text', 'role'],
  },
};

describe('compileRules', () => {
  const rules = compileRules({
    'all-memory': { source: ['memory-cdc'] },
    'runs-only': { source: ['memory-cdc'], 'detail-type': [{ prefix: 'Run ' }] },
    'tenant-a-turns': {
      'detail-type': ['Turn Created'],
      detail: { ids: { userId: [{ prefix: 'tenant-a#' }] } },
    },
    'typo-never-matches': { source: ['memory_cdc'] },
    'text-changed': { detail: { changed: ['text'] } },
  });

  it('lists the matching rules in the file’s order', () => {
    expect(rules.match(turnCreated)).toEqual(['all-memory', 'tenant-a-turns', 'text-changed']);
  });

  it('lists every rule name, including rules that match nothing', () => {
    expect(rules.names).toEqual([
      'all-memory',
      'runs-only',
      'tenant-a-turns',
      'typo-never-matches',
      'text-changed',
    ]);
  });

  it('returns an empty list when no rule matches', () => {
    expect(rules.match({ source: 'aws.ec2' })).toEqual([]);
  });

  it('accepts patterns given as JSON text', () => {
    expect(compileRules({ r: '{"source":["memory-cdc"]}' }).match(turnCreated)).toEqual(['r']);
  });

  it('names the rule whose pattern is malformed', () => {
    let caught: unknown;
    try {
      compileRules({ good: { source: ['memory-cdc'] }, bad: { detail: { op: 'insert' } } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPatternError);
    const error = caught as InvalidPatternError;
    expect(error.rule).toBe('bad');
    expect(error.path).toBe('detail.op');
    expect(error.reason).toBe('"op" must be an object or an array');
    expect(error.message).toBe(
      'rule "bad": Event pattern is not valid. Reason: "op" must be an object or an array (at detail.op)',
    );
  });

  it('rejects rules that are not an object', () => {
    expect(() => compileRules([] as unknown as Record<string, unknown>)).toThrow(ConfigError);
  });

  it('accepts an empty rules file', () => {
    const none = compileRules({});
    expect(none.names).toEqual([]);
    expect(none.match(turnCreated)).toEqual([]);
  });
});
