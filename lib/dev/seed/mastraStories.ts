/**
 * What a Mastra app writes to its `@mastra/dynamodb` table (layout `mastra`), as stories the seeder
 * interleaves: threads with messages (each message bumps its thread's `updatedAt`), workflow runs
 * whose snapshot moves to success or failed, working memory, and messages whose TTL has passed.
 * Items are shaped the way ElectroDB writes them (see lib/layout/presets/mastra.ts): lowercased
 * `$mastra#entity_<name>#…` keys, `__edb_e__`/`__edb_v__`, JSON attributes as text.
 */
import type { SeedContext, SeedItem, SeedStories, SeedStory } from './types.js';

const DAY_S = 86_400;
const RESOURCES = ['user_2nfk8qpz', 'user_7hq3ld1x', 'user_9mz0ke4r'];
const PROMPTS = [
  'Plan me a weekend in Lisbon.',
  'What did I say about my allergies?',
  'Summarise my unread email.',
  'Book a table for two on Friday.',
];
const REPLIES = [
  'Day 1: Alfama and the castle. Day 2: Belém.',
  'You told me you are allergic to cats.',
  'Three unread: an invoice, a meeting invite and a newsletter.',
  'Booked for 20:00 on Friday, a table for two.',
];

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.floor(ms / 1000);

/** An ElectroDB key of the `mastra` service: prefix, then `#<attribute>_<value>`, lowercased. */
function electroKey(prefix: string, composites: readonly [string, string][]): string {
  return composites.reduce((key, [attribute, value]) => `${key}#${attribute}_${value}`, prefix).toLowerCase();
}
const pkOf = (entity: string, ...composites: [string, string][]) =>
  electroKey('$mastra', [['entity', entity], ...composites]);
const skOf = (entity: string, ...composites: [string, string][]) => electroKey(`$${entity}_1`, composites);
const edb = (entity: string): SeedItem => ({ __edb_e__: entity, __edb_v__: '1' });

const threadKey = (id: string) => ({ pk: pkOf('thread', ['id', id]), sk: skOf('thread', ['id', id]) });
const messageKey = (id: string) => ({
  pk: pkOf('message', ['id', id]),
  sk: skOf('message', ['entity', 'message']),
});

function message(
  c: SeedContext,
  threadId: string,
  resourceId: string,
  role: string,
  text: string,
  ttl: number,
): SeedItem {
  const id = c.id('msg');
  const at = iso(c.stamp());
  return {
    entity: 'message',
    id,
    threadId,
    resourceId,
    role,
    type: 'v2',
    content: JSON.stringify({ format: 2, parts: [{ type: 'text', text }], content: text }),
    createdAt: at,
    updatedAt: at,
    ttl,
    ...messageKey(id),
    gsi1pk: pkOf('message', ['threadId', threadId]),
    gsi1sk: skOf('message', ['createdAt', at]),
    ...edb('message'),
  };
}

/** A thread: created, messages saved (each bumps the thread), a generated title. */
const thread: SeedStory = function* (c) {
  const id = c.id('thread');
  const resourceId = c.pick(RESOURCES);
  const created = iso(c.stamp());
  const ttl = seconds(c.stamp()) + 30 * DAY_S;
  yield {
    op: 'put',
    item: {
      entity: 'thread',
      id,
      resourceId,
      title: `New Thread ${created}`,
      createdAt: created,
      updatedAt: created,
      metadata: '{}',
      ttl,
      ...threadKey(id),
      gsi1pk: pkOf('thread', ['resourceId', resourceId]),
      gsi1sk: skOf('thread', ['createdAt', created]),
      ...edb('thread'),
    },
  };
  const turns = 2 + Math.floor(c.random() * 4);
  for (let i = 0; i < turns; i++) {
    const role = i % 2 === 0 ? 'user' : 'assistant';
    yield {
      op: 'put',
      item: message(c, id, resourceId, role, c.pick(role === 'user' ? PROMPTS : REPLIES), ttl),
    };
    yield { op: 'update', key: threadKey(id), set: { updatedAt: iso(c.stamp()) } };
  }
  yield {
    op: 'update',
    key: threadKey(id),
    set: { title: c.pick(PROMPTS).slice(0, 30), updatedAt: iso(c.stamp()) },
  };
};

/** A workflow run: its snapshot upserted as it runs, ending in success or failed. */
const workflow: SeedStory = function* (c) {
  const runId = c.id('run');
  const workflowName = c.pick(['tripPlanner', 'inboxTriage']);
  const key = {
    pk: pkOf('workflow_snapshot', ['workflow_name', workflowName]),
    sk: skOf('workflow_snapshot', ['run_id', runId]),
  };
  const snapshot = (status: string) =>
    JSON.stringify({ runId, status, value: {}, context: {}, timestamp: c.stamp() });
  const created = iso(c.stamp());
  yield {
    op: 'put',
    item: {
      entity: 'workflow_snapshot',
      workflow_name: workflowName,
      run_id: runId,
      snapshot: snapshot('running'),
      createdAt: created,
      updatedAt: created,
      resourceId: c.pick(RESOURCES),
      ...key,
      ...edb('workflow_snapshot'),
    },
  };
  const status = c.random() < 0.25 ? 'failed' : 'success';
  yield { op: 'update', key, set: { snapshot: snapshot(status), updatedAt: iso(c.stamp()) } };
};

/** Working memory of a resource, rewritten by the working-memory tool. */
const resource: SeedStory = function* (c) {
  const id = c.id('user');
  const key = { pk: pkOf('resource', ['id', id]), sk: skOf('resource', ['entity', 'resource']) };
  const created = iso(c.stamp());
  yield {
    op: 'put',
    item: {
      entity: 'resource',
      id,
      workingMemory: '# User Information\n- **First Name**:\n',
      metadata: '{}',
      createdAt: created,
      updatedAt: created,
      ...key,
      ...edb('resource'),
    },
  };
  yield {
    op: 'update',
    key,
    set: { workingMemory: '# User Information\n- **First Name**: Ana\n', updatedAt: iso(c.stamp()) },
  };
};

/** Messages of an old thread written with their TTL already passed: the TTL process deletes them. */
const expired: SeedStory = function* (c) {
  const threadId = c.id('thread-old');
  const resourceId = c.pick(RESOURCES);
  const past = seconds(c.stamp()) - 3600;
  yield { op: 'put', item: message(c, threadId, resourceId, 'user', 'Remind me tomorrow.', past) };
  yield { op: 'put', item: message(c, threadId, resourceId, 'assistant', 'Sure, I will.', past) };
};

/** The Mastra stories and how often each starts. */
export const MASTRA_STORIES: SeedStories = [
  ['thread', 45, thread],
  ['workflow', 25, workflow],
  ['resource', 15, resource],
  ['expired', 15, expired],
];
