import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SeedWrite } from './types.js';

const MARSHALL = { removeUndefinedValues: true } as const;

/**
 * Applies one seed write to a table with the SDK: PutItem, UpdateItem (`SET`/`REMOVE` with
 * expression attribute names, so reserved words like `status` and `count` are fine) or DeleteItem.
 */
export async function applySeedWrite(
  client: DynamoDBClient,
  tableName: string,
  write: SeedWrite,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const send = { abortSignal: options.signal };
  switch (write.op) {
    case 'put':
      await client.send(
        new PutItemCommand({ TableName: tableName, Item: marshall(write.item, MARSHALL) }),
        send,
      );
      return;
    case 'delete':
      await client.send(
        new DeleteItemCommand({ TableName: tableName, Key: marshall(write.key, MARSHALL) }),
        send,
      );
      return;
    case 'update': {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries(write.set).map(([name, value], i) => {
        names[`#s${i}`] = name;
        values[`:s${i}`] = value;
        return `#s${i} = :s${i}`;
      });
      const removes = (write.remove ?? []).map((name, i) => {
        names[`#r${i}`] = name;
        return `#r${i}`;
      });
      const expression = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(write.key, MARSHALL),
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ...(sets.length ? { ExpressionAttributeValues: marshall(values, MARSHALL) } : {}),
        }),
        send,
      );
    }
  }
}
