import { once } from 'node:events';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerCapture } from '../../lib/cli/commands/capture.js';
import { registerReplay } from '../../lib/cli/commands/replay.js';
import { registerTail } from '../../lib/cli/commands/tail.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { StreamsSimulator, waitFor } from '../support/streamsSimulator.js';
import { runCli } from './runCli.js';

const FIXTURES = [
  'conversation',
  'runs-and-tools',
  'housekeeping',
  'expiry',
  'attribute-types',
  'unknown-items',
].map((name) => join(import.meta.dirname, '../../events/agent-memory', `${name}.json`));

let records: StreamRecord[];
let sim: StreamsSimulator;
let dir: string;

beforeAll(async () => {
  records = [];
  for (const file of FIXTURES)
    records.push(...(JSON.parse(await readFile(file, 'utf8')) as { Records: StreamRecord[] }).Records);
  records.sort((a, b) =>
    BigInt(a.dynamodb!.SequenceNumber!) < BigInt(b.dynamodb!.SequenceNumber!) ? -1 : 1,
  );
});

beforeEach(async () => {
  sim = await StreamsSimulator.start({ tableName: 'agent-memory' });
  dir = await mkdtemp(join(tmpdir(), 'tail-'));
});

afterEach(async () => {
  await sim.close();
});

/** The fixtures' records on a stream that split once: a parent shard, then two children by partition key. */
function splitStream(): void {
  sim.addShard('shardId-root').put('shardId-root', ...records.slice(0, 20));
  sim.split('shardId-root', 'shardId-a', 'shardId-b');
  for (const record of records.slice(20)) {
    const pk = JSON.stringify(record.dynamodb?.Keys?.pk);
    sim.put(pk.length % 2 ? 'shardId-a' : 'shardId-b', record);
  }
}

const live = (...args: string[]) => [
  '--endpoint',
  sim.endpoint,
  '--poll-interval',
  '5',
  '--no-progress',
  ...args,
];
const tail = (...args: string[]) => runCli([registerTail], ['tail', ...live(...args)]);
const capture = (...args: string[]) => runCli([registerCapture], ['capture', ...live(...args)]);
const replay = (...args: string[]) => runCli([registerReplay], ['replay', '--no-archive', ...args], dir);

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
/** The summary from its entity table on (the first lines name the command and the source). */
const summaryBody = (text: string) => text.slice(text.indexOf('Changes by entity'));

