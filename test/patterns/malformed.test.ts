import { describe, expect, it } from 'vitest';
import { MemoryCdcError } from '../../lib/errors.js';
import { compilePattern, InvalidPatternError, MAX_PATTERN_LENGTH } from '../../lib/patterns/index.js';

function reasonOf(pattern: unknown): InvalidPatternError {
  try {
    compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidPatternError) return error;
    throw error;
  }
  throw new Error(`pattern was accepted: ${JSON.stringify(pattern)}`);
}

/** [what, pattern, reason (substring), path] */
type Row = [string, unknown, string, string | undefined];

function rejects(rows: Row[]): void {
  it.each(rows)('rejects %s', (_what, pattern, reason, path) => {
    const error = reasonOf(pattern);
    expect(error.reason).toContain(reason);
    expect(error.path).toBe(path);
  });
}

describe('the pattern as a whole', () => {
  rejects([
    ['a number', 5, 'Filter is not an object', undefined],
    ['null', null, 'Filter is not an object (given null)', undefined],
    ['an array', [{ source: ['x'] }], 'Filter is not an object (given an array)', undefined],
    ['JSON text of an array', '["x"]', 'Filter is not an object', undefined],
    ['invalid JSON text', '{"source": [', 'Event pattern is not valid JSON', undefined],
    ['an empty object', {}, 'Empty objects are not allowed', undefined],
    ['an empty nested object', { detail: {} }, 'Empty objects are not allowed', 'detail'],
    [
      'a pattern longer than PutRule allows',
      { source: ['x'.repeat(MAX_PATTERN_LENGTH)] },
      'longer than 4096',
      undefined,
    ],
    [
      'JSON text longer than PutRule allows',
      `{"source":["${'x'.repeat(MAX_PATTERN_LENGTH)}"]}`,
      'longer than 4096',
      undefined,
    ],
    ['a BigInt', { a: [10n] }, 'Event pattern is not JSON', undefined],
  ]);

  it('rejects a cyclic object', () => {
    const cyclic: Record<string, unknown> = { a: ['x'] };
    cyclic.self = cyclic;
    expect(reasonOf(cyclic).reason).toContain('not JSON');
  });
});

describe('fields and leaves', () => {
  rejects([
    ['a leaf that is a string', { source: 'aws.ec2' }, '"source" must be an object or an array', 'source'],
    ['a leaf that is a number', { detail: { n: 5 } }, '"n" must be an object or an array', 'detail.n'],
    ['a leaf that is null', { a: null }, '"a" must be an object or an array', 'a'],
    ['a leaf that is true', { a: true }, '"a" must be an object or an array', 'a'],
    ['an empty array', { detail: { state: [] } }, 'Empty arrays are not allowed', 'detail.state'],
    [
      'an array inside a leaf',
      { a: [['x']] },
      'Match value must be String, number, true, false, or null',
      'a',
    ],
    ['NaN', { a: [Number.NaN] }, 'Match value must be', 'a'],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }, 'Match value must be', 'a'],
    ['undefined in a leaf', { a: [undefined] }, 'Match value must be', 'a'],
  ]);
});

