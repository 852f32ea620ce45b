import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerVectors } from '../../lib/cli/commands/vectors.js';
import type { CliContext } from '../../lib/cli/types.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { BUNDLED_EVENTS_DIR, findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { LanceDbIndex } from '../../lib/vector/backends/LanceDbIndex.js';
import type { StoredEntry } from '../../lib/vector/backends/types.js';
import { parseEmbedding } from '../../lib/vector/parseEmbedding.js';
import { type BedrockEndpoint, expectedEmbedding, startBedrockEndpoint } from './support/bedrockEndpoint.js';
import { type FinalTurn, finalTurns } from './support/finalTableState.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

const AGENT_MEMORY = join(BUNDLED_EVENTS_DIR, 'agent-memory');
const MASTRA = join(BUNDLED_EVENTS_DIR, 'mastra');
const directories: string[] = [];
let bedrock: BedrockEndpoint;

beforeAll(async () => {
  bedrock = await startBedrockEndpoint();
});
afterAll(async () => {
  await bedrock.close();
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-vectors-cli-'));
  directories.push(dir);
  return dir;
}

/** Runs `memory-cdc vectors ARGS` in `cwd` the way lib/cli/main.ts does. */
async function vectors(cwd: string, ...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    exitCode: 0,
    cwd,
  };
  const program = new Command('memory-cdc')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  registerVectors(program, ctx);
  try {
    await program.parseAsync(['node', 'memory-cdc', 'vectors', ...args]);
    return { code: ctx.exitCode, out, err };
  } catch (error) {
    if (error instanceof CommanderError) return { code: 2, out, err };
    throw error;
  }
}

async function storedEntries(dir: string): Promise<StoredEntry[]> {
  const index = await LanceDbIndex.open({ directory: dir });
  const out: StoredEntry[] = [];
  for await (const e of index.list()) out.push(e);
  await index.close();
  return out;
}

function expectSameTurns(entries: StoredEntry[], turns: FinalTurn[]): void {
  expect(entries.map((e) => e.key).sort()).toEqual(turns.map((t) => t.vectorKey).sort());
  for (const turn of turns) {
    const entry = entries.find((e) => e.key === turn.vectorKey)!;
    expect(entry.text).toBe(turn.text);
    expect(entry.metadata?.userId).toBe(turn.userId);
    expect(entry.metadata?.conversationId).toBe(turn.conversationId);
  }
}