describe('tail', () => {
  it('prints, with --json, exactly the lines replay --json prints for the same records', async () => {
    splitStream();
    sim.disable();
    const tailed = await tail('--table', 'agent-memory', '--from', 'trim-horizon', '--json');
    expect(tailed.code).toBe(0);
    const replayed = await replay('--json', ...FIXTURES);
    expect(replayed.code).toBe(0);
    expect(lines(tailed.out).length).toBeGreaterThan(records.length);
    expect(lines(tailed.out).sort()).toEqual(lines(replayed.out).sort());
  });

  it('captures a file that replays to the same output tail printed, line for line', async () => {
    splitStream();
    sim.disable();
    const out = join(dir, 'captured.json');
    const captured = await capture(
      '--table',
      'agent-memory',
      '--from',
      'trim-horizon',
      '--out',
      out,
      '--count',
      '1000',
    );
    expect(captured.code).toBe(0);
    expect(captured.err).toContain(`wrote ${records.length} record(s)`);
    const tailed = await tail('--table', 'agent-memory', '--from', 'trim-horizon', '--json');
    const replayed = await replay('--json', out);
    expect(replayed.out).toBe(tailed.out);

    const tailedHuman = await tail('--table', 'agent-memory', '--from', 'trim-horizon');
    const replayedHuman = await replay(out);
    expect(summaryBody(tailedHuman.out)).toBe(summaryBody(replayedHuman.out));
    expect(tailedHuman.out).toContain(
      `memory-cdc tail: ${records.length} record(s), ${records.length} replayed, 0 failed`,
    );
    expect(tailedHuman.out.split('\n').filter((l) => / -> /.test(l))).toHaveLength(records.length);
  });

  it('shows with --rules the rules each event fires, as replay --rules does', async () => {
    splitStream();
    sim.disable();
    const rules = join(import.meta.dirname, '../fixtures-data/rules/subscriptions.json');
    const tailed = await tail(
      '--table',
      'agent-memory',
      '--from',
      'trim-horizon',
      '--json',
      '--rules',
      rules,
    );
    expect(tailed.code).toBe(0);
    const replayed = await replay('--json', '--rules', rules, ...FIXTURES);
    expect(lines(tailed.out).sort()).toEqual(lines(replayed.out).sort());
    const fired = lines(tailed.out)
      .map((l) => JSON.parse(l) as { sink: string; rules?: string[] })
      .filter((l) => l.sink === 'eventbridge');
    expect(fired.every((l) => Array.isArray(l.rules))).toBe(true);
    expect(fired.filter((l) => l.rules!.includes('user-turns')).length).toBeGreaterThan(0);

    const human = await tail('--table', 'agent-memory', '--from', 'trim-horizon', '--rules', rules);
    const humanReplay = await replay('--rules', rules, ...FIXTURES);
    expect(summaryBody(human.out)).toBe(summaryBody(humanReplay.out));
    expect(human.out).toMatch(/typo\s+0/);
  });

  it('stops after --count records', async () => {
    splitStream();
    const tailed = await tail('--table', 'agent-memory', '--from', 'trim-horizon', '--json', '--count', '5');
    expect(tailed.code).toBe(0);
    expect(new Set(lines(tailed.out).map((l) => (JSON.parse(l) as { record: string }).record)).size).toBe(5);
  });

  it('starts at the newest record with --from latest', async () => {
    sim.addShard('s1').put('s1', ...records.slice(0, 10));
    const done = tail('--table', 'agent-memory', '--json', '--count', '2');
    await waitFor(() => sim.callsOf('GetRecords').length > 0);
    sim.put('s1', ...records.slice(10, 12));
    const tailed = await done;
    const ids = new Set(lines(tailed.out).map((l) => (JSON.parse(l) as { record: string }).record));
    expect(ids).toEqual(new Set([records[10]!.eventID, records[11]!.eventID]));
  });

  it('stops cleanly on Ctrl-C, prints the summary, removes its signal handler and exits 130', async () => {
    sim.addShard('s1').put('s1', ...records.slice(0, 3));
    const before = process.listenerCount('SIGINT');
    const done = tail('--table', 'agent-memory', '--from', 'trim-horizon');
    await waitFor(() => sim.callsOf('GetRecords').length > 2);
    process.emit('SIGINT');
    const tailed = await done;
    expect(tailed.code).toBe(130);
    expect(tailed.err).toContain('stopping');
    expect(tailed.out).toContain('memory-cdc tail: 3 record(s), 3 replayed, 0 failed');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('reports a gap on stderr when records were trimmed before they were read', async () => {
    sim
      .addShard('s1')
      .put('s1', ...records.slice(0, 4))
      .trim('s1', 2);
    sim.disable();
    sim.fail('GetRecords', { name: 'TrimmedDataAccessException' });
    const tailed = await tail('--table', 'agent-memory', '--from', 'trim-horizon', '--json');
    expect(tailed.err).toMatch(/warning: shard s1: records from its start were trimmed/);
    expect(tailed.code).toBe(0);
  });

  it('reports a record that does not decode, prints the others, and exits 1', async () => {
    const broken = structuredClone(records[1]!);
    delete broken.dynamodb!.Keys;
    sim.addShard('s1').put('s1', records[0]!, broken, records[2]!).disable();
    const tailed = await tail(
      '--table',
      'agent-memory',
      '--from',
      'trim-horizon',
      '--layout',
      'agent-memory',
    );
    expect(tailed.code).toBe(1);
    expect(tailed.err).toContain(`error: record ${broken.eventID}: record has no dynamodb.Keys`);
    expect(tailed.out).toContain('3 record(s), 2 replayed, 1 failed');
  });

  it('prints what it read, then the error, when the stream fails mid-way', async () => {
    sim.addShard('s1').put('s1', ...records.slice(0, 3));
    const done = tail('--table', 'agent-memory', '--from', 'trim-horizon');
    await waitFor(() => sim.callsOf('GetRecords').length > 1);
    sim.fail('GetRecords', { name: 'AccessDeniedException' });
    const tailed = await done;
    expect(tailed.code).toBe(1);
    expect(tailed.out).toContain('3 record(s)');
    expect(tailed.err).toMatch(/memory-cdc tail: shard s1: GetRecords failed: AccessDeniedException/);
  });

  it('fails with exit 2 on bad options and a missing table; shows records no preset fits as entity "unknown"', async () => {
    expect((await tail()).err).toContain('--table (or --stream-arn) is required');
    const missing = await tail('--table', 'nope');
    expect([missing.code, missing.err]).toEqual([
      2,
      `memory-cdc tail: table nope does not exist (at ${sim.endpoint})\n`,
    ]);
    expect((await tail('--table', 'agent-memory', '--from', 'yesterday')).err).toContain(
      '--from must be latest or trim-horizon',
    );
    expect((await tail('--table', 'agent-memory', '--count', '0')).code).toBe(2);
    const odd = structuredClone(records[0]!);
    odd.dynamodb!.Keys = { id: { S: 'x' } };
    sim.addShard('s1').put('s1', odd).disable();
    const undetected = await tail('--table', 'agent-memory', '--from', 'trim-horizon');
    expect(undetected.code).toBe(0);
    expect(undetected.err.match(/^warning: .*entity "unknown"/gm)).toHaveLength(1);
    expect(undetected.out).toContain('unknown');
  });

  it('fails with exit 1 and the cause when nothing listens at --endpoint', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const tailed = await runCli(
      [registerTail],
      ['tail', '--table', 'agent-memory', '--endpoint', `http://127.0.0.1:${port}`],
    );
    expect(tailed.code).toBe(1);
    expect(tailed.err).toMatch(/ListStreams for table agent-memory failed: .*ECONNREFUSED/);
  });
});

describe('capture', () => {
  it('redacts the chosen attributes in both images, keeping their types, and the file still replays', async () => {
    sim
      .addShard('s1')
      .put('s1', ...records)
      .disable();
    const out = join(dir, 'redacted.json');
    const captured = await capture(
      '--table',
      'agent-memory',
      '--from',
      'trim-horizon',
      '--out',
      out,
      '--count',
      '1000',
      '--redact',
      'text,title,embedding',
    );
    expect(captured.code).toBe(0);
    expect(captured.err).toContain('(redacted: text, title, embedding)');
    const file = JSON.parse(await readFile(out, 'utf8')) as { Records: StreamRecord[] };
    expect(file.Records).toHaveLength(records.length);
    let seen = 0;
    file.Records.forEach((record, i) => {
      for (const image of ['NewImage', 'OldImage'] as const) {
        const original = records[i]!.dynamodb?.[image];
        const redacted = record.dynamodb?.[image];
        for (const name of ['text', 'title', 'embedding']) {
          const before = original?.[name];
          if (!before) continue;
          seen++;
          const after = redacted?.[name];
          expect(Object.keys(after!)).toEqual(Object.keys(before));
          expect(after).not.toEqual(before);
          if ('S' in before) expect((after as { S: string }).S).toMatch(/^\[redacted:[0-9a-f]{12}\]$/);
        }
        expect(redacted?.pk).toEqual(original?.pk);
      }
    });
    expect(seen).toBeGreaterThan(5);
    const replayed = await replay(out);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain(`${records.length} record(s), ${records.length} replayed, 0 failed`);
  });

  it('writes what it captured when stopped with Ctrl-C, and exits 130', async () => {
    sim.addShard('s1').put('s1', ...records.slice(0, 4));
    const out = join(dir, 'partial.json');
    const done = capture('--table', 'agent-memory', '--from', 'trim-horizon', '--out', out);
    await waitFor(() => sim.callsOf('GetRecords').length > 2);
    process.emit('SIGINT');
    const captured = await done;
    expect(captured.code).toBe(130);
    expect((JSON.parse(await readFile(out, 'utf8')) as { Records: unknown[] }).Records).toHaveLength(4);
  });

  it('refuses to overwrite --out without --force, before reading anything', async () => {
    const out = join(dir, 'exists.json');
    await writeFile(out, 'keep me');
    const captured = await capture('--table', 'agent-memory', '--out', out);
    expect([captured.code, captured.err]).toEqual([
      2,
      `memory-cdc capture: --out ${out} already exists (pass --force to overwrite)\n`,
    ]);
    expect(await readFile(out, 'utf8')).toBe('keep me');
    expect(sim.calls).toHaveLength(0);
  });

  it('writes no file and exits 1 when the stream had no records', async () => {
    sim.addShard('s1').disable();
    const out = join(dir, 'none.json');
    const captured = await capture('--table', 'agent-memory', '--from', 'trim-horizon', '--out', out);
    expect(captured.code).toBe(1);
    expect(captured.err).toContain('no records captured');
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('keeps what it read when the stream fails mid-way, and exits 1', async () => {
    sim.addShard('s1').put('s1', ...records.slice(0, 3));
    const out = join(dir, 'failed.json');
    const done = capture('--table', 'agent-memory', '--from', 'trim-horizon', '--out', out);
    await waitFor(() => sim.callsOf('GetRecords').length > 1);
    sim.fail('GetRecords', { name: 'AccessDeniedException' });
    const captured = await done;
    expect(captured.code).toBe(1);
    expect((JSON.parse(await readFile(out, 'utf8')) as { Records: unknown[] }).Records).toHaveLength(3);
  });

  it('rejects an empty --redact list', async () => {
    const captured = await capture(
      '--table',
      'agent-memory',
      '--out',
      join(dir, 'x.json'),
      '--redact',
      ' , ',
    );
    expect(captured.code).toBe(2);
    expect(captured.err).toContain('--redact needs attribute names');
  });
});
