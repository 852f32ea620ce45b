import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayoutError } from '../../lib/errors.js';
import { compileKeyTemplate } from '../../lib/layout/keyTemplate.js';

describe('compileKeyTemplate', () => {
  it('captures every placeholder', () => {
    const t = compileKeyTemplate('CONV#{conversationId}#TS#{timestamp}');
    expect(t.match('CONV#c1#TS#2026-11-22T10:00:00.000Z')).toEqual({
      conversationId: 'c1',
      timestamp: '2026-11-22T10:00:00.000Z',
    });
  });

  it('does not let a placeholder cross a # separator', () => {
    expect(compileKeyTemplate('CONV#{conversationId}').match('CONV#c1#TS#t')).toBeUndefined();
  });

  it('does not match an empty placeholder value', () => {
    expect(compileKeyTemplate('USER#{userId}').match('USER#')).toBeUndefined();
  });

  it('requires the literal text after the last placeholder', () => {
    const t = compileKeyTemplate('RUN#{runId}#STEP');
    expect([t.match('RUN#r1#STEP'), t.match('RUN#r1#STEPS'), t.match('RUN#r1')]).toEqual([
      { runId: 'r1' },
      undefined,
      undefined,
    ]);
  });

  it('requires the literal prefix', () => {
    expect(compileKeyTemplate('USER#{userId}').match('XUSER#u1')).toBeUndefined();
  });

  it('matches a template without placeholders only to its own text', () => {
    const t = compileKeyTemplate('IDEMPOTENCY');
    expect([t.match('IDEMPOTENCY'), t.match('IDEMPOTENCY#2'), t.names]).toEqual([{}, undefined, []]);
  });

  it('treats regular-expression characters in the literal text literally', () => {
    const t = compileKeyTemplate('$mastra#entity_thread#id_{conversationId}');
    expect([t.match('$mastra#entity_thread#id_abc'), t.match('Xmastra#entity_thread#id_abc')]).toEqual([
      { conversationId: 'abc' },
      undefined,
    ]);
    expect(compileKeyTemplate('a.b(c)+{x}').match('aXb(c)+1')).toBeUndefined();
  });

  it('captures placeholder values with other separators inside them', () => {
    expect(compileKeyTemplate('RATELIMIT#{counterKey}').match('RATELIMIT#u-42:llm tokens/min')).toEqual({
      counterKey: 'u-42:llm tokens/min',
    });
  });

  it('handles adjacent literal and placeholder text without a separator', () => {
    expect(compileKeyTemplate('$thread_1#id_{id}').match('$thread_1#id_t-9')).toEqual({ id: 't-9' });
  });

  it('exposes the literal prefix and the placeholder names', () => {
    const t = compileKeyTemplate('RUN#{runId}#STEP#{step}');
    expect([t.prefix, t.names]).toEqual(['RUN#', ['runId', 'step']]);
  });

  it('formats a key from identifiers, the inverse of match', () => {
    const t = compileKeyTemplate('LEDGER#{runId}#TOOL#{toolCallId}');
    const key = t.format({ runId: 'r-1', toolCallId: 'call-9' });
    expect([key, t.match(key)]).toEqual(['LEDGER#r-1#TOOL#call-9', { runId: 'r-1', toolCallId: 'call-9' }]);
  });

  it('refuses to format a key with a placeholder value missing', () => {
    expect(() => compileKeyTemplate('USER#{userId}').format({})).toThrow(LayoutError);
  });

  it('rejects an empty template', () => {
    expect(() => compileKeyTemplate('')).toThrow(LayoutError);
  });

  it('rejects a template that uses a placeholder twice, naming it', () => {
    expect(() => compileKeyTemplate('{id}#{id}')).toThrow(/uses \{id\} twice/);
  });

  it('leaves braces that are not placeholders as literal text', () => {
    expect(compileKeyTemplate('A{1x}#{id}').match('A{1x}#7')).toEqual({ id: '7' });
  });
});

