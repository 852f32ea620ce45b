/**
 * Plumbing the live commands (`tail`, `capture`, `backfill`) share: option parsing, finding the
 * stream, Ctrl-C, and the periodic progress line.
 */
import { DescribeTableCommand, ResourceNotFoundException as TableNotFound } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb-streams';
import { ConfigError, TableNotFoundError } from '../errors.js';
import { createDynamoDbClient } from './createClients.js';
import { findLatestStreamArn, NoStreamError } from './describeStream.js';
import { StreamReadError } from './errors.js';
import type { StartPosition } from './types.js';

/** Parses `--from`. */
export function parseStartPosition(value: string): StartPosition {
  if (value === 'latest' || value === 'trim-horizon') return value;
  throw new ConfigError(`--from must be latest or trim-horizon (given ${JSON.stringify(value)})`);
}

/**
 * Parses `--progress` (`false` from `--no-progress`).
 * @returns seconds between progress reports; 0 for none
 */
export function parseProgressSeconds(value: string | false): number {
  const seconds = value === false ? 0 : Number(value);
  if (!(seconds >= 0)) throw new ConfigError(`--progress must be a number of seconds (given ${value})`);
  return seconds;
}

/** Parses a positive integer option. */
export function parsePositiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(`${option} must be a positive integer (given ${JSON.stringify(value)})`);
  return n;
}

/** Parses a positive number option. */
export function parsePositiveNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(`${option} must be a positive number (given ${JSON.stringify(value)})`);
  return n;
}

/** Where a client looks, for messages: `at http://localhost:8000` or `in eu-west-1`. */
function whereOf(flags: { region?: string; endpoint?: string }): string | undefined {
  if (flags.endpoint) return `at ${flags.endpoint}`;
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return region ? `in ${region}` : undefined;
}

/**
 * Tells a missing table from one without a stream when ListStreams listed none (DynamoDB Local
 * lists nothing for a table that does not exist, where AWS answers ResourceNotFoundException).
 */
async function noStreamOrNoTable(
  noStream: NoStreamError,
  flags: { table?: string; region?: string; endpoint?: string },
  signal?: AbortSignal,
): Promise<never> {
  const client = createDynamoDbClient({ region: flags.region, endpoint: flags.endpoint });
  try {
    await client.send(new DescribeTableCommand({ TableName: noStream.table }), { abortSignal: signal });
  } catch (error) {
    if (error instanceof TableNotFound) throw new TableNotFoundError(noStream.table, whereOf(flags));
    // No permission to describe tables (a stream-reader role): the stream message still holds.
  } finally {
    client.destroy();
  }
  throw noStream;
}

/**
 * The stream to read: `--stream-arn` as given, else the table's newest stream.
 * @throws ConfigError when neither is given; TableNotFoundError when the table does not exist;
 *   NoStreamError when it has no stream
 */
export async function resolveStreamArn(
  client: DynamoDBStreamsClient,
  flags: { table?: string; streamArn?: string; region?: string; endpoint?: string },
  signal?: AbortSignal,
): Promise<string> {
  if (flags.streamArn) return flags.streamArn;
  if (!flags.table) throw new ConfigError('--table (or --stream-arn) is required');
  try {
    return await findLatestStreamArn(client, flags.table, { signal });
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new TableNotFoundError(flags.table, whereOf(flags));
    if (error instanceof NoStreamError) return noStreamOrNoTable(error, flags, signal);
    if (error instanceof ConfigError) throw error;
    throw new StreamReadError(
      `ListStreams for table ${flags.table} failed: ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

/** Ctrl-C handling lives with the CLI's exit codes (an interrupted command exits 130). */
export { abortOnInterrupt } from '../cli/interrupts.js';

/** Calls `report` every `intervalMs` until the disposer is called (the timer never holds the process). */
export function every(intervalMs: number, report: () => void): () => void {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) return () => {};
  const timer = setInterval(report, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
