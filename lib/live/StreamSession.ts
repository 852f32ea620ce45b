/**
 * What the commands that read a stream (`tail`, `capture`) share around {@link readStream}: their
 * stream flags, the Streams client, Ctrl-C, notices and the periodic progress line.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { createAwsClient } from '../config/createAwsClient.js';
import { ConfigError, LayoutError, MemoryCdcError } from '../errors.js';
import type { CreationTimePrecision } from '../stream/fromKinesisDynamoDbRecord.js';
import {
  abortOnInterrupt,
  every,
  parsePositiveInteger,
  parseProgressSeconds,
  parseStartPosition,
  resolveStreamArn,
} from './cliSupport.js';
import { createStreamsClient } from './createClients.js';
import { StreamReadError } from './errors.js';
import { formatNotice } from './formatNotice.js';
import { type KinesisStreamRef, kinesisStreamArn, parseKinesisStream } from './kinesisShardApi.js';
import { formatProgress, LiveStats } from './LiveStats.js';
import { readKinesisStream } from './readKinesisStream.js';
import { readStream } from './readStream.js';
import type { LiveBatch, ShardCounts, StartPosition } from './types.js';

/** The flags of every command that reads a stream. */
export interface StreamFlags {
  table?: string;
  streamArn?: string;
  /** A Kinesis data stream the table streams to (Kinesis Data Streams for DynamoDB), name or ARN. */
  kinesisStream?: string;
  /** `--precision`: the Kinesis destination's timestamp precision for records that do not state it. */
  precision?: string;
  region?: string;
  endpoint?: string;
  from: string;
  count?: string;
  pollInterval: string;
  progress: string | false;
  verbose?: boolean;
}

/** How to read the stream, parsed from {@link StreamFlags}. */
export interface StreamReading {
  startAt: StartPosition;
  /** The Kinesis data stream to read instead of a table's DynamoDB stream. */
  kinesis?: KinesisStreamRef & {
    precision: CreationTimePrecision | 'auto';
    /** `--table` with `--kinesis-stream`: only this table's changes (several tables can stream to one). */
    table?: string;
  };
  /** Stop after this many records. */
  count?: number;
  idlePollMs?: number;
  /** Seconds between progress lines; 0 for none. */
  progressSeconds: number;
}

/**
 * Parses the reading flags (`--from`, `--count`, `--poll-interval`, `--progress`).
 * @throws ConfigError naming the flag and the bad value
 */
export function parseStreamFlags(flags: StreamFlags): StreamReading {
  let kinesis: StreamReading['kinesis'];
  if (flags.kinesisStream !== undefined) {
    if (flags.streamArn !== undefined) {
      throw new ConfigError('--kinesis-stream reads a Kinesis data stream: give it without --stream-arn');
    }
    kinesis = {
      ...parseKinesisStream(flags.kinesisStream),
      precision: parsePrecision(flags.precision),
      ...(flags.table !== undefined ? { table: flags.table } : {}),
    };
  } else if (flags.precision !== undefined) {
    throw new ConfigError('--precision applies to --kinesis-stream only');
  }
  return {
    startAt: parseStartPosition(flags.from),
    ...(kinesis ? { kinesis } : {}),
    count: parsePositiveInteger('--count', flags.count),
    idlePollMs: parsePositiveInteger('--poll-interval', flags.pollInterval),
    progressSeconds: parseProgressSeconds(flags.progress),
  };
}

/**
 * Parses `--precision` (`auto`, `microsecond`, `millisecond`, any case).
 * @throws ConfigError naming the bad value
 */
export function parsePrecision(value: string | undefined): CreationTimePrecision | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  const upper = value.toUpperCase();
  if (upper === 'MICROSECOND' || upper === 'MILLISECOND') return upper;
  throw new ConfigError(
    `--precision must be auto, microsecond or millisecond (given ${JSON.stringify(value)})`,
  );
}

/** Options for {@link StreamSession}. */
export interface StreamSessionOptions {
  /** The command, which leads every line it writes to stderr (`tail`, `capture`). */
  command: string;
  flags: StreamFlags;
  reading: StreamReading;
  /** Writes to stderr. */
  err(text: string): void;
  /** Said on the first Ctrl-C, after the command's name. */
  interruptNotice: string;
  /** Added to every progress line (e.g. the target count). */
  progressSuffix?: string;
}

