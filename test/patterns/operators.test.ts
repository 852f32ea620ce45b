import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern } from '../../lib/patterns/index.js';

/** [pattern, event, expected] */
type Row = [Record<string, unknown>, unknown, boolean];

/** Checks each row with generated matchers (the default) and with plain closures. */
function check(rows: Row[]): void {
  it.each(rows)('%j against %j is %s', (pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
    expect(compilePattern(pattern, { generateCode: false }).matches(event)).toBe(expected);
  });
}

describe('exact values', () => {
  check([
    [{ a: ['x'] }, { a: 'x' }, true],
    [{ a: ['x'] }, { a: 'X' }, false],
    [{ a: [5] }, { a: 5 }, true],
    [{ a: [5] }, { a: '5' }, false],
    [{ a: ['5'] }, { a: 5 }, false],
    [{ a: [300] }, { a: 300.0 }, true],
    [{ a: [1.5, 2] }, { a: 2 }, true],
    [{ a: [true] }, { a: true }, true],
    [{ a: [true] }, { a: 'true' }, false],
    [{ a: [false] }, { a: true }, false],
    [{ a: [null] }, { a: null }, true],
    [{ a: [null] }, {}, false],
    [{ a: [''] }, { a: '' }, true],
    [{ a: [''] }, { a: null }, false],
    [{ a: [123456789012] }, { a: 123456789012 }, true],
    [{ 'k"e\\y\n\u2028});': ['v"a\\l\u2029'] }, { 'k"e\\y\n\u2028});': 'v"a\\l\u2029' }, true],
    [{ 'k"e\\y\n\u2028});': ['v"a\\l\u2029'] }, { 'k"e\\y\n\u2028});': 'v"a\\l' }, false],
  ]);
});

describe('lists are OR, fields are AND, nesting follows the event', () => {
  check([
    [{ a: ['x', 'y', 3] }, { a: 'y' }, true],
    [{ a: ['x', 'y', 3] }, { a: 3 }, true],
    [{ a: ['x', 'y'] }, { a: 'z' }, false],
    [{ a: ['x'], b: ['y'] }, { a: 'x', b: 'y', c: 'ignored' }, true],
    [{ a: ['x'], b: ['y'] }, { a: 'x', b: 'z' }, false],
    [{ a: ['x'], b: ['y'] }, { a: 'x' }, false],
    [{ d: { e: { f: ['x'] } } }, { d: { e: { f: 'x' } } }, true],
    [{ d: { e: { f: ['x'] } } }, { d: { f: 'x' } }, false],
    [{ d: { e: ['x'] } }, { d: 'x' }, false],
    [{ d: ['x'] }, { d: { e: 'x' } }, false],
    [{ d: { e: ['x'] } }, null, false],
    [{ 'd.e': ['x'] }, { d: { e: 'x' } }, false],
  ]);
});

describe('array event values', () => {
  check([
    [{ a: ['x'] }, { a: ['w', 'x'] }, true],
    [{ a: ['x'] }, { a: ['w', 'y'] }, false],
    [{ a: ['x'] }, { a: [] }, false],
    [{ a: ['x'] }, { a: [['w'], ['x']] }, true],
    [{ a: ['x'] }, { a: [{ b: 'x' }] }, false],
    [{ a: [5] }, { a: ['5', 5] }, true],
    [{ a: { b: ['x'] } }, { a: [{ b: 'y' }, { b: 'x' }] }, true],
    [{ a: { b: ['x'], c: ['y'] } }, { a: [{ b: 'x' }, { c: 'y' }] }, false],
    [{ a: { b: ['x'], c: ['y'] } }, { a: [{ b: 'x', c: 'y' }] }, true],
    [{ a: { b: ['x'] } }, { a: [[{ b: 'x' }]] }, true],
  ]);
});

