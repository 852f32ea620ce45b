/**
 * dynalite (an in-process DynamoDB API from npm) on a free 127.0.0.1 port, with a table maker.
 * Faults come from test/support/faultProxy.ts put in front of it.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface LocalDynamo {
  endpoint: string;
  client(endpoint?: string): DynamoDBClient;
  /** Creates a `pk`/`sk` table and writes the items. */
  table(name: string, items: Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = (at = endpoint) => {
    const made = new DynamoDBClient({
      endpoint: at,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    clients.push(made);
    return made;
  };
  return {
    endpoint,
    client,
    async table(name, items) {
      const c = client();
      await c.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      for (let i = 0; i < items.length; i += 25) {
        await c.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [name]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } })),
            },
          }),
        );
      }
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
