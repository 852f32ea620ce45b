import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerReplay } from '../../lib/cli/commands/replay.js';
import { registerTail } from '../../lib/cli/commands/tail.js';
import { bundledFixtures } from '../../lib/fixtures/bundledFixtures.js';
import { BUNDLED_EVENTS_DIR } from '../../lib/replay/findFixtureFiles.js';
import { StreamsSimulator } from '../support/streamsSimulator.js';
import { runCli } from './runCli.js';

const FIXTURES = bundledFixtures();

/** Each published design's fixture, the table its records came from and the layout tail must detect. */
const DESIGNS = [
  ['agent-memory-literal/conversation.json', 'agent-memory'],
  ['agent-memory-literal/runs.json', 'agent-memory'],
  ['agent-memory-literal/other-entities.json', 'agent-memory'],
  ['session-memory/session-state.json', 'session-state'],
  ['session-memory/session-turns.json', 'session-turns'],
] as const;

let sim: StreamsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('tail without --layout on the tables the published designs describe', () => {
  it.each(DESIGNS)('detects the layout of %s and prints what replay prints', async (file, layout) => {
    const records = FIXTURES[file]!.Records;
    const table = /table\/([^/]+)\//.exec(records[0]!.eventSourceARN!)![1]!;
    sim = await StreamsSimulator.start({ tableName: table });
    sim.addShard('shardId-1').put('shardId-1', ...records);
    sim.disable();
    const dir = await mkdtemp(join(tmpdir(), 'tail-layouts-'));
    const tailed = await runCli(
      [registerTail],
      [
        'tail',
        '--endpoint',
        sim.endpoint,
        '--poll-interval',
        '5',
        '--no-progress',
        '--table',
        table,
        '--from',
        'trim-horizon',
        '--json',
      ],
    );
    expect(tailed.code).toBe(0);
    const replayed = await runCli(
      [registerReplay],
      ['replay', '--no-archive', '--json', join(BUNDLED_EVENTS_DIR, file)],
      dir,
    );
    expect(tailed.out.length).toBeGreaterThan(0);
    expect(tailed.out.split('\n').sort()).toEqual(replayed.out.split('\n').sort());
    const human = await runCli(
      [registerTail],
      [
        'tail',
        '--endpoint',
        sim.endpoint,
        '--poll-interval',
        '5',
        '--no-progress',
        '--table',
        table,
        '--from',
        'trim-horizon',
      ],
    );
    expect(human.out).toMatch(new RegExp(`layout ${layout} \\(detected: `));
  });
});