describe('operators', () => {
  rejects([
    ['an empty match expression', { a: [{}] }, 'Match expression name not found', 'a'],
    [
      'two operators in one object',
      { a: [{ prefix: 'x', suffix: 'y' }] },
      'Only one key allowed in match expression',
      'a',
    ],
    ['an unknown operator', { a: [{ contains: 'x' }] }, 'Unrecognized match type contains', 'a'],
    ['a misspelt operator', { a: [{ anything_but: 'x' }] }, 'Unrecognized match type anything_but', 'a'],
    ['a prefix that is a number', { a: [{ prefix: 5 }] }, 'prefix match pattern must be a string', 'a'],
    [
      'a prefix with an unknown option',
      { a: [{ prefix: { wildcard: 'x' } }] },
      'Unsupported prefix pattern: wildcard',
      'a',
    ],
    ['an empty prefix option', { a: [{ prefix: {} }] }, 'prefix expression name not found', 'a'],
    [
      'a prefix ignore-case that is not a string',
      { a: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
      'a',
    ],
    ['a suffix that is null', { a: [{ suffix: null }] }, 'suffix match pattern must be a string', 'a'],
    [
      'a suffix with two options',
      { a: [{ suffix: { 'equals-ignore-case': 'x', prefix: 'y' } }] },
      'Only one key allowed',
      'a',
    ],
    [
      'equals-ignore-case with a list',
      { a: [{ 'equals-ignore-case': ['x'] }] },
      'equals-ignore-case match pattern must be a string',
      'a',
    ],
    ['a wildcard that is a number', { a: [{ wildcard: 1 }] }, 'wildcard match pattern must be a string', 'a'],
    [
      'consecutive wildcards',
      { a: [{ wildcard: 'dir/**.png' }] },
      'Consecutive wildcard characters at pos 4',
      'a',
    ],
    ['an invalid wildcard escape', { a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1', 'a'],
    ['a trailing backslash in a wildcard', { a: [{ wildcard: 'a\\' }] }, 'Invalid escape character', 'a'],
    [
      'exists with a string',
      { a: [{ exists: 'true' }] },
      'exists match pattern must be either true or false',
      'a',
    ],
    [
      'exists with a number',
      { a: [{ exists: 1 }] },
      'exists match pattern must be either true or false',
      'a',
    ],
    ['exists with null', { a: [{ exists: null }] }, 'exists match pattern must be either true or false', 'a'],
  ]);
});

describe('numeric', () => {
  rejects([
    ['an operand that is not an array', { n: [{ numeric: '>5' }] }, 'Value of numeric must be an array', 'n'],
    ['an empty operand', { n: [{ numeric: [] }] }, 'Invalid member in numeric match', 'n'],
    ['a number first', { n: [{ numeric: [5, '>'] }] }, 'Invalid member in numeric match: 5', 'n'],
    ['an unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !=', 'n'],
    ['a missing value', { n: [{ numeric: ['>'] }] }, 'Value of > must be numeric', 'n'],
    ['a string value', { n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric', 'n'],
    [
      'too many elements after =',
      { n: [{ numeric: ['=', 1, 2] }] },
      'Too many elements in numeric expression',
      'n',
    ],
    [
      'an upper bound after <',
      { n: [{ numeric: ['<', 10, '>', 0] }] },
      'Too many elements in numeric expression',
      'n',
    ],
    ['a second lower bound', { n: [{ numeric: ['>', 1, '>', 5] }] }, 'Bad numeric range operator: >', 'n'],
    [
      'a number where the upper operator goes',
      { n: [{ numeric: ['>', 1, 5] }] },
      'Bad value in numeric range: 5',
      'n',
    ],
    ['a missing upper value', { n: [{ numeric: ['>', 1, '<'] }] }, 'Value of < must be numeric', 'n'],
    [
      'too many terms',
      { n: [{ numeric: ['>', 1, '<', 5, '<', 6] }] },
      'Too many terms in numeric range expression',
      'n',
    ],
    ['an empty range', { n: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top', 'n'],
    ['an inverted range', { n: [{ numeric: ['>', 10, '<', 0] }] }, 'Bottom must be less than top', 'n'],
    ['a value above 5e9', { n: [{ numeric: ['<', 6e9] }] }, 'Value must be between -5e9 and 5e9', 'n'],
    [
      'a value below -5e9',
      { n: [{ numeric: ['>', -5.000001e9] }] },
      'Value must be between -5e9 and 5e9',
      'n',
    ],
    ['more than six decimals', { n: [{ numeric: ['=', 0.1234567] }] }, 'Only values up to 6 decimals', 'n'],
  ]);

  it('accepts the bounds themselves', () => {
    expect(compilePattern({ n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }).matches({ n: 5e9 })).toBe(true);
    expect(compilePattern({ n: [{ numeric: ['=', 0.123456] }] }).matches({ n: 0.123456 })).toBe(true);
  });
});

describe('anything-but', () => {
  rejects([
    [
      'null',
      { a: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value',
      'a',
    ],
    [
      'a boolean',
      { a: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value',
      'a',
    ],
    [
      'an empty list',
      { a: [{ 'anything-but': [] }] },
      'mixed type is not supported (the list is empty)',
      'a',
    ],
    ['a mixed list', { a: [{ 'anything-but': ['x', 1] }] }, 'either all values are number or string', 'a'],
    [
      'null in a list',
      { a: [{ 'anything-but': ['x', null] }] },
      'only strings or numbers are supported',
      'a',
    ],
    ['an empty object', { a: [{ 'anything-but': {} }] }, 'Anything-But expression name not found', 'a'],
    [
      'exists inside',
      { a: [{ 'anything-but': { exists: true } }] },
      'Unsupported anything-but pattern: exists',
      'a',
    ],
    [
      'numeric inside',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
      'a',
    ],
    [
      'two keys inside',
      { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'Only one key allowed',
      'a',
    ],
    ['an empty prefix', { a: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed', 'a'],
    [
      'an empty suffix in a list',
      { a: [{ 'anything-but': { suffix: ['.png', ''] } }] },
      'Null prefix/suffix not allowed',
      'a',
    ],
    [
      'a numeric prefix',
      { a: [{ 'anything-but': { prefix: 5 } }] },
      'prefix/suffix match pattern must be a string',
      'a',
    ],
    [
      'a numeric equals-ignore-case',
      { a: [{ 'anything-but': { 'equals-ignore-case': [5] } }] },
      'only strings are supported',
      'a',
    ],
    [
      'a bad wildcard',
      { a: [{ 'anything-but': { wildcard: '**' } }] },
      'Consecutive wildcard characters',
      'a',
    ],
    ['a number out of range', { a: [{ 'anything-but': 6e9 }] }, 'Value must be between -5e9 and 5e9', 'a'],
    [
      'a list number with seven decimals',
      { a: [{ 'anything-but': [1, 0.0000001] }] },
      'Only values up to 6 decimals',
      'a',
    ],
  ]);
});

describe('cidr', () => {
  rejects([
    ['a number', { ip: [{ cidr: 10 }] }, 'cidr match pattern must be a string', 'ip'],
    ['no slash', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required", 'ip'],
    ['two slashes', { ip: [{ cidr: '10.0.0.0/8/8' }] }, "Malformed CIDR, one '/' required", 'ip'],
    [
      'mask bits that are not a number',
      { ip: [{ cidr: '10.0.0.0/x' }] },
      'mask bits must be an integer',
      'ip',
    ],
    ['negative mask bits', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'mask bits must not be negative', 'ip'],
    ['an invalid IPv4 address', { ip: [{ cidr: '10.0.0.300/24' }] }, 'Invalid IP address', 'ip'],
    ['a host name', { ip: [{ cidr: 'example.com/24' }] }, 'Invalid IP address', 'ip'],
    ['an invalid IPv6 address', { ip: [{ cidr: '2001:db8:::1/64' }] }, 'Invalid IP address', 'ip'],
    ['IPv4 mask bits of 32', { ip: [{ cidr: '10.0.0.1/32' }] }, 'IPv4 mask bits must be < 32', 'ip'],
    ['IPv6 mask bits of 128', { ip: [{ cidr: '2001:db8::1/128' }] }, 'IPv6 mask bits must be < 128', 'ip'],
  ]);
});

describe('$or', () => {
  rejects([
    ['an object instead of an array', { $or: { a: ['x'] } }, '$or must be followed by an array', '$or'],
    ['a single alternative', { $or: [{ a: ['x'] }] }, 'at least 2 objects in a $or (given 1)', '$or'],
    ['an empty array', { detail: { $or: [] } }, 'at least 2 objects in a $or (given 0)', 'detail.$or'],
    ['a string alternative', { $or: [{ a: ['x'] }, 'b'] }, 'Only JSON objects are allowed', '$or[1]'],
    ['an empty alternative', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$or[1]'],
    [
      'an operator name as a field inside $or',
      { $or: [{ numeric: [1] }, { a: ['x'] }] },
      'numeric is a reserved keyword',
      '$or[0].numeric',
    ],
    [
      'a reserved name deeper inside $or',
      { $or: [{ d: { prefix: ['x'] } }, { a: ['x'] }] },
      'prefix is a reserved keyword',
      '$or[0].d.prefix',
    ],
    [
      'a malformed leaf inside $or',
      { $or: [{ a: [] }, { b: ['x'] }] },
      'Empty arrays are not allowed',
      '$or[0].a',
    ],
  ]);

  it('allows operator names as field names outside $or', () => {
    expect(compilePattern({ detail: { prefix: ['x'] } }).matches({ detail: { prefix: 'x' } })).toBe(true);
  });
});

describe('InvalidPatternError', () => {
  it('is a typed MemoryCdcError whose message reads like PutRule’s', () => {
    const error = reasonOf({ detail: { state: [] } });
    expect(error).toBeInstanceOf(MemoryCdcError);
    expect(error.name).toBe('InvalidPatternError');
    expect(error.message).toBe(
      'Event pattern is not valid. Reason: Empty arrays are not allowed (at detail.state)',
    );
    expect(error.rule).toBeUndefined();
  });
});
