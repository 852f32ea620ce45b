/**
 * What the commands that read a stream (`tail`, `capture`) share around {@link readStream}: their
 * stream flags, the Streams client, Ctrl-C, notices and the periodic progress line.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ConfigError, LayoutError, MemoryCdcError } from '../errors.js';
import type { StreamRecord } from '../stream/types.js';
import {
  abortOnInterrupt,
  every,
  parsePositiveInteger,
  parseProgressSeconds,
  parseStartPosition,
  resolveStreamArn,
} from './cliSupport.js';
import { createStreamsClient } from './createClients.js';
import { formatNotice } from './formatNotice.js';
import { formatProgress, LiveStats } from './LiveStats.js';
import { readStream } from './readStream.js';
import type { ShardWalker } from './ShardWalker.js';
import type { StartPosition } from './types.js';

/** The flags of every command that reads a stream. */
export interface StreamFlags {
  table?: string;
  streamArn?: string;
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
  return {
    startAt: parseStartPosition(flags.from),
    count: parsePositiveInteger('--count', flags.count),
    idlePollMs: parsePositiveInteger('--poll-interval', flags.pollInterval),
    progressSeconds: parseProgressSeconds(flags.progress),
  };
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
  private readonly client: DynamoDBStreamsClient;
  private readonly controller = new AbortController();
  private readonly stats = new LiveStats();
  private walker: ShardWalker | undefined;
  private readonly stopInterrupt: () => void;
  private readonly stopProgress: () => void;

  constructor(private readonly options: StreamSessionOptions) {
    const { command, flags, reading, err } = options;
    this.client = createStreamsClient({ region: flags.region, endpoint: flags.endpoint });
    this.stopInterrupt = abortOnInterrupt(this.controller, () =>
      err(`${command}: ${options.interruptNotice}\n`),
    );
    this.stopProgress = every(reading.progressSeconds * 1000, () => this.reportProgress());
  }

  /**
   * The stream to read: `--stream-arn` as given, else the table's newest stream.
   * @throws ConfigError when neither is given, the table does not exist or has no stream
   */
  streamArn(): Promise<string> {
    return resolveStreamArn(this.client, this.options.flags, this.controller.signal);
  }

  /**
   * Reads the stream until `--count` records, Ctrl-C, or the disabled stream's end, handing each
   * batch to `onRecords`. A stream that fails mid-way ends the reading and its error is returned,
   * so the command can still report what was read before throwing it; configuration and layout
   * errors, and bugs, are thrown.
   */
  async read(
    streamArn: string,
    onRecords: (records: StreamRecord[]) => void,
  ): Promise<MemoryCdcError | undefined> {
    const { flags, reading, err } = this.options;
    try {
      for await (const records of readStream(this.client, {
        streamArn,
        startAt: reading.startAt,
        count: reading.count,
        idlePollMs: reading.idlePollMs,
        signal: this.controller.signal,
        stats: this.stats,
        onWalker: (w) => {
          this.walker = w;
        },
        onNotice: (notice) => {
          const line = formatNotice(notice, flags.verbose);
          if (line) err(`${line}\n`);
        },
      })) {
        onRecords(records);
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
