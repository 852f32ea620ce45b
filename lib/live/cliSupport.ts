/**
 * Plumbing the live commands (`tail`, `capture`, `backfill`) share: option parsing, finding the
 * stream, Ctrl-C, and the periodic progress line.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb-streams';
import { ConfigError } from '../errors.js';
import { findLatestStreamArn } from './describeStream.js';
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

/**
 * The stream to read: `--stream-arn` as given, else the table's newest stream.
 * @throws ConfigError when neither is given, the table does not exist or has no stream
 */
export async function resolveStreamArn(
  client: DynamoDBStreamsClient,
  flags: { table?: string; streamArn?: string },
  signal?: AbortSignal,
): Promise<string> {
  if (flags.streamArn) return flags.streamArn;
  if (!flags.table) throw new ConfigError('--table (or --stream-arn) is required');
  try {
    return await findLatestStreamArn(client, flags.table, { signal });
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new ConfigError(`table ${flags.table} not found`);
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

/**
 * Aborts the controller on the first Ctrl-C (or SIGTERM) so the command stops cleanly and still
 * writes its summary or file; a second Ctrl-C kills the process as usual. Returns the disposer.
 */
export function abortOnInterrupt(controller: AbortController, onInterrupt?: () => void): () => void {
  const handler = () => {
    dispose();
    onInterrupt?.();
    controller.abort();
  };
  const dispose = () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return dispose;
}

/** Calls `report` every `intervalMs` until the disposer is called (the timer never holds the process). */
export function every(intervalMs: number, report: () => void): () => void {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) return () => {};
  const timer = setInterval(report, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
