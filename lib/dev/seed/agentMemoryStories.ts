/**
 * What an agent platform writes to an agent-memory table (layout `agent-memory`: `pk`/`sk`, TTL on
 * `expires_at`), as stories the seeder interleaves: conversations with turns, runs whose steps and
 * tool calls move to completed or failed, rate-limit counters, idempotency keys, long-term memory
 * facts, feature flags, items whose TTL has already passed, and the odd item no rule knows.
 */
import { embeddingBytes, fixtureVector } from '../../fixtures/embeddingBytes.js';
import type { SeedItem, SeedStories, SeedStory } from './types.js';

const DAY_S = 86_400;
const USERS = ['u-ana', 'u-ben', 'u-chloe', 'u-dev', 'u-emre', 'u-fatima', 'u-gus', 'u-hana'];
const QUESTIONS = [
  'Find me a quiet hotel in Alfama for three nights in March.',
  'What is the cheapest way from the airport to the old town?',
  'Summarise the last meeting notes and list the open actions.',
  'Draft a polite reply declining the offer, keep it short.',
  'Which of my subscriptions renew this month?',
  'Remind me what we decided about the database migration.',
];
const ANSWERS = [
  'Here are three options that match what you asked for, with prices and availability.',
  'The metro is cheapest: the red line, then change to the blue line at Alameda.',
  'Three open actions: confirm the budget, book the venue, send the agenda by Friday.',
  'Here is a short draft you can send as it is or adjust.',
  'Two renew this month: the music service on the 12th and cloud storage on the 28th.',
  'We decided to migrate table by table behind a feature flag, starting with sessions.',
];
const TOOLS = ['hotels.search', 'calendar.read', 'email.send', 'docs.search', 'web.fetch'];

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.floor(ms / 1000);

/** A conversation: the session item, turns that bump its counter, an edit, feedback, maybe a deletion. */
const conversation: SeedStory = function* (c) {
  const user = c.pick(USERS);
  const pk = `USER#${user}`;
  const conv = c.id('c');
  const convKey = { pk, sk: `CONV#${conv}` };
  const started = c.stamp();
  const expires = seconds(started) + 30 * DAY_S;
  yield {
    op: 'put',
    item: {
      ...convKey,
      title: c.pick(QUESTIONS).slice(0, 40),
      status: 'active',
      turn_count: 0,
      created_at: iso(started),
      updated_at: iso(started),
      expires_at: expires,
    },
  };
  const turnKeys: SeedItem[] = [];
  const turns = 2 + Math.floor(c.random() * 5);
  for (let seq = 1; seq <= turns; seq++) {
    const at = c.stamp();
    const role = seq % 2 === 1 ? 'user' : 'assistant';
    const text = role === 'user' ? c.pick(QUESTIONS) : c.pick(ANSWERS);
    const key = { pk, sk: `CONV#${conv}#TS#${iso(at)}` };
    const vector = fixtureVector(Math.floor(c.random() * 1e6), 8);
    const turn: SeedItem = {
      ...key,
      turn_id: c.id('t'),
      role,
      text,
      seq,
      tokens: text.split(' ').length * 2,
      // Agents store embeddings either as float32 bytes or as a number list: both occur.
      embedding: seq % 2 === 0 ? embeddingBytes(vector) : vector,
      created_at: iso(at),
      expires_at: expires,
    };
    if (role === 'assistant') turn.model = 'anthropic.claude-sonnet-4';
    yield { op: 'put', item: turn };
    turnKeys.push(key);
    yield { op: 'update', key: convKey, set: { turn_count: seq, updated_at: iso(c.stamp()) } };
  }
  const last = turnKeys.at(-1)!;
  if (c.random() < 0.3) {
    // The assistant corrects its last answer: the text and its embedding change.
    yield {
      op: 'update',
      key: last,
      set: {
        text: `${c.pick(ANSWERS)} (corrected)`,
        embedding: fixtureVector(seconds(c.stamp()), 8),
        updated_at: iso(c.stamp()),
      },
    };
  }
  if (c.random() < 0.3) {
    yield {
      op: 'update',
      key: turnKeys[0]!,
      set: { feedback: c.pick(['thumbs_up', 'thumbs_down']), updated_at: iso(c.stamp()) },
    };
  }
  if (c.random() < 0.2) {
    // A read touches only bookkeeping: noise, kept from EventBridge.
    yield { op: 'update', key: turnKeys[0]!, set: { last_accessed_at: iso(c.stamp()) } };
  }
  if (turnKeys.length > 2 && c.random() < 0.15) yield { op: 'delete', key: turnKeys[1]! };
  yield { op: 'update', key: convKey, set: { status: 'idle', updated_at: iso(c.stamp()) } };
};

