import { DEV_SOURCE_NAMES, type DevSource } from './DevSource.js';
import type { DevSnapshot } from './DevStats.js';

/** What the header of the view names. */
export interface DevViewContext {
  layout: string;
  table: string;
  endpoint: string;
  /** Writes the seeder will make (0: none). */
  seedTotal: number;
  /** What the router and archiver read (named in the header when given). */
  source?: DevSource;
  /** Kinesis source: the stream the bridge writes to and the router reads. */
  sourceStream?: { name: string };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const millis = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

/**
 * The live view of `memory-cdc dev`, a few lines of plain text (no trailing newline):
 *
 * ```
 * memory-cdc dev · agent-memory · table agent-memory · http://127.0.0.1:8000 · 12.0 s
 * writes 240/400 · changes 238 (19.8/s) · lag p50 45 ms, p99 120 ms, max 180 ms · pending 2
 * events 301: Conversation Updated 60 · Turn Created 52 · … (+7 more)
 * change log 210 · archive 3 items in 2 objects · vector ops 44 upserts, 2 deletes · dead letters 0
 * TTL: 12 expired items written, 3 deleted so far (DynamoDB Local sweeps about 20 items every 10 s)
 * ```
 *
 * With a source in the context the header names it (`· source DynamoDB stream`); with
 * `--source kinesis` a line counts what the local bridge wrote to the source stream:
 *
 * ```
 * bridge: table stream -> Kinesis memory-source · 238 records written · 0 PutRecords retried · 0 lost
 * ```
 */
export function formatDevView(
  view: DevViewContext,
  s: DevSnapshot,
  options: { width?: number; full?: boolean } = {},
): string {
  const width = options.width ?? 110;
  const source = view.source ? ` · source ${DEV_SOURCE_NAMES[view.source]}` : '';
  const header = `memory-cdc dev · ${view.layout} · table ${view.table} · ${view.endpoint}${source} · ${seconds(s.elapsedMs)}`;
  const lag = s.latency
    ? `lag p50 ${millis(s.latency.p50)}, p99 ${millis(s.latency.p99)}, max ${millis(s.latency.max)}`
    : 'lag -';
  const writes = view.seedTotal > 0 ? `writes ${s.writes}/${view.seedTotal}` : `writes ${s.writes}`;
  const flow = `${writes} · changes ${s.changes} (${s.changesPerSecond.toFixed(1)}/s) · ${lag} · pending ${s.pending}`;
  const entries = Object.entries(s.events);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  let events = `events ${total}`;
  let shown = 0;
  for (const [type, count] of entries) {
    const part = `${shown === 0 ? ': ' : ' · '}${type} ${count}`;
    const rest = entries.length - shown - 1;
    if (events.length + part.length + (rest > 0 ? 14 : 0) > width) break;
    events += part;
    shown++;
  }
  if (options.full) {
    // The final summary lists every detail-type, one line each.
    events = `events ${total}${entries.map(([type, count]) => `\n  ${String(count).padStart(6)}  ${type}`).join('')}`;
  } else if (shown < entries.length) {
    events += ` · (+${entries.length - shown} more)`;
  }
  const sinks =
    `change log ${s.kinesisRecords} · archive ${s.archive.items} items in ${s.archive.objects} objects · ` +
    `vector ops ${s.vector.upserts} upserts, ${s.vector.deletes} deletes · dead letters ${s.deadLetters}`;
  const lines = [header, flow, events, sinks];
  if (s.bridge) {
    lines.push(
      `bridge: table stream -> Kinesis ${view.sourceStream?.name ?? 'source stream'} · ${s.bridge.written} records written · ` +
        `${s.bridge.failedCalls} PutRecords retried · ${s.bridge.lost} lost`,
    );
  }
  if (s.ttl.expiredWritten > 0 || s.ttl.expiriesRead > 0) {
    lines.push(
      `TTL: ${s.ttl.expiredWritten} expired items written, ${s.ttl.expiriesRead} deleted so far ` +
        '(DynamoDB Local sweeps about 20 items every 10 s)',
    );
  }
  return lines.join('\n');
}
