/**
 * Issue #14 item 9: the offline matcher agrees with EventBridge on numbers a double cannot hold,
 * and `test-pattern --event` takes what `replay --json` prints.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { compilePattern } from '../../lib/patterns/compilePattern.js';
import { ExactNumber, parseJsonExact } from '../../lib/patterns/ExactNumber.js';
import { InvalidPatternError } from '../../lib/patterns/InvalidPatternError.js';

function matches(pattern: string, event: string): boolean {
  return compilePattern(pattern).matches(parseJsonExact(event));
}

describe('integers beyond 2^53 (#14.9)', () => {
  it('does not match 9007199254740992 against [9007199254740993]', () => {
    expect(matches('{"n":[9007199254740993]}', '{"n":9007199254740992}')).toBe(false);
  });

  it('matches the same big integer, however it is written', () => {
    expect(matches('{"n":[9007199254740993]}', '{"n":9007199254740993}')).toBe(true);
    expect(matches('{"n":[100000000000000000000]}', '{"n":1e20}')).toBe(true);
    expect(matches('{"n":[100000000000000000000]}', '{"n":[1, 1e20]}')).toBe(true);
  });

  it('does not match a big event integer against the double it rounds to', () => {
    expect(matches('{"n":[9007199254740992]}', '{"n":9007199254740993}')).toBe(false);
  });

  it('lets a big event integer through a numeric anything-but and no numeric range', () => {
    expect(matches('{"n":[{"anything-but":[5]}]}', '{"n":9007199254740993}')).toBe(true);
    expect(matches('{"n":[{"numeric":[">",0]}]}', '{"n":9007199254740993}')).toBe(false);
    expect(matches('{"n":[{"exists":true}]}', '{"n":9007199254740993}')).toBe(true);
  });

  it('refuses a numeric range bound a double cannot hold, as outside the documented limits', () => {
    expect(() => compilePattern('{"n":[{"numeric":[">",9007199254740993]}]}')).toThrow(InvalidPatternError);
  });

  it('parses JSON like JSON.parse otherwise (last repeated key wins, __proto__ is data)', () => {
    const value = parseJsonExact('{"a":1,"a":2,"__proto__":{"x":3},"big":12345678901234567890}') as Record<
      string,
      unknown
    >;
    expect(value.a).toBe(2);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 3 });
    expect(value.big).toBeInstanceOf(ExactNumber);
    expect(JSON.stringify(value.big)).toBe('"12345678901234567890"');
  });
});

describe('cidr masking (#14.9)', () => {
  it('matches 10.0.0.1 against 10.0.0.5/24, masking the host bits', () => {
    expect(matches('{"ip":[{"cidr":"10.0.0.5/24"}]}', '{"ip":"10.0.0.1"}')).toBe(true);
  });
});

describe('test-pattern --event with a line of replay --json output', () => {
  async function run(...args: string[]) {
    let out = '';
    let err = '';
    const code = await main(['node', 'memory-cdc', ...args], {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
      cwd: process.cwd(),
    });
    return { code, out, err };
  }

  async function firstEventBridgeLine(): Promise<string> {
    const fixture = join(import.meta.dirname, '../fixtures/untrusted/poison-records.json');
    const replay = await run('replay', '--json', '--no-archive', fixture);
    const line = replay.out.split('\n').find((l) => l.includes('"sink":"eventbridge"'));
    if (!line) throw new Error('replay printed no eventbridge line');
    return line;
  }

  it('converts the PutEvents entry the way EventBridge delivers it, says so, and matches', async () => {
    const line = await firstEventBridgeLine();
    const result = await run(
      'test-pattern',
      '--pattern',
      '{"source":["memory-cdc"],"detail-type":["Turn Created"],"detail":{"entity":["turn"]}}',
      '--event',
      line,
    );
    expect(result.err).toMatch(/note: --event is a replay --json line \(record good-first\)/);
    expect([result.out, result.code]).toEqual(['match\n', 0]);
  });

  it('refuses a line of another sink, saying why', async () => {
    const line = (await firstEventBridgeLine()).replace('"sink":"eventbridge"', '"sink":"kinesis"');
    const result = await run('test-pattern', '--pattern', '{"source":["memory-cdc"]}', '--event', line);
    expect(result.err).toMatch(/kinesis output; only eventbridge outputs are EventBridge events/);
    expect(result.code).toBe(2);
  });
});
