/**
 * Measures a workload from recorded stream records (a `capture` or `tail` sample): change rates by
 * entity and TTL expiries per day over the sample's time window, and the average item size.
 */
import { ConfigError } from '../errors.js';
import type { EntityKind } from '../layout/types.js';
import type { Pipeline } from '../pipeline/types.js';
import type { StreamRecord } from '../stream/types.js';

/** What a sample says about the workload. */
export interface MeasuredWorkload {
  changesPerSecond: Partial<Record<EntityKind, number>>;
  expiriesPerDay: number;
  itemBytes: number;
  /** The window the rates are over, seconds. */
  windowSeconds: number;
  /** Where the window came from. */
  windowSource: 'records' | 'flag';
  records: number;
}

/**
 * DynamoDB Local truncates creation times to the minute, and a short sample spans too little time
 * to divide by: below this span the caller must say how long the sample took.
 */
export const MIN_MEASURED_WINDOW_SECONDS = 60;

/**
 * Rates from a sample. The window is the span of the records' `ApproximateCreationDateTime`
 * unless `windowSeconds` is given.
 * @throws ConfigError when the sample is empty or spans too little time and no window is given
 */
export function measureWorkload(
  pipeline: Pipeline,
  records: readonly StreamRecord[],
  windowSeconds?: number,
): MeasuredWorkload {
  const counts = new Map<EntityKind, number>();
  let expiries = 0;
  let itemBytes = 0;
  let items = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let measured = 0;
  for (const record of records) {
    let processed: ReturnType<Pipeline['process']>;
    try {
      processed = pipeline.process(record);
    } catch {
      continue;
    }
    measured++;
    const time = record.dynamodb?.ApproximateCreationDateTime;
    if (typeof time === 'number' && Number.isFinite(time)) {
      first = Math.min(first, time);
      last = Math.max(last, time);
    }
    const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    if (image) {
      itemBytes += Buffer.byteLength(JSON.stringify(image), 'utf8');
      items++;
    }
    if (processed.change.expired) expiries++;
    else {
      const entity = processed.classification.entity;
      counts.set(entity, (counts.get(entity) ?? 0) + 1);
    }
  }
  if (measured === 0) throw new ConfigError('--from: no record in the sample could be decoded');
  const span = last - first;
  let window = windowSeconds;
  if (window === undefined) {
    if (!(span >= MIN_MEASURED_WINDOW_SECONDS)) {
      throw new ConfigError(
        `--from: the sample spans ${Number.isFinite(span) ? `${span} s` : 'no time'} (creation times); pass --window-seconds with how long it was recorded`,
      );
    }
    window = span;
  }
  const changesPerSecond: Partial<Record<EntityKind, number>> = {};
  for (const [entity, n] of counts) changesPerSecond[entity] = n / window;
  return {
    changesPerSecond,
    expiriesPerDay: (expiries / window) * 86_400,
    itemBytes: items === 0 ? 1024 : Math.round(itemBytes / items),
    windowSeconds: window,
    windowSource: windowSeconds === undefined ? 'records' : 'flag',
    records: measured,
  };
}