/** A run: queued, running, steps with tool calls in the ledger, then completed or failed. */
const run: SeedStory = function* (c) {
  const user = c.pick(USERS);
  const pk = `USER#${user}`;
  const runId = c.id('r');
  const runKey = { pk, sk: `RUN#${runId}` };
  const expires = seconds(c.stamp()) + 14 * DAY_S;
  yield {
    op: 'put',
    item: {
      ...runKey,
      conversation_id: c.id('c'),
      agent: c.pick(['travel-planner', 'inbox-assistant', 'research']),
      status: 'queued',
      created_at: iso(c.stamp()),
      expires_at: expires,
    },
  };
  yield { op: 'update', key: runKey, set: { status: 'running', started_at: iso(c.stamp()) } };
  const steps = 1 + Math.floor(c.random() * 3);
  let failed = false;
  for (let step = 1; step <= steps && !failed; step++) {
    const stepKey = { pk, sk: `RUN#${runId}#STEP#${String(step).padStart(3, '0')}` };
    yield {
      op: 'put',
      item: {
        ...stepKey,
        kind: step === 1 ? 'plan' : 'tool',
        status: 'running',
        started_at: iso(c.stamp()),
        expires_at: expires,
      },
    };
    const call = c.id('call');
    const ledgerKey = { pk, sk: `LEDGER#${runId}#TOOL#${call}` };
    yield {
      op: 'put',
      item: {
        ...ledgerKey,
        tool: c.pick(TOOLS),
        input_hash: `sha256:${call}`,
        status: 'pending',
        attempts: 1,
        created_at: iso(c.stamp()),
        expires_at: seconds(c.stamp()) + 7 * DAY_S,
      },
    };
    failed = c.random() < 0.2;
    const finished = iso(c.stamp());
    yield failed
      ? {
          op: 'update',
          key: ledgerKey,
          set: { status: 'failed', error: 'upstream timeout after 30 s', finished_at: finished },
        }
      : {
          op: 'update',
          key: ledgerKey,
          set: {
            status: 'succeeded',
            result_ref: `s3://tool-results/${call}.json`,
            latency_ms: 100 + Math.floor(c.random() * 900),
            finished_at: finished,
          },
        };
    yield {
      op: 'update',
      key: stepKey,
      set: { status: failed ? 'failed' : 'completed', finished_at: iso(c.stamp()) },
    };
  }
  yield {
    op: 'update',
    key: runKey,
    set: {
      status: failed ? 'failed' : 'completed',
      finished_at: iso(c.stamp()),
      cost_usd: Math.round(c.random() * 1e6) / 1e8,
    },
  };
};

/** A rate-limit window: created, then bumped a few times (noise: kept from EventBridge). */
const counter: SeedStory = function* (c) {
  const key = { pk: `RATELIMIT#${c.pick(USERS)}:llm-tokens`, sk: `WINDOW#${iso(c.stamp())}` };
  let count = 1 + Math.floor(c.random() * 500);
  yield { op: 'put', item: { ...key, count, limit: 100_000, expires_at: seconds(c.stamp()) + 3600 } };
  const bumps = 1 + Math.floor(c.random() * 4);
  for (let i = 0; i < bumps; i++) {
    count += 1 + Math.floor(c.random() * 2000);
    yield { op: 'update', key, set: { count } };
  }
};

/** An idempotency key: in progress, then completed. */
const idempotency: SeedStory = function* (c) {
  const key = { pk: `IDEMPOTENCY#${c.id('req')}`, sk: 'IDEMPOTENCY' };
  yield {
    op: 'put',
    item: {
      ...key,
      status: 'in_progress',
      request_hash: `sha256:${c.id('h')}`,
      expires_at: seconds(c.stamp()) + DAY_S,
    },
  };
  yield { op: 'update', key, set: { status: 'completed', response_ref: c.id('r') } };
};

/** A long-term memory fact, refined once. */
const memory: SeedStory = function* (c) {
  const key = { pk: `USER#${c.pick(USERS)}`, sk: `MEM#${c.id('m')}` };
  yield {
    op: 'put',
    item: {
      ...key,
      entity_type: 'fact',
      text: c.pick(['Prefers quiet hotels.', 'Vegetarian.', 'Works in Lisbon.', 'Allergic to cats.']),
      confidence: 0.6,
      source_turns: new Set([c.id('t'), c.id('t')]),
      created_at: iso(c.stamp()),
    },
  };
  yield {
    op: 'update',
    key,
    set: { text: 'Prefers quiet hotels; travels in March.', confidence: 0.9, updated_at: iso(c.stamp()) },
  };
};

/** A feature flag, rolled out further. */
const flag: SeedStory = function* (c) {
  const key = { pk: `FLAG#${c.id('flag')}`, sk: 'FLAG' };
  yield { op: 'put', item: { ...key, enabled: true, rollout_percent: 10, updated_at: iso(c.stamp()) } };
  yield { op: 'update', key, set: { rollout_percent: 50, updated_at: iso(c.stamp()) } };
};

/**
 * An old conversation written with its TTL already in the past (as a migration or a clock-skewed
 * writer would): DynamoDB's TTL process deletes its items, the archive keeps them.
 */
const expired: SeedStory = function* (c) {
  const pk = `USER#${c.pick(USERS)}`;
  const conv = c.id('c-old');
  const past = seconds(c.stamp()) - 3600;
  yield {
    op: 'put',
    item: { pk, sk: `CONV#${conv}`, title: 'Old chat', status: 'idle', turn_count: 2, expires_at: past },
  };
  for (let seq = 1; seq <= 2; seq++) {
    yield {
      op: 'put',
      item: {
        pk,
        sk: `CONV#${conv}#TS#${iso(c.stamp())}`,
        turn_id: c.id('t-old'),
        role: seq === 1 ? 'user' : 'assistant',
        text: seq === 1 ? 'Remind me tomorrow.' : 'Sure, I will.',
        seq,
        expires_at: past,
      },
    };
  }
};

/** An item no rule of the layout knows (it must flow as `Unknown Item …`, never block the stream). */
const unknown: SeedStory = function* (c) {
  yield {
    op: 'put',
    item: { pk: `SYSTEM#${c.id('job')}`, sk: 'STATE', state: 'scheduled', at: iso(c.stamp()) },
  };
};

/** The agent-memory stories and how often each starts. */
export const AGENT_MEMORY_STORIES: SeedStories = [
  ['conversation', 34, conversation],
  ['run', 20, run],
  ['counter', 12, counter],
  ['idempotency', 8, idempotency],
  ['memory', 8, memory],
  ['flag', 3, flag],
  ['expired', 10, expired],
  ['unknown', 5, unknown],
];