describe('prefix', () => {
  check([
    [{ a: [{ prefix: 'us-' }] }, { a: 'us-east-1' }, true],
    [{ a: [{ prefix: 'us-' }] }, { a: 'eu-west-1' }, false],
    [{ a: [{ prefix: 'us-' }] }, { a: 'US-east-1' }, false],
    [{ a: [{ prefix: '1' }] }, { a: 123 }, false],
    [{ a: [{ prefix: '' }] }, { a: 'anything' }, true],
    [{ a: [{ prefix: '' }] }, { a: 5 }, false],
    [{ a: [{ prefix: '' }] }, {}, false],
    [{ a: [{ prefix: { 'equals-ignore-case': 'US-' } }] }, { a: 'us-east-1' }, true],
    [{ a: [{ prefix: { 'equals-ignore-case': 'US-' } }] }, { a: 'eu-us-1' }, false],
    [{ a: [{ prefix: { 'equals-ignore-case': 'abc' } }] }, { a: 'ab' }, false],
  ]);
});

describe('suffix', () => {
  check([
    [{ a: [{ suffix: '.png' }] }, { a: 'cat.png' }, true],
    [{ a: [{ suffix: '.png' }] }, { a: 'cat.PNG' }, false],
    [{ a: [{ suffix: '.png' }] }, { a: 'cat.jpg' }, false],
    [{ a: [{ suffix: '5' }] }, { a: 5 }, false],
    [{ a: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { a: 'cat.png' }, true],
    [{ a: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { a: 'cat.pn' }, false],
  ]);
});

describe('equals-ignore-case', () => {
  check([
    [{ a: [{ 'equals-ignore-case': 'Alice' }] }, { a: 'aLiCe' }, true],
    [{ a: [{ 'equals-ignore-case': 'Alice' }] }, { a: 'Alicia' }, false],
    [{ a: [{ 'equals-ignore-case': 'true' }] }, { a: true }, false],
    [{ a: ['Bob', { 'equals-ignore-case': 'alice' }] }, { a: 'BOB' }, false],
    [{ a: ['Bob', { 'equals-ignore-case': 'alice' }] }, { a: 'ALICE' }, true],
  ]);
});

describe('wildcard', () => {
  check([
    [{ a: [{ wildcard: 'dir/*.png' }] }, { a: 'dir/sub/cat.png' }, true],
    [{ a: [{ wildcard: 'dir/*.png' }] }, { a: 'dir/.png' }, true],
    [{ a: [{ wildcard: 'dir/*.png' }] }, { a: 'xdir/cat.png' }, false],
    [{ a: [{ wildcard: '*' }] }, { a: '' }, true],
    [{ a: [{ wildcard: '*' }] }, { a: 5 }, false],
    [{ a: [{ wildcard: 'a*b*c' }] }, { a: 'abc' }, true],
    [{ a: [{ wildcard: 'a*b*c' }] }, { a: 'a-c-b' }, false],
    [{ a: [{ wildcard: 'a*bc*bc' }] }, { a: 'abcbc' }, true],
    [{ a: [{ wildcard: 'ab*ba' }] }, { a: 'aba' }, false],
    [{ a: [{ wildcard: '*a*a*a*b' }] }, { a: 'a'.repeat(5000) }, false],
    [{ a: [{ wildcard: 'exact' }] }, { a: 'exact' }, true],
    [{ a: [{ wildcard: 'exact' }] }, { a: 'exactly' }, false],
    [{ a: [{ wildcard: 'a\\*b' }] }, { a: 'a*b' }, true],
    [{ a: [{ wildcard: 'a\\*b' }] }, { a: 'axb' }, false],
    [{ a: [{ wildcard: 'a\\\\*' }] }, { a: 'a\\bc' }, true],
    [{ a: [{ wildcard: 'a\\\\*' }] }, { a: 'abc' }, false],
  ]);
});

describe('anything-but', () => {
  check([
    [{ a: [{ 'anything-but': 'x' }] }, { a: 'y' }, true],
    [{ a: [{ 'anything-but': 'x' }] }, { a: 'x' }, false],
    [{ a: [{ 'anything-but': 'x' }] }, {}, false],
    [{ a: [{ 'anything-but': 'x' }] }, { a: null }, true],
    [{ a: [{ 'anything-but': 'x' }] }, { a: 5 }, true],
    [{ a: [{ 'anything-but': 'x' }] }, { a: false }, true],
    [{ a: [{ 'anything-but': 'x' }] }, { a: { b: 'y' } }, false],
    [{ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'y'] }, true],
    [{ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'x'] }, false],
    [{ a: [{ 'anything-but': 5 }] }, { a: 5 }, false],
    [{ a: [{ 'anything-but': 5 }] }, { a: '5' }, true],
    [{ a: [{ 'anything-but': [1, 2] }] }, { a: 2 }, false],
    [{ a: [{ 'anything-but': [1, 2] }] }, { a: 3 }, true],
    [{ a: [{ 'anything-but': ['x', 'y'] }] }, { a: 'y' }, false],
    [{ a: [{ 'anything-but': ['x', 'y'] }] }, { a: 'z' }, true],
    [{ a: [{ 'anything-but': { prefix: 'us-' } }] }, { a: 'us-east-1' }, false],
    [{ a: [{ 'anything-but': { prefix: 'us-' } }] }, { a: 'eu-west-1' }, true],
    [{ a: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { a: 'eu-west-1' }, false],
    [{ a: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { a: 'ap-south-1' }, true],
    [{ a: [{ 'anything-but': { prefix: 'us-' } }] }, { a: 7 }, true],
    [{ a: [{ 'anything-but': { suffix: '.png' } }] }, { a: 'a.png' }, false],
    [{ a: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] }, { a: 'a.jpg' }, false],
    [{ a: [{ 'anything-but': { suffix: '.png' } }] }, { a: 'a.gif' }, true],
    [{ a: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Failed'] } }] }, { a: 'FAILED' }, false],
    [{ a: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Failed'] } }] }, { a: 'running' }, true],
    [{ a: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] }, { a: '/usr/bin/ls' }, false],
    [{ a: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] }, { a: '/etc/hosts' }, true],
    [{ a: ['x', { 'anything-but': 'x' }] }, { a: 'x' }, true],
  ]);
});

describe('numeric', () => {
  check([
    [{ a: [{ numeric: ['=', 3.018e2] }] }, { a: 301.8 }, true],
    [{ a: [{ numeric: ['=', 100] }] }, { a: 100.0 }, true],
    [{ a: [{ numeric: ['=', 100] }] }, { a: 100.000001 }, false],
    [{ a: [{ numeric: ['<', 10] }] }, { a: 9.999999 }, true],
    [{ a: [{ numeric: ['<', 10] }] }, { a: 10 }, false],
    [{ a: [{ numeric: ['<=', 10] }] }, { a: 10 }, true],
    [{ a: [{ numeric: ['>', 0] }] }, { a: 0 }, false],
    [{ a: [{ numeric: ['>', 0] }] }, { a: 0.000001 }, true],
    [{ a: [{ numeric: ['>=', 0] }] }, { a: 0 }, true],
    [{ a: [{ numeric: ['>=', -5] }] }, { a: -5.5 }, false],
    [{ a: [{ numeric: ['>=', 0, '<', 5] }] }, { a: 5 }, false],
    [{ a: [{ numeric: ['>=', 0, '<', 5] }] }, { a: 0 }, true],
    [{ a: [{ numeric: ['>', 0, '<=', 5] }] }, { a: 5 }, true],
    [{ a: [{ numeric: ['>', 0] }] }, { a: '5' }, false],
    [{ a: [{ numeric: ['>', 0] }] }, { a: true }, false],
    [{ a: [{ numeric: ['>', 0] }] }, { a: 6e9 }, false],
    [{ a: [{ numeric: ['<', 0] }] }, { a: -6e9 }, false],
    [{ a: [{ numeric: ['>', 0] }] }, { a: 0.0000001 }, false],
    [{ a: [{ numeric: ['>', 0] }, { numeric: ['<', -10] }] }, { a: -11 }, true],
    [{ a: [{ numeric: ['>', 0] }] }, { a: [-1, 2] }, true],
  ]);
});

describe('exists', () => {
  check([
    [{ a: [{ exists: true }] }, { a: 'x' }, true],
    [{ a: [{ exists: true }] }, { a: null }, true],
    [{ a: [{ exists: true }] }, { a: '' }, true],
    [{ a: [{ exists: true }] }, { a: [1] }, true],
    [{ a: [{ exists: true }] }, {}, false],
    [{ a: [{ exists: true }] }, { a: { b: 1 } }, false],
    [{ a: [{ exists: true }] }, { a: [] }, false],
    [{ a: [{ exists: false }] }, {}, true],
    [{ a: [{ exists: false }] }, { a: null }, false],
    [{ a: [{ exists: false }] }, { a: { b: 1 } }, true],
    [{ a: [{ exists: false }] }, { a: [] }, true],
    [{ a: { b: [{ exists: false }] } }, {}, true],
    [{ a: { b: [{ exists: false }] } }, { a: 'scalar' }, true],
    [{ a: { b: [{ exists: false }] } }, { a: [{ b: 1 }] }, false],
    [{ a: { b: [{ exists: false }] } }, { a: [{ c: 1 }] }, true],
    [{ a: { b: [{ exists: true }] } }, { a: [{ b: 1 }] }, true],
    [{ a: [{ exists: false }, 'x'] }, { a: 'x' }, true],
    [{ constructor: [{ exists: true }] }, {}, false],
    [{ toString: [{ exists: false }] }, {}, true],
    [{ hasOwnProperty: ['x'] }, JSON.parse('{"hasOwnProperty":"x"}'), true],
  ]);
});

describe('cidr and IP addresses', () => {
  check([
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
    [{ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.200.3.4' }, true],
    [{ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.255.255.255' }, true],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 'not an ip' }, false],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.256' }, false],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 167772161 }, false],
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::ffff:a00:1' }, true],
    // Standard CIDR masking: host bits set in the block's address are ignored (#14.9).
    [{ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.1' }, true],
    [{ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.4' }, true],
    [{ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.1.1' }, false],
    [{ ip: [{ cidr: '2001:db8::ff/120' }] }, { ip: '2001:db8::1' }, true],
    [{ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::1' }, true],
    [{ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
    [{ ip: [{ cidr: '2001:db8::/64' }] }, { ip: '10.0.0.1' }, false],
    [{ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '2001:db8::1' }, false],
    [{ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' }, true],
    [{ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' }, false],
  ]);
});

describe('$or', () => {
  check([
    [{ $or: [{ a: ['x'] }, { b: ['y'] }] }, { b: 'y' }, true],
    [{ $or: [{ a: ['x'] }, { b: ['y'] }] }, { a: 'y', b: 'x' }, false],
    [{ s: ['s'], $or: [{ a: ['x'] }, { b: ['y'] }] }, { s: 't', a: 'x' }, false],
    [{ d: { $or: [{ a: [{ numeric: ['>', 5] }] }, { b: [{ exists: false }] }] } }, { d: { a: 1 } }, true],
    [
      { d: { $or: [{ a: [{ numeric: ['>', 5] }] }, { b: [{ exists: false }] }] } },
      { d: { a: 1, b: 2 } },
      false,
    ],
    [{ $or: [{ a: ['x'] }, { $or: [{ b: ['y'] }, { c: ['z'] }] }] }, { c: 'z' }, true],
    [{ $or: [{ d: { a: ['x'] } }, { d: { b: ['y'] } }] }, { d: { b: 'y' } }, true],
  ]);
});

describe('compiled patterns', () => {
  it('accept the pattern as JSON text, as PutRule does', () => {
    const pattern = compilePattern('{"source":["memory-cdc"],"detail":{"op":["insert"]}}');
    expect(pattern.pattern).toEqual({ source: ['memory-cdc'], detail: { op: ['insert'] } });
    expect(pattern.matches({ source: 'memory-cdc', detail: { op: 'insert' } })).toBe(true);
    expect(pattern.matches({ source: 'memory-cdc', detail: { op: 'remove' } })).toBe(false);
  });

  it('can be reused across many events', () => {
    const pattern = compilePattern({ detail: { n: [{ numeric: ['>=', 50] }] } });
    const hits = Array.from({ length: 100 }, (_, n) => pattern.matches({ detail: { n } })).filter(Boolean);
    expect(hits).toHaveLength(50);
  });
});