/**
 * One run of a stream-reading command: opens the client and the Ctrl-C and progress handlers when
 * created; {@link close} (in a `finally`) releases them.
 *
 * @example
 * ```ts
 * const reading = parseStreamFlags(flags);
 * const session = new StreamSession({ command: 'tail', flags, reading, err, interruptNotice: 'stopping' });
 * try {
 *   const failure = await session.read(await session.streamArn(), (records) => print(records));
 *   if (failure) throw failure;
 * } finally {
 *   session.close();
 * }
 * ```
 */
export class StreamSession {
  private readonly client: DynamoDBStreamsClient | KinesisClient;
  private readonly controller = new AbortController();
  private readonly stats = new LiveStats();
  private walker: { counts(): ShardCounts; caughtUp(): boolean } | undefined;
  private readonly stopInterrupt: () => void;
  private readonly stopProgress: () => void;

  constructor(private readonly options: StreamSessionOptions) {
    const { command, flags, reading, err } = options;
    const { kinesis } = reading;
    this.client = kinesis
      ? createAwsClient(KinesisClient, { region: flags.region ?? kinesis.region, endpoint: flags.endpoint })
      : createStreamsClient({ region: flags.region, endpoint: flags.endpoint });
    this.stopInterrupt = abortOnInterrupt(this.controller, () =>
      err(`${command}: ${options.interruptNotice}\n`),
    );
    this.stopProgress = every(reading.progressSeconds * 1000, () => this.reportProgress());
  }

  /**
   * The stream to read: `--stream-arn` as given, else the table's newest stream; with
   * `--kinesis-stream`, the Kinesis stream's ARN.
   * @throws ConfigError when neither is given, the table (or Kinesis stream) does not exist or has no stream
   */
  async streamArn(): Promise<string> {
    const { kinesis } = this.options.reading;
    if (!kinesis) {
      return resolveStreamArn(
        this.client as DynamoDBStreamsClient,
        this.options.flags,
        this.controller.signal,
      );
    }
    try {
      return await kinesisStreamArn(this.client as KinesisClient, kinesis.name, this.controller.signal);
    } catch (error) {
      const { endpoint } = this.options.flags;
      if (error instanceof ResourceNotFoundException) {
        throw new ConfigError(
          `Kinesis stream ${kinesis.name} does not exist${endpoint ? ` (at ${endpoint})` : ''}`,
        );
      }
      if (error instanceof MemoryCdcError) throw error;
      throw new StreamReadError(
        `DescribeStreamSummary for Kinesis stream ${kinesis.name} failed: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }

  /**
   * Reads the stream until `--count` records, Ctrl-C, or the disabled stream's end, handing each
   * batch to `onBatch`. A stream that fails mid-way ends the reading and its error is returned,
   * so the command can still report what was read before throwing it; configuration and layout
   * errors, and bugs, are thrown.
   */
  async read(streamArn: string, onBatch: (batch: LiveBatch) => void): Promise<MemoryCdcError | undefined> {
    const { flags, reading, err } = this.options;
    const walk = {
      streamArn,
      startAt: reading.startAt,
      count: reading.count,
      idlePollMs: reading.idlePollMs,
      signal: this.controller.signal,
      stats: this.stats,
      onWalker: (w: { counts(): ShardCounts; caughtUp(): boolean }) => {
        this.walker = w;
      },
      onNotice: (notice: Parameters<typeof formatNotice>[0]) => {
        const line = formatNotice(notice, flags.verbose);
        if (line) err(`${line}\n`);
      },
    };
    try {
      if (reading.kinesis) {
        const { name, precision, table } = reading.kinesis;
        for await (const batch of readKinesisStream(this.client as KinesisClient, {
          ...walk,
          streamName: name,
          precision,
          ...(table !== undefined ? { tableName: table } : {}),
        })) {
          onBatch(batch);
        }
      } else {
        for await (const records of readStream(this.client as DynamoDBStreamsClient, walk)) {
          onBatch({ records });
        }
      }
    } catch (error) {
      if (!(error instanceof MemoryCdcError) || error instanceof ConfigError || error instanceof LayoutError)
        throw error;
      return error;
    }
    return undefined;
  }

  /** Writes the progress line (records/s, lag, shards) to stderr. */
  reportProgress(): void {
    const { command, err, progressSuffix = '' } = this.options;
    const { walker } = this;
    err(
      `${command}: ${formatProgress(this.stats.snapshot(walker?.caughtUp()), walker?.counts())}${progressSuffix}\n`,
    );
  }

  /** Stops the progress timer and the Ctrl-C handler and closes the client. */
  close(): void {
    this.stopProgress();
    this.stopInterrupt();
    this.client.destroy();
  }
}
