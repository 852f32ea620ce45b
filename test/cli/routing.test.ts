import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING, resolveRouting } from '../../lib/routing/defaultRouting.js';
import { parseRouting } from '../../lib/routing/routingSchema.js';
import { runCli } from '../support/runCli.js';

const cwd = mkdtempSync(join(tmpdir(), 'memory-cdc-routing-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(cwd, ...args);

describe('memory-cdc routing show', () => {
  it('prints the default routing as a routing file that --routing reads back to the same routing', async () => {
    const shown = await run('routing', 'show');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toEqual(DEFAULT_ROUTING);
    expect(resolveRouting(parseRouting(JSON.parse(shown.out), 'shown'))).toEqual(DEFAULT_ROUTING);
  });

  it('merges a routing file over the defaults, sink by sink', async () => {
    writeFileSync(join(cwd, 'narrow.json'), JSON.stringify({ kinesis: { entities: ['turn', 'run'] } }));
    const shown = await run('routing', 'show', '--routing', 'narrow.json');
    expect(JSON.parse(shown.out)).toEqual({
      ...DEFAULT_ROUTING,
      kinesis: { ...DEFAULT_ROUTING.kinesis, entities: ['turn', 'run'] },
    });
  });

  it('writes --out into new folders and refuses to overwrite it without --force', async () => {
    const first = await run('routing', 'show', '--out', 'conf/routing.json');
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'conf/routing.json'), 'utf8'))).toEqual(DEFAULT_ROUTING);
    const again = await run('routing', 'show', '--out', 'conf/routing.json');
    expect([again.code, again.err]).toEqual([
      2,
      `memory-cdc routing show: --out ${join(cwd, 'conf/routing.json')} already exists (pass --force to overwrite)\n`,
    ]);
    expect((await run('routing', 'show', '--out', 'conf/routing.json', '--force')).code).toBe(0);
  });

  it('refuses a routing file with an unknown sink, field or entity, naming each and what is allowed', async () => {
    writeFileSync(
      join(cwd, 'bad.json'),
      JSON.stringify({ kinesys: {}, kinesis: { entities: ['turn', 'ratelimit'], noise: true } }),
    );
    const shown = await run('routing', 'show', '--routing', 'bad.json');
    expect(shown.code).toBe(2);
    expect(shown.out).toBe('');
    expect(shown.err).toMatch(/^memory-cdc routing show: --routing bad\.json: invalid routing: /);
    expect(shown.err).toContain('("kinesys")');
    expect(shown.err).toContain('("noise")');
    expect(shown.err).toContain('/kinesis/entities/1 must be equal to one of the allowed values');
    expect(shown.err).toContain('entities: "all" or some of conversation, turn');
  });

  it('is the routing replay applies: a routing file that drops rate-limit counters from Kinesis drops them', async () => {
    writeFileSync(
      join(cwd, 'fixture.json'),
      (await run('fixtures', '--count', '200', '--mix', 'turn=1,rate_limit=1')).out,
    );
    const byDefault = await run('replay', '--no-archive', '--json', 'fixture.json');
    const counters = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { sink: string; entity: string })
        .filter((o) => o.sink === 'kinesis' && o.entity === 'rate_limit').length;
    expect(counters(byDefault.out)).toBeGreaterThan(50);
    const routing = JSON.stringify({ kinesis: { entities: ['turn'] } });
    const narrowed = await run('replay', '--no-archive', '--json', '--routing', routing, 'fixture.json');
    expect(counters(narrowed.out)).toBe(0);
  });
});
