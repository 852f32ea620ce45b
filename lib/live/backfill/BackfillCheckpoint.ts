/**
 * The backfill checkpoint: per scan segment, the `LastEvaluatedKey` of the last page whose records
 * went through the pipeline (and, with `--deliver`, were accepted by the sinks). A backfill that
 * stops (Ctrl-C, a crash, throttling that outlasts the retries) resumes from it; pages already
 * done are not emitted again. Written atomically (temp file + rename) after every page.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BackfillError } from '../errors.js';

/** Progress of one scan segment. */
export interface SegmentProgress {
  segment: number;
  /** Where the next Scan page starts (DynamoDB JSON, binary as base64); absent before the first page. */
  lastEvaluatedKey?: Record<string, unknown>;
  /** True when the segment's last page has been processed. */
  done: boolean;
  /** Items emitted from this segment so far. */
  items: number;
}

/**
 * What a checkpoint was made against. A checkpoint resumes only the same table: same endpoint, and
 * the same table ARN (account, region, name) created at the same time (a table deleted and created
 * again is another table).
 */
export interface CheckpointSource {
  /** The endpoint URL, or `aws` for the AWS endpoint of the region. */
  endpoint: string;
  tableArn: string;
  /** The table's CreationDateTime, ISO-8601 (empty when DescribeTable gave none). */
  tableCreatedAt: string;
}

/** The checkpoint file's content. */
export interface CheckpointState {
  version: 1;
  table: string;
  /** Absent in checkpoints written before they were bound to their source (refused on resume). */
  source?: CheckpointSource;
  totalSegments: number;
  startedAt: string;
  updatedAt: string;
  segments: SegmentProgress[];
}

/** A key as the SDK returns it, made JSON-safe (binary values as base64 in `{ B64: … }`). */
function encodeKey(key: Record<string, AttributeValue>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(key, (_k, v: unknown) =>
      v instanceof Uint8Array ? { B64: Buffer.from(v).toString('base64') } : v,
    ),
  ) as Record<string, unknown>;
}

/** The inverse of {@link encodeKey}. */
function decodeKey(key: Record<string, unknown>): Record<string, AttributeValue> {
  return JSON.parse(JSON.stringify(key), (_k, v: unknown) =>
    v && typeof v === 'object' && 'B64' in v && typeof (v as { B64: unknown }).B64 === 'string'
      ? new Uint8Array(Buffer.from((v as { B64: string }).B64, 'base64'))
      : v,
  ) as Record<string, AttributeValue>;
}

export class BackfillCheckpoint {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly state: CheckpointState,
    /** True when the state was read from an existing file. */
    readonly resumed: boolean,
  ) {}

  /**
   * Opens the checkpoint at `path`: resumes it when it exists and fits, else starts a new one.
   * @param restart ignore an existing checkpoint and start over
   * @throws BackfillError when an existing checkpoint is for another table, segment count or source
   *   (endpoint, table ARN, creation time), or is not a checkpoint
   */
  static async open(
    path: string,
    run: {
      table: string;
      totalSegments: number;
      source: CheckpointSource;
      restart?: boolean;
      now?: () => Date;
    },
  ): Promise<BackfillCheckpoint> {
    const now = (run.now ?? (() => new Date()))().toISOString();
    if (!run.restart) {
      const existing = await readCheckpoint(path);
      if (existing) {
        if (existing.table !== run.table || existing.totalSegments !== run.totalSegments) {
          throw new BackfillError(
            `checkpoint ${path} is for table ${existing.table} with ${existing.totalSegments} segment(s), ` +
              `not ${run.table} with ${run.totalSegments}: pass the same --segments, another --checkpoint, or --restart`,
          );
        }
        const mismatch = sourceMismatch(existing.source, run.source);
        if (mismatch) {
          throw new BackfillError(
            `checkpoint ${path} ${mismatch}: it cannot resume this backfill. Pass another --checkpoint, or --restart to scan from the start`,
          );
        }
        return new BackfillCheckpoint(path, existing, true);
      }
    }
    const state: CheckpointState = {
      version: 1,
      table: run.table,
      source: run.source,
      totalSegments: run.totalSegments,
      startedAt: now,
      updatedAt: now,
      segments: Array.from({ length: run.totalSegments }, (_, segment) => ({
        segment,
        done: false,
        items: 0,
      })),
    };
    const checkpoint = new BackfillCheckpoint(path, state, false);
    await checkpoint.save();
    return checkpoint;
  }

  /** True when every segment has been scanned to its end. */
  get complete(): boolean {
    return this.state.segments.every((s) => s.done);
  }

  /** Items emitted in all segments so far (including earlier runs). */
  get items(): number {
    return this.state.segments.reduce((sum, s) => sum + s.items, 0);
  }

  /** Where a segment's next page starts, or undefined for its first page. */
  startKey(segment: number): Record<string, AttributeValue> | undefined {
    const key = this.state.segments[segment]?.lastEvaluatedKey;
    return key ? decodeKey(key) : undefined;
  }

  /** Records that a page was processed and persists the checkpoint. */
  async pageDone(
    segment: number,
    items: number,
    lastEvaluatedKey: Record<string, AttributeValue> | undefined,
  ): Promise<void> {
    const progress = this.state.segments[segment];
    if (!progress) throw new BackfillError('no such segment in the checkpoint', segment);
    progress.items += items;
    if (lastEvaluatedKey) progress.lastEvaluatedKey = encodeKey(lastEvaluatedKey);
    else {
      delete progress.lastEvaluatedKey;
      progress.done = true;
    }
    await this.save();
  }

  /** Writes the state; writes are queued so parallel segments never interleave a file. */
  save(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    const text = `${JSON.stringify(this.state, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, this.path);
    });
    return this.writing;
  }
}

async function readCheckpoint(path: string): Promise<CheckpointState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BackfillError(`cannot read checkpoint ${path}: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BackfillError(`checkpoint ${path} is not JSON (delete it or pass --restart)`, undefined, {
      cause: error,
    });
  }
  const state = parsed as Partial<CheckpointState>;
  if (
    state?.version !== 1 ||
    typeof state.table !== 'string' ||
    typeof state.totalSegments !== 'number' ||
    !Array.isArray(state.segments) ||
    state.segments.length !== state.totalSegments
  ) {
    throw new BackfillError(`${path} is not a memory-cdc backfill checkpoint (delete it or pass --restart)`);
  }
  return state as CheckpointState;
}

/** Why a checkpoint's source is not this run's, or undefined when it is the same. */
function sourceMismatch(saved: CheckpointSource | undefined, current: CheckpointSource): string | undefined {
  if (!saved)
    return 'does not say which endpoint and table it was made against (written by an older version)';
  const describe = (s: CheckpointSource) =>
    `${s.tableArn} created ${s.tableCreatedAt || 'at an unknown time'} at ${s.endpoint}`;
  if (
    saved.endpoint !== current.endpoint ||
    saved.tableArn !== current.tableArn ||
    saved.tableCreatedAt !== current.tableCreatedAt
  ) {
    return `was made against ${describe(saved)}, not ${describe(current)}`;
  }
  return undefined;
}
