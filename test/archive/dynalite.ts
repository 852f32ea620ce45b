/**
 * dynalite (an in-process DynamoDB API from npm) on a free port of 127.0.0.1, and a configured
 * DynamoDB client. It has no Streams API: the archive tests use it as the table restore writes to.
 */
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** A running dynalite. */
export interface DynaliteHandle {
  endpoint: string;
  /** A client for dynalite, or for `endpoint` (a fault proxy in front of it). */
  client(overrides?: DynamoDBClientConfig): DynamoDBClient;
  /** Creates a table keyed `pk`/`sk` (strings). */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<DynaliteHandle> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = (overrides: DynamoDBClientConfig = {}) => {
    const made = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...overrides,
    });
    clients.push(made);
    return made;
  };
  return {
    endpoint,
    client,
    async createTable(name) {
      await client().send(
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
    },
    async close() {
      for (const made of clients) made.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
