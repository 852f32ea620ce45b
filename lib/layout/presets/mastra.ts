/**
 * The single-table layout `@mastra/dynamodb` writes through ElectroDB (service `mastra`, every entity
 * at version `1`). Read from the source of mastra-ai/mastra — no Mastra package is installed:
 *
 * - `stores/dynamodb/src/entities/index.ts`: the ElectroDB Service and its ten entities (thread,
 *   message, eval, trace, workflow_snapshot, resource, score, background_task, workflow_run_owner,
 *   memory_run_fence); the table name is the store's `tableName`.
 * - `stores/dynamodb/src/entities/{thread,message,resource,workflow-snapshot,trace,eval,score,
 *   background-task,run-fencing}.ts`: each entity's attributes (which are JSON text: `metadata`,
 *   `content`, `snapshot`, `toolCallIds`/`toolCallArgs`/`toolNames`, trace `attributes`/`status`/
 *   `events`/`links`, eval `result`/`test_info`, score `scorer`/`input`/`output`/…, task `args`/
 *   `result`/`error`) and the composite attributes of every index: primary `pk`/`sk` and `gsi1`…`gsi7`.
 *   Every entity has a required `entity` attribute holding its own name and used as the first
 *   composite of its partition key, so it is the discriminator.
 * - `stores/dynamodb/src/entities/utils.ts`: `createdAt`/`updatedAt` (ISO-8601 strings, createdAt
 *   read-only), `metadata` (JSON string), and the optional numeric `ttl` and `expiresAt` attributes.
 * - `stores/dynamodb/src/storage/ttl.ts` and `storage/index.ts`: per-entity TTL config
 *   (`{ enabled, attributeName = 'ttl', defaultTtlSeconds }`), value `floor(now / 1000) + seconds`.
 * - `stores/dynamodb/src/storage/domains/memory/index.ts`: threads are upserted, messages `put`
 *   with `content` as `JSON.stringify(MastraMessageContentV2)` (`{ format: 2, parts: [...],
 *   content? }`), every message write or delete bumps the thread's `updatedAt`, resources hold
 *   working memory as plain text.
 * - `stores/dynamodb/src/storage/domains/workflows/index.ts`: snapshots are upserted with
 *   `snapshot` = `JSON.stringify(WorkflowRunState)`; its `status` is the run's status.
 * - ElectroDB (tywalch/electrodb `src/entity.js`, `src/util.js`): keys are `$<service>` (pk) and
 *   `$<entity>_<version>` (sk) followed by `#<attribute>_<value>` per composite attribute, and the
 *   whole key is lowercased (default key casing `lower`); attributes keep their case. put, upsert
 *   and update all write `__edb_e__` (entity name) and `__edb_v__` (version).
 *
 * Because keys are lowercased, identifiers are read from the attributes (`id`, `threadId`,
 * `resourceId`, `run_id`); the key templates below classify KEYS_ONLY records and then yield the
 * lowercased values. Every template is listed in docs/layouts/mastra.md.
 */
import type { Layout } from '../types.js';

/** Mastra's `WorkflowRunStatus` values that end a run well (`bailed`: a step ended it early with a result). */
const RUN_SUCCESS = ['success', 'bailed'];
/** Mastra's `WorkflowRunStatus` values that end a run badly. */
const RUN_FAILURE = ['failed', 'canceled', 'tripwire'];

