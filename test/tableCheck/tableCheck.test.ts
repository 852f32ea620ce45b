/**
 * The deploy-time table check, run as deployed (the inline CommonJS text, with the AWS SDK) against
 * DynamoDB Local tables set up right and wrong.
 */
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';
import { TABLE_CHECK_SOURCE, type TableCheckProperties } from '../../lib/tableCheck/tableCheckSource.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

type Handler = (event: {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResourceProperties: TableCheckProperties;
  PhysicalResourceId?: string;
}) => Promise<{ PhysicalResourceId: string }>;

/** Loads the check's source the way the Lambda runtime loads index.js. */
function loadCheck(): { handler: Handler } {
  const module = { exports: {} as { handler: Handler } };
  new Function('require', 'exports', 'module', TABLE_CHECK_SOURCE)(
    createRequire(import.meta.url),
    module.exports,
    module,
  );
  return module.exports;
}

describe('the deploy-time table check', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  const streamArns = new Map<string, string>();

  const createTable = async (
    name: string,
    stream?: 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'NEW_IMAGE',
    ttl?: string,
  ) => {
    const input: CreateTableCommandInput = {
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream } } : {}),
    };
    await client.send(new CreateTableCommand(input));
    if (ttl) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: ttl },
        }),
      );
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    streamArns.set(name, Table?.LatestStreamArn ?? '');
  };

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials });
    // The check makes its client as in Lambda, from the environment.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', ddb.endpoint);
    vi.stubEnv('AWS_REGION', ddb.region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', ddb.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', ddb.credentials.secretAccessKey);
    await createTable('good', 'NEW_AND_OLD_IMAGES', 'expires_at');
    await createTable('keys-only', 'KEYS_ONLY', 'expires_at');
    await createTable('new-image', 'NEW_IMAGE', 'expires_at');
    await createTable('no-stream', undefined, 'expires_at');
    await createTable('other-ttl', 'NEW_AND_OLD_IMAGES', 'ttl');
    await createTable('no-ttl', 'NEW_AND_OLD_IMAGES');
  }, HEAVY_TEST_TIMEOUT_MS);
  afterAll(async () => {
    vi.unstubAllEnvs();
    client?.destroy();
    await ddb?.stop();
  });

  const check = (name: string, overrides: Partial<TableCheckProperties> = {}) =>
    loadCheck().handler({
      RequestType: 'Create',
      ResourceProperties: {
        TableName: name,
        StreamArn: streamArns.get(name) ?? '',
        TtlAttribute: 'expires_at',
        ...overrides,
      },
    });

  it('passes a table on NEW_AND_OLD_IMAGES with TTL on the layout attribute', async () => {
    await expect(check('good')).resolves.toEqual({ PhysicalResourceId: 'memory-cdc-table-check-good' });
  });

  it.each([
    [
      'keys-only',
      /cannot run on table keys-only: its stream has view type KEYS_ONLY: memory-cdc needs NEW_AND_OLD_IMAGES/,
    ],
    ['new-image', /its stream has view type NEW_IMAGE: memory-cdc needs NEW_AND_OLD_IMAGES/],
    [
      'no-stream',
      /cannot run on table no-stream: it has no DynamoDB stream: enable one with view type NEW_AND_OLD_IMAGES/,
    ],
    ['other-ttl', /TTL is on attribute ttl, not on expires_at, the layout's/],
    ['no-ttl', /TTL is not enabled: enable it on expires_at/],
  ])('fails the deploy for table %s, saying why', async (name, message) => {
    await expect(check(name)).rejects.toThrow(message);
  });

  it("fails the deploy when the stream ARN given is not the table's current stream", async () => {
    const stale = `${streamArns.get('good')!.replace(/stream\/.*$/, 'stream/2020-01-01T00:00:00.000')}`;
    await expect(check('good', { StreamArn: stale })).rejects.toThrow(
      `the stream ARN given (${stale}) is not the table's current stream (${streamArns.get('good')})`,
    );
  });

  it('checks every table given, each against its own stream and TTL attribute, naming the ones that fail', async () => {
    const other = (name: string, ttl = 'expires_at') => ({
      TableName: name,
      StreamArn: streamArns.get(name) ?? '',
      TtlAttribute: ttl,
    });
    await expect(check('good', { OtherTables: [other('other-ttl', 'ttl')] })).resolves.toEqual({
      PhysicalResourceId: 'memory-cdc-table-check-good',
    });
    const failing = check('good', {
      OtherTables: [other('other-ttl', 'ttl'), other('keys-only'), other('no-stream')],
    });
    await expect(failing).rejects.toThrow(
      'memory-cdc cannot run on table keys-only: its stream has view type KEYS_ONLY: memory-cdc needs NEW_AND_OLD_IMAGES (both images, to build events and archive expired items). ' +
        'memory-cdc cannot run on table no-stream: it has no DynamoDB stream: enable one with view type NEW_AND_OLD_IMAGES',
    );
    await expect(check('good', { OtherTables: [other('missing-table')] })).rejects.toThrow(
      /^memory-cdc cannot describe table missing-table: /,
    );
  });

  it('checks no TTL for a layout without a TTL attribute, and nothing on delete', async () => {
    await expect(check('no-ttl', { TtlAttribute: '' })).resolves.toBeDefined();
    await expect(
      loadCheck().handler({
        RequestType: 'Delete',
        PhysicalResourceId: 'memory-cdc-table-check-gone',
        ResourceProperties: { TableName: 'gone', StreamArn: '', TtlAttribute: '' },
      }),
    ).resolves.toEqual({ PhysicalResourceId: 'memory-cdc-table-check-gone' });
  });

  it('fits in an inline Lambda function (4 KB)', () => {
    expect(Buffer.byteLength(TABLE_CHECK_SOURCE)).toBeLessThan(4096);
  });
});