describe('typed placeholders', () => {
  const turn = compileKeyTemplate('{conversationId}#{timestamp:time}');
  const step = compileKeyTemplate('{runId}#{step:step}');

  it.each([
    '2026-11-21T10:00:00.000Z',
    '2026-11-21T10:00:00Z',
    '2026-11-21T10:00:00+01:00',
    '2026-11-21',
    '1763719200',
    '1763719200123',
    '1763719200.5',
  ])('matches the time %s only as a time', (time) => {
    expect([turn.match(`c-7f3a#${time}`), step.match(`r-9#${time}`)]).toEqual([
      { conversationId: 'c-7f3a', timestamp: time },
      undefined,
    ]);
  });

  it.each(['3', '001', '42', '999999999'])('matches the step number %s only as a step', (n) => {
    expect([step.match(`r-9#${n}`), turn.match(`r-9#${n}`)]).toEqual([{ runId: 'r-9', step: n }, undefined]);
  });

  it.each(['call-2', '2026-13-45', 'tomorrow', '-3', '1.5'])('matches %s as neither', (value) => {
    expect([turn.match(`x#${value}`), step.match(`x#${value}`)]).toEqual([undefined, undefined]);
  });

  it('lets an any placeholder take # separators too', () => {
    expect(compileKeyTemplate('{sessionId:any}').match('tenant#a#sess-1')).toEqual({
      sessionId: 'tenant#a#sess-1',
    });
  });

  it('formats a typed placeholder by its name', () => {
    expect(turn.format({ conversationId: 'c1', timestamp: '1763719200' })).toBe('c1#1763719200');
  });

  it('rejects an unknown value type, naming it and the known ones', () => {
    expect(() => compileKeyTemplate('{a:uuid}')).toThrow(
      new LayoutError('key template {a:uuid}: unknown value type :uuid of {a} (one of time, step, any)'),
    );
  });
});

describe('reading placeholders without the regex', () => {
  /** The regex every template compiles to, written out again as the reference. */
  function reference(source: string, value: string): Record<string, string> | undefined {
    const names: string[] = [];
    const pattern = source
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}/g, (_m, name: string, type?: string) => {
        names.push(name);
        return type === 'any' ? '(.+)' : '([^#]+)';
      });
    const m = new RegExp(`^${pattern}$`).exec(value);
    if (!m) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, m[i + 1]!]));
  }

  const literal = fc.constantFrom('USER#', '#', 'CONV#', '#TS#', '#STEP#', 'A', '-', 'x#y', '');
  const template = fc
    .array(fc.tuple(literal, fc.constantFrom('', ':any')), { minLength: 0, maxLength: 3 })
    .chain((parts) =>
      literal.map((tail) => parts.map(([lit, type], i) => `${lit}{p${i}${type}}`).join('') + tail),
    )
    .filter((source) => source !== '');
  const value = fc
    .array(fc.constantFrom('USER', '#', 'CONV', 'TS', 'STEP', 'u-1', 'c', '-', 'A', '', 'x#y', '7'), {
      maxLength: 8,
    })
    .map((parts) => parts.join(''));

  it('finds what the template regex finds, for any template and key', () => {
    fc.assert(
      fc.property(template, value, (source, key) => {
        const compiled = compileKeyTemplate(source);
        const found = compiled.match(key);
        expect(found === undefined ? undefined : { ...found }).toEqual(reference(source, key));
        // `capture` gives the same values as a list, in the order of the names.
        expect(compiled.capture(key)).toEqual(found && compiled.names.map((name) => found[name]));
      }),
      { numRuns: 3000 },
    );
  });

  it('also for keys that are built from the template', () => {
    fc.assert(
      fc.property(
        template,
        fc.array(fc.constantFrom('u-1', 'c', 'A-B', 'x', '2026'), { minLength: 3, maxLength: 3 }),
        (source, values) => {
          const compiled = compileKeyTemplate(source);
          const key = compiled.format(
            Object.fromEntries(compiled.names.map((name, i) => [name, values[i]!])),
          );
          const found = compiled.match(key);
          expect(found === undefined ? undefined : { ...found }).toEqual(reference(source, key));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