/** `@mastra/dynamodb`'s single table. See the module comment for the sources. */
export const mastraLayout: Layout = {
  name: 'mastra',
  description: "The single table @mastra/dynamodb writes with ElectroDB (service 'mastra', lowercased keys).",
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  // The indexes Mastra's table setup (stores/dynamodb/TABLE_SETUP.md) creates: thread/message listings
  // query gsi1, run lookups by id gsi2. The score entity declares gsi3…gsi7 as well (score listings by
  // trace or entity query them); the documented setup leaves them out, and so does `dev`.
  secondaryIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  discriminator: 'entity',
  entities: [
    {
      entity: 'conversation',
      name: 'thread',
      discriminatorValues: ['thread'],
      pk: '$mastra#entity_thread#id_{conversationId}',
      sk: '$thread_1#id_{conversationId}',
      identifiers: { conversationId: 'id', userId: 'resourceId', timestamp: 'createdAt' },
    },
    {
      entity: 'turn',
      name: 'message',
      discriminatorValues: ['message'],
      pk: '$mastra#entity_message#id_{turnId}',
      sk: '$message_1#entity_message',
      identifiers: { turnId: 'id', conversationId: 'threadId', userId: 'resourceId', timestamp: 'createdAt' },
      // `parts.text` collects the `text` of every part that has one (the text parts) into one string.
      fields: { text: { attribute: 'content', path: 'parts.text' }, role: 'role' },
    },
    {
      entity: 'run',
      name: 'workflow_snapshot',
      discriminatorValues: ['workflow_snapshot'],
      pk: '$mastra#entity_workflow_snapshot#workflow_name_{workflowName}',
      sk: '$workflow_snapshot_1#run_id_{runId}',
      identifiers: {
        runId: 'run_id',
        workflowName: 'workflow_name',
        userId: 'resourceId',
        timestamp: 'createdAt',
      },
      fields: { status: { attribute: 'snapshot', path: 'status' } },
      successStatuses: RUN_SUCCESS,
      failureStatuses: RUN_FAILURE,
    },
    {
      entity: 'memory',
      name: 'resource',
      discriminatorValues: ['resource'],
      pk: '$mastra#entity_resource#id_{userId}',
      sk: '$resource_1#entity_resource',
      identifiers: { userId: 'id', memoryId: 'id', timestamp: 'createdAt' },
      fields: { text: 'workingMemory' },
    },
    {
      entity: 'unknown',
      name: 'trace',
      discriminatorValues: ['trace'],
      pk: '$mastra#entity_trace#id_{spanId}',
      sk: '$trace_1',
      // A trace item is one span: `id` is the span's id, `traceId` the trace it belongs to.
      identifiers: { spanId: 'id', traceId: 'traceId', timestamp: 'createdAt' },
    },
    {
      entity: 'unknown',
      name: 'eval',
      discriminatorValues: ['eval'],
      pk: '$mastra#entity_eval#run_id_{runId}',
      sk: '$eval_1',
      identifiers: { runId: 'run_id', timestamp: 'created_at' },
    },
    {
      entity: 'unknown',
      name: 'score',
      discriminatorValues: ['score'],
      pk: '$mastra#entity_score#id_{scoreId}',
      sk: '$score_1#entity_score',
      identifiers: {
        runId: 'runId',
        traceId: 'traceId',
        spanId: 'spanId',
        conversationId: 'threadId',
        userId: 'resourceId',
        timestamp: 'createdAt',
      },
    },
    {
      entity: 'unknown',
      name: 'background_task',
      discriminatorValues: ['background_task'],
      pk: '$mastra#entity_background_task#id_{taskId}',
      sk: '$background_task_1#entity_background_task',
      identifiers: {
        runId: 'runId',
        toolCallId: 'toolCallId',
        conversationId: 'threadId',
        userId: 'resourceId',
        timestamp: 'createdAt',
      },
      fields: { status: 'status' },
    },
    {
      entity: 'unknown',
      name: 'workflow_run_owner',
      discriminatorValues: ['workflow_run_owner'],
      pk: '$mastra#entity_workflow_run_owner#run_id_{runId}',
      sk: '$workflow_run_owner_1#entity_workflow_run_owner',
      identifiers: { runId: 'run_id' },
    },
    {
      entity: 'unknown',
      name: 'memory_run_fence',
      discriminatorValues: ['memory_run_fence'],
      pk: '$mastra#entity_memory_run_fence#run_id_{runId}',
      sk: '$memory_run_fence_1#entity_memory_run_fence',
      identifiers: { runId: 'run_id' },
    },
  ],
  bookkeeping: [
    'updatedAt',
    'ttl',
    'expiresAt',
    '__edb_e__',
    '__edb_v__',
    // A workflow run's lease heartbeat (epoch ms), renewed while a worker owns the run.
    'leaseExpiresAt',
    // Secondary-index keys are derived from other attributes: they change only when those do.
    'gsi1pk',
    'gsi1sk',
    'gsi2pk',
    'gsi2sk',
    'gsi3pk',
    'gsi3sk',
    'gsi4pk',
    'gsi4sk',
    'gsi5pk',
    'gsi5sk',
    'gsi6pk',
    'gsi6sk',
    'gsi7pk',
    'gsi7sk',
  ],
};
