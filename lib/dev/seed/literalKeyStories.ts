/**
 * The agent-memory stories written in the literal key form of the guidance — PK = user_id, SK =
 * conversation_id#timestamp or run_id#step, no prefixes — for `memory-cdc dev --seed n --keys
 * literal`. Each prefixed write is rewritten: turns and run steps keep only their ids in the keys;
 * every other entity gets its ids as keys and an `entity_type` discriminator, as the agent-memory
 * preset reads such a table. Items no rule knows stay as they are (still unknown).
 */
import { AGENT_MEMORY_STORIES } from './agentMemoryStories.js';
import type { SeedItem, SeedStories, SeedStory, SeedWrite } from './types.js';

/** The literal keys of a prefixed agent-memory key, and the discriminator its item gets. */
export function literalKey(key: SeedItem): { key: SeedItem; entityType?: string } {
  const pk = String(key.pk);
  const sk = String(key.sk);
  const user = /^USER#(.+)$/.exec(pk)?.[1];
  if (user !== undefined) {
    const turn = /^CONV#([^#]+)#TS#(.+)$/.exec(sk);
    if (turn) return { key: { pk: user, sk: `${turn[1]}#${turn[2]}` } };
    const step = /^RUN#([^#]+)#STEP#(\d+)$/.exec(sk);
    if (step) return { key: { pk: user, sk: `${step[1]}#${step[2]}` } };
    const conv = /^CONV#([^#]+)$/.exec(sk);
    if (conv) return { key: { pk: user, sk: conv[1]! }, entityType: 'conversation' };
    const run = /^RUN#([^#]+)$/.exec(sk);
    if (run) return { key: { pk: user, sk: run[1]! }, entityType: 'run' };
    const ledger = /^LEDGER#([^#]+)#TOOL#(.+)$/.exec(sk);
    if (ledger) return { key: { pk: user, sk: `${ledger[1]}#${ledger[2]}` }, entityType: 'tool_execution' };
    const memory = /^MEM#(.+)$/.exec(sk);
    if (memory) return { key: { pk: user, sk: memory[1]! }, entityType: 'memory' };
    const flag = /^FLAG#(.+)$/.exec(sk);
    if (flag) return { key: { pk: user, sk: flag[1]! }, entityType: 'feature_flag' };
  }
  const idempotency = /^IDEMPOTENCY#(.+)$/.exec(pk);
  if (idempotency) return { key: { pk: idempotency[1]!, sk: 'idempotency' }, entityType: 'idempotency_key' };
  const counter = /^RATELIMIT#(.+)$/.exec(pk);
  if (counter) return { key: { pk: counter[1]!, sk: sk.replace(/^WINDOW#/, '') }, entityType: 'rate_limit' };
  const global = /^FLAG#(.+)$/.exec(pk);
  if (global) return { key: { pk: global[1]!, sk: 'flag' }, entityType: 'feature_flag' };
  return { key };
}

/** One prefixed write in the literal form. */
export function literalWrite(write: SeedWrite): SeedWrite {
  if (write.op === 'put') {
    const { key, entityType } = literalKey(write.item);
    return { op: 'put', item: { ...write.item, ...key, ...(entityType ? { entity_type: entityType } : {}) } };
  }
  return { ...write, key: literalKey(write.key).key };
}

function literal(story: SeedStory): SeedStory {
  return function* (context) {
    for (const write of story(context)) yield literalWrite(write);
  };
}

/** {@link AGENT_MEMORY_STORIES} with literal keys. */
export const LITERAL_AGENT_MEMORY_STORIES: SeedStories = AGENT_MEMORY_STORIES.map(
  ([name, weight, story]) => [name, weight, literal(story)] as const,
);
