/**
 * Readable lines for the walker's notices. Gaps, lost shards, expired iterators and retries are
 * always worth a line; shard transitions only with `--verbose`.
 */
import type { WalkerNotice } from './types.js';

/** The line for a notice (no newline), or undefined when it is shown only with `verbose`. */
export function formatNotice(notice: WalkerNotice, verbose = false): string | undefined {
  switch (notice.type) {
    case 'gap':
      return `warning: shard ${notice.shardId}: records ${notice.afterSequenceNumber ? `after sequence ${notice.afterSequenceNumber}` : 'from its start'} were trimmed (older than 24 h) before they were read; resumed at the trim horizon`;
    case 'shard-gone':
      return `warning: shard ${notice.shardId} was trimmed away before it was read to its end${notice.afterSequenceNumber ? ` (last read: ${notice.afterSequenceNumber})` : ''}`;
    case 'iterator-expired':
      return notice.position === 'LATEST'
        ? `notice: shard ${notice.shardId}: iterator expired before any record was read; re-acquired at LATEST (changes made meanwhile may be missed)`
        : `notice: shard ${notice.shardId}: iterator expired; re-acquired ${notice.afterSequenceNumber ? `after sequence ${notice.afterSequenceNumber}` : 'at TRIM_HORIZON'}`;
    case 'retry':
      return `notice: ${notice.operation}${notice.shardId ? ` on shard ${notice.shardId}` : ''} failed (${notice.error}); retry ${notice.attempt} in ${notice.delayMs} ms`;
    case 'late': {
      const shown = notice.eventIds.slice(0, 3).join(', ');
      const more = notice.eventIds.length > 3 ? ` and ${notice.eventIds.length - 3} more` : '';
      return `notice: shard ${notice.shardId}: ${notice.eventIds.length} change(s) arrived after a later change of the same item was already shown (order across pages is not restored): ${shown}${more}`;
    }
    case 'duplicates':
      return verbose
        ? `shard ${notice.shardId}: ${notice.count} redelivered change(s) dropped (same eventID as one already read)`
        : undefined;
    case 'shard-opened':
      return verbose
        ? `shard ${notice.shardId}: reading from ${notice.position}${notice.parentShardId ? ` (parent ${notice.parentShardId} done)` : ''}`
        : undefined;
    case 'shard-ended':
      return verbose
        ? `shard ${notice.shardId}: closed and read to its end (${notice.records} records)`
        : undefined;
    case 'shard-skipped':
      return verbose
        ? `shard ${notice.shardId}: closed before the start; skipped (--from latest)`
        : undefined;
  }
}
