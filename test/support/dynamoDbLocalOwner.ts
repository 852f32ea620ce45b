/**
 * A process that starts DynamoDB Local, prints `{"javaPid": n}` on one line and then waits, never
 * stopping it: tests kill this process the hard way and check that Java goes too.
 * Run with `node --import tsx test/support/dynamoDbLocalOwner.ts`.
 */
import { startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';

const ddb = await startDynamoDbLocal();
process.stdout.write(`${JSON.stringify({ javaPid: ddb.pid })}\n`);
setInterval(() => undefined, 60_000);
