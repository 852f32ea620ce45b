import { ConfigError } from '../../errors.js';
import { seededRandom } from '../../fixtures/seededRandom.js';
import { PRESET_LAYOUTS } from '../../layout/resolveLayout.js';
import type { Layout } from '../../layout/types.js';
import { AGENT_MEMORY_STORIES } from './agentMemoryStories.js';
import { LITERAL_AGENT_MEMORY_STORIES } from './literalKeyStories.js';
import { MASTRA_STORIES } from './mastraStories.js';
import type { SeedContext, SeedStories, SeedWrite } from './types.js';

/** Options for {@link seedWrites}. */
export interface SeedWritesOptions {
  /** Which stories to tell. */
  stories: SeedStories;
  /** Number of writes (each becomes one stream record; TTL deletions of expired items come on top). */
  count: number;
  /** @default 1 */
  seed?: number;
  /** Stories in progress at once, so conversations and runs interleave as they do live. @default 4 */
  concurrency?: number;
  /** Wall clock in epoch ms, read when each write is generated. @default Date.now */
  now?: () => number;
}

/** How the seeder spells agent-memory keys: `USER#…`/`CONV#…#TS#…`, or the guidance's literal ids. */
export type SeedKeyForm = 'prefixed' | 'literal';

/**
 * The stories the seeder tells for a layout: the presets `agent-memory` and `mastra` have their own.
 * @param keys the agent-memory key form (`literal`: PK = user_id, SK = conversation_id#timestamp or run_id#step)
 * @throws ConfigError for other layouts (the seeder cannot guess how a custom table's items look)
 */
export function storiesFor(layout: Layout, keys: SeedKeyForm = 'prefixed'): SeedStories {
  if (keys === 'literal' && layout.name !== 'agent-memory') {
    throw new ConfigError(
      `--keys literal is a form of the agent-memory layout (given layout ${layout.name})`,
    );
  }
  if (layout.name === 'agent-memory')
    return keys === 'literal' ? LITERAL_AGENT_MEMORY_STORIES : AGENT_MEMORY_STORIES;
  if (layout.name === 'mastra') return MASTRA_STORIES;
  const kind = Object.hasOwn(PRESET_LAYOUTS, layout.name) ? 'has no seed stories' : 'is custom';
  throw new ConfigError(
    `--seed writes agent-memory or mastra items; layout ${JSON.stringify(layout.name)} ${kind} (write your own items, or seed 0)`,
  );
}

/**
 * Generates `count` realistic writes, lazily: several stories run at once and take turns at random,
 * so a conversation's turns interleave with other conversations' and runs' writes as they do in a
 * live table. Timestamps and TTLs are read from the clock when a write is generated (an
 * already-expired item is expired relative to the moment it is written). Deterministic in content
 * and order for a seed; only the timestamps follow the clock.
 *
 * @example
 * ```ts
 * for (const write of seedWrites({ stories: storiesFor(agentMemoryLayout), count: 200 })) {
 *   await applySeedWrite(client, 'agent-memory', write);
 * }
 * ```
 */
export function* seedWrites(options: SeedWritesOptions): Generator<SeedWrite, void, undefined> {
  const { stories, count } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new ConfigError(`seed count must be a whole number >= 0 (given ${count})`);
  const total = stories.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new ConfigError('the seed stories have no positive weight');
  const random = seededRandom(options.seed ?? 1);
  const now = options.now ?? Date.now;
  let lastStamp = 0;
  let serial = 0;
  const context: SeedContext = {
    random,
    pick: (list) => list[Math.floor(random() * list.length)]!,
    stamp: () => {
      lastStamp = Math.max(now(), lastStamp + 1);
      return lastStamp;
    },
    id: (prefix) => `${prefix}-${++serial}`,
  };
  const startStory = () => {
    let roll = random() * total;
    for (const [, weight, story] of stories) {
      roll -= weight;
      if (roll < 0) return story(context);
    }
    return stories.at(-1)![2](context);
  };
  const running: Generator<SeedWrite, void, undefined>[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let written = 0;
  while (written < count) {
    while (running.length < concurrency) running.push(startStory());
    const index = Math.floor(random() * running.length);
    const next = running[index]!.next();
    if (next.done) {
      running.splice(index, 1);
      continue;
    }
    written++;
    yield next.value;
  }
}
