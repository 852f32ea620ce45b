/**
 * The end of every batch: one structured log line and one EMF metrics document.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from 'pino';
import type { SinkName } from '../routing/types.js';
import type { BatchSummary, SinkSummary } from './types.js';

/** Metric-name prefix per sink (`EventBridgeOutputsAccepted`, `KinesisRequests`, …). */
const SINK_METRIC_PREFIX: Record<SinkName, string> = {
  eventbridge: 'EventBridge',
  kinesis: 'Kinesis',
  archive: 'Archive',
  vector: 'Vector',
};

/** Per-sink metrics: name suffix and the summary field it reads. */
const SINK_METRICS: [string, keyof SinkSummary][] = [
  ['Outputs', 'outputs'],
  ['OutputsAccepted', 'accepted'],
  ['OutputsFailed', 'retryable'],
  ['OutputsRejected', 'rejected'],
  ['Requests', 'requests'],
  ['Retries', 'retries'],
  ['Throttles', 'throttles'],
  ['ClaimChecks', 'claimChecks'],
];

/** Per sink, its metric names with the summary field each reads (spelled once, not per batch). */
const SINK_METRIC_NAMES = {} as Record<SinkName, [string, keyof SinkSummary][]>;
for (const [sink, prefix] of Object.entries(SINK_METRIC_PREFIX) as [SinkName, string][]) {
  SINK_METRIC_NAMES[sink] = SINK_METRICS.map(([suffix, field]) => [`${prefix}${suffix}`, field]);
}

/** Where the summary goes. */
export interface BatchReportTargets {
  logger?: Logger;
  /** A Powertools Metrics instance (EMF on stdout); its stored metrics are published here. */
  metrics?: Metrics;
}

/**
 * Logs the batch summary (info, or warn when records were reported or dead-lettered) and publishes
 * its metrics in CloudWatch Embedded Metric Format: `RecordsIn`, `RecordsDelivered`,
 * `RecordsFailed`, `RecordsDeadLettered`, `DeadlineStops`, `StreamLag` (max, ms) and per sink
 * `<Sink>Outputs`, `…OutputsAccepted`, `…OutputsFailed`, `…OutputsRejected`, `…Requests`,
 * `…Retries`, `…Throttles`, `…ClaimChecks`.
 *
 * @example
 * ```ts
 * const metrics = new Metrics({ namespace: 'MemoryCdc', serviceName: 'router' });
 * reportBatch(summary, { logger, metrics });
 * ```
 */
export function reportBatch(summary: BatchSummary, targets: BatchReportTargets): void {
  const { logger, metrics } = targets;
  if (logger) {
    const level = summary.reported > 0 || summary.deadLettered > 0 ? 'warn' : 'info';
    logger[level]({ batch: summary }, 'stream batch processed');
  }
  if (!metrics) return;
  metrics.addMetric('RecordsIn', MetricUnit.Count, summary.records);
  metrics.addMetric('RecordsDelivered', MetricUnit.Count, summary.delivered);
  metrics.addMetric('RecordsFailed', MetricUnit.Count, summary.reported);
  metrics.addMetric('RecordsDeadLettered', MetricUnit.Count, summary.deadLettered);
  metrics.addMetric('DeadlineStops', MetricUnit.Count, summary.deadlineReached ? 1 : 0);
  if (summary.maxLagMs !== undefined)
    metrics.addMetric('StreamLag', MetricUnit.Milliseconds, summary.maxLagMs);
  for (const [sink, counts] of Object.entries(summary.sinks) as [SinkName, SinkSummary][]) {
    for (const [name, field] of SINK_METRIC_NAMES[sink])
      metrics.addMetric(name, MetricUnit.Count, counts[field]);
  }
  metrics.publishStoredMetrics();
}
