/**
 * The numbers `memory-cdc dev` shows while it runs: writes made, changes read per second, events
 * published per detail-type, change-log records, archive items and objects, vector operations,
 * dead letters, TTL expiries, and latency from a write being sent to the router having delivered
 * its record (which is the lag a consumer of the events sees).
 */
import { isExpiryRecord } from '../archive/processArchiveBatch.js';
import { LiveStats } from '../live/LiveStats.js';
import type { RoutedOutput } from '../routing/types.js';
import type { StreamRecord } from '../stream/types.js';
import type { KinesisStreamingStats } from './kinesisStreamingDestination.js';
import type { WriteClock } from './WriteClock.js';

/** A point-in-time view of the counters. */
export interface DevSnapshot {
  elapsedMs: number;
  writes: number;
  /** Records read from the stream, and per second over the last few seconds. */
  changes: number;
  changesPerSecond: number;
  /** EventBridge events accepted, per detail-type. */
  events: Record<string, number>;
  kinesisRecords: number;
  archive: { items: number; objects: number };
  vector: { upserts: number; deletes: number };
  deadLetters: number;
  /** Items written with a TTL already past, and TTL deletions read so far. */
  ttl: { expiredWritten: number; expiriesRead: number };
  /** Write sent -> record delivered by the router, over the recent window (ms). */
  latency: { p50: number; p99: number; max: number; samples: number } | undefined;
  /** Writes whose record has not been delivered yet. */
  pending: number;
  /**
   * `dev --source kinesis`: what the local bridge (the stand-in for the table's Kinesis streaming
   * destination) wrote to the source stream.
   */
  bridge?: KinesisStreamingStats;
}

/** The value at quantile `q` of sorted numbers (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export class DevStats {
  private readonly read: LiveStats;
  private writes = 0;
  private readonly events = new Map<string, number>();
  private kinesisRecords = 0;
  private archiveItems = 0;
  private upserts = 0;
  private deletes = 0;
  private expiredWritten = 0;
  private expiriesRead = 0;
  private readonly samples: { at: number; ms: number }[] = [];
  private readonly started: number;
  /** Set by the runner: where archive object counts come from. */
  archiveObjects: () => number = () => 0;
  /** Set by the runner: dead letters written so far. */
  deadLetters: () => number = () => 0;
  /** Set by the runner for a Kinesis source: what the bridge wrote. */
  bridge: (() => KinesisStreamingStats) | undefined;

  /**
   * @param clock the write clock the seeder fills
   * @param windowMs span of changes/s and of the latency quantiles @default 10000
   */
  constructor(
    private readonly clock: WriteClock,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
    /** The layout's TTL attribute, so the dev expiry sweeper's REMOVEs count as expiries. */
    private readonly ttlAttribute?: string,
  ) {
    this.read = new LiveStats(windowMs, now);
    this.started = now();
  }

  /** A write was sent; `expired` when its TTL is already past. */
  wrote(expired: boolean): void {
    this.writes++;
    if (expired) this.expiredWritten++;
  }

  /** Records were read from the stream. */
  readRecords(records: readonly StreamRecord[]): void {
    this.read.add(records);
    for (const record of records) if (isExpiryRecord(record, this.ttlAttribute)) this.expiriesRead++;
  }

  /** The router acknowledged these records at `atMs`: time each from its write. */
  delivered(records: readonly StreamRecord[], atMs: number): void {
    for (const record of records) {
      const keys = record.dynamodb?.Keys;
      const sent = keys ? this.clock.takeRecordKeys(keys) : undefined;
      if (sent !== undefined) this.samples.push({ at: atMs, ms: atMs - sent });
    }
  }

  /** A sink accepted an output. */
  accepted(output: RoutedOutput): void {
    switch (output.sink) {
      case 'eventbridge':
        this.events.set(output.detailType, (this.events.get(output.detailType) ?? 0) + 1);
        return;
      case 'kinesis':
        this.kinesisRecords++;
        return;
      case 'archive':
        this.archiveItems++;
        return;
      case 'vector':
        if (output.payload.action === 'upsert') this.upserts++;
        else this.deletes++;
    }
  }

  snapshot(): DevSnapshot {
    const now = this.now();
    while (this.samples.length > 0 && this.samples[0]!.at <= now - this.windowMs) this.samples.shift();
    const recent = this.samples.map((s) => s.ms).sort((a, b) => a - b);
    const read = this.read.snapshot();
    return {
      elapsedMs: now - this.started,
      writes: this.writes,
      changes: read.records,
      changesPerSecond: read.perSecond,
      events: Object.fromEntries([...this.events].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
      kinesisRecords: this.kinesisRecords,
      archive: { items: this.archiveItems, objects: this.archiveObjects() },
      vector: { upserts: this.upserts, deletes: this.deletes },
      deadLetters: this.deadLetters(),
      ttl: { expiredWritten: this.expiredWritten, expiriesRead: this.expiriesRead },
      latency: recent.length
        ? {
            p50: quantile(recent, 0.5),
            p99: quantile(recent, 0.99),
            max: recent.at(-1)!,
            samples: recent.length,
          }
        : undefined,
      pending: this.clock.outstanding,
      ...(this.bridge ? { bridge: { ...this.bridge() } } : {}),
    };
  }
}