describe('memory-cdc vectors', () => {
  test('sync of the agent-memory fixtures leaves an index equal to the surviving turns', async () => {
    const cwd = workdir();
    const run = await vectors(cwd, 'sync', AGENT_MEMORY);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const turns = await finalTurns(await findFixtureFiles([AGENT_MEMORY], cwd), agentMemoryLayout);
    expect(turns.length).toBeGreaterThan(0);
    const dir = join(cwd, '.memory-cdc/vectors');
    expectSameTurns(await storedEntries(dir), turns);
    expect(run.out).toContain(`Index ${dir}: ${turns.length} turn vector(s) of 8 dimensions`);

    // Each surviving turn is its own nearest neighbour, through the query command.
    for (const turn of turns) {
      const file = join(cwd, `${turn.vectorKey}.json`);
      writeFileSync(file, JSON.stringify(Array.from(parseEmbedding(turn.embedding))));
      const query = await vectors(
        cwd,
        'query',
        '--user',
        turn.userId!,
        '--vector',
        file,
        '-k',
        '1',
        '--json',
      );
      expect(query.code).toBe(0);
      const [match] = query.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(match.key).toBe(turn.vectorKey);
      expect(match.distance).toBeLessThan(1e-5);
    }
  });

  test('a second sync changes nothing: every operation is stale', async () => {
    const cwd = workdir();
    await vectors(cwd, 'sync', AGENT_MEMORY);
    const before = await storedEntries(join(cwd, '.memory-cdc/vectors'));
    const again = await vectors(cwd, 'sync', AGENT_MEMORY);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/upserted 0 \(0 from item embeddings, 0 embedded\)/);
    expect(again.out).toMatch(/deleted 0, rejected 0/);
    expect(await storedEntries(join(cwd, '.memory-cdc/vectors'))).toEqual(before);
  });

  test('text-only turns without an embedder are reported in one line, not faked', async () => {
    const cwd = workdir();
    const run = await vectors(cwd, 'sync', MASTRA);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toMatch(
      /Not indexed: \d+ turn\(s\) have text but no embedding attribute, and no embedder is configured/,
    );
    expect(run.out).toContain('--embedder bedrock --region');
    expect(await storedEntries(join(cwd, '.memory-cdc/vectors'))).toEqual([]);
  });

  test('with --embedder bedrock, text-only turns are embedded and queryable by text', async () => {
    const cwd = workdir();
    const embedder = ['--embedder', 'bedrock', '--region', 'us-east-1', '--endpoint-url', bedrock.url];
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const run = await vectors(cwd, 'sync', MASTRA, ...embedder);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const turns = await finalTurns(await findFixtureFiles([MASTRA], cwd), mastraLayout);
    expectSameTurns(await storedEntries(join(cwd, '.memory-cdc/vectors')), turns);
    expect(run.out).toContain('of 1024 dimensions');

    const turn = turns[0]!;
    const query = await vectors(
      cwd,
      'query',
      '--user',
      turn.userId!,
      '--text',
      turn.text!,
      '-k',
      '3',
      ...embedder,
    );
    expect(query.err).toBe('');
    expect(query.out).toMatch(/^memory-cdc vectors query: \d match\(es\) for user /);
    const [summary, header, first] = query.out.split('\n');
    expect(summary).toContain('nearest first (cosine distance: lower is closer');
    expect(header).toMatch(/^ {2}# {2}distance {2}time/);
    expect(first).toMatch(/^ {2}1\. {3}0\.0000 /);
    expect(bedrock.embedded).toContain(turn.text);
    expect(expectedEmbedding(turn.text!, 1024)).toHaveLength(1024);
  });

  test('an embedder whose size differs from the index is refused with a clear message', async () => {
    const cwd = workdir();
    await vectors(cwd, 'sync', AGENT_MEMORY);
    const run = await vectors(
      cwd,
      'sync',
      MASTRA,
      '--embedder',
      'bedrock',
      '--region',
      'us-east-1',
      '--dimensions',
      '256',
    );
    expect(run.code).toBe(2);
    expect(run.err).toContain('256 dimensions, the index at');
    expect(run.err).toContain('expects 8');
  });

  test('query --text without an embedder says how to configure one and never fakes a vector', async () => {
    const cwd = workdir();
    await vectors(cwd, 'sync', AGENT_MEMORY);
    const run = await vectors(cwd, 'query', '--user', 'u-42', '--text', 'quiet hotel');
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain('--text needs an embedder');
    expect(run.err).toContain('--embedder bedrock --region <region>');
  });

  test('query refuses a missing index, a vector of the wrong size, and both or neither of --vector/--text', async () => {
    const cwd = workdir();
    const missing = await vectors(cwd, 'query', '--user', 'u', '--vector', 'v.json');
    expect(missing.err).toContain('run `memory-cdc vectors sync` first');
    await vectors(cwd, 'sync', AGENT_MEMORY);
    writeFileSync(join(cwd, 'v.json'), JSON.stringify([1, 2, 3]));
    const wrong = await vectors(cwd, 'query', '--user', 'u-42', '--vector', 'v.json');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('the query vector has 3 dimensions, the index expects 8');
    const both = await vectors(cwd, 'query', '--user', 'u-42', '--vector', 'v.json', '--text', 'x');
    expect(both.err).toContain('exactly one of --vector');
    const bad = await vectors(cwd, 'query', '--user', 'u-42', '--vector', 'v.json', '-k', '500');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must be a whole number from 1 to 100');
  });
});
