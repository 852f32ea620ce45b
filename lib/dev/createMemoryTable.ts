import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../errors.js';
import type { Layout } from '../layout/types.js';

/** Options for {@link createMemoryTable}. */
export interface CreateMemoryTableOptions {
  tableName: string;
  /** Key attribute names and the TTL attribute come from the layout. */
  layout: Layout;
  /** How long to wait for the table to become ACTIVE. @default 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The table as created. */
export interface MemoryTable {
  tableName: string;
  /** ARN of the table's stream (`arn:aws:dynamodb:ddblocal:…` on DynamoDB Local). */
  streamArn: string;
  /** The attribute TTL was enabled on, when the layout names one. */
  ttlAttribute: string | undefined;
  /**
   * True when DynamoDB Local will not expire the table's items itself (it has a TTL attribute and a
   * secondary index): run `runExpirySweeper` beside it.
   */
  needsExpirySweeper: boolean;
}

/**
 * Creates a memory table shaped like the layout: string partition (and sort) key named as the
 * layout says, the layout's global secondary indexes (Mastra's `gsi1`/`gsi2`, so its client can
 * list messages), on-demand billing, a stream with `NEW_AND_OLD_IMAGES` (what the pipeline needs for
 * diffs, archives and restores), and TTL on the layout's TTL attribute. Waits until it is ACTIVE.
 *
 * DynamoDB Local (3.3.0) never TTL-deletes items of a table with a secondary index; `dev` runs a
 * local expiry sweeper for such tables (`sweepExpiredItems`, {@link MemoryTable.needsExpirySweeper}).
 *
 * @example
 * ```ts
 * const { streamArn } = await createMemoryTable(client, { tableName: 'agent-memory', layout: agentMemoryLayout });
 * ```
 * @throws ConfigError when a table of that name already exists
 */
export async function createMemoryTable(
  client: DynamoDBClient,
  options: CreateMemoryTableOptions,
): Promise<MemoryTable> {
  const { tableName, layout, signal } = options;
  const keys = [
    { AttributeName: layout.partitionKey, KeyType: 'HASH' as const },
    ...(layout.sortKey ? [{ AttributeName: layout.sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  const indexes = (layout.secondaryIndexes ?? []).map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: 'ALL' as const },
  }));
  const attributeNames = new Set(
    [...keys, ...indexes.flatMap((i) => i.KeySchema)].map((k) => k.AttributeName),
  );
  let streamArn: string | undefined;
  try {
    const created = await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributeNames].map((name) => ({
          AttributeName: name,
          AttributeType: layout.keyTypes?.[name] ?? ('S' as const),
        })),
        KeySchema: keys,
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
      { abortSignal: signal },
    );
    streamArn = created.TableDescription?.LatestStreamArn;
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      throw new ConfigError(
        `table ${tableName} already exists: choose another name, or start from an empty DynamoDB Local`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }), {
      abortSignal: signal,
    });
    streamArn ??= Table?.LatestStreamArn;
    if (Table?.TableStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new ConfigError(`table ${tableName} did not become ACTIVE in time`);
    await delay(200, undefined, { signal });
  }
  if (!streamArn) throw new ConfigError(`table ${tableName} was created without a stream`);
  if (layout.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: layout.ttlAttribute },
      }),
      { abortSignal: signal },
    );
  }
  return {
    tableName,
    streamArn,
    ttlAttribute: layout.ttlAttribute,
    needsExpirySweeper: layout.ttlAttribute !== undefined && indexes.length > 0,
  };
}
