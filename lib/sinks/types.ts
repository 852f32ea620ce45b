/**
 * The sink interface the Lambdas and replay share. A sink takes outputs (already in the order the
 * stream delivered them) and reports, per output, whether it was accepted. It never throws for an
 * output it could not deliver: it reports it, so the caller decides what to retry.
 */
import type { RoutedOutput, SinkName } from '../routing/types.js';

/** Outcome for one output. */
export type DeliveryOutcome =
  | { status: 'accepted' }
  /** Another attempt may succeed (throttling, 5xx, timeouts). */
  | { status: 'retryable'; reason: string }
  /** The service rejected the output as invalid: retrying cannot help (dead-letter it). */
  | { status: 'rejected'; reason: string };

/** Per-output outcomes, in the order of the outputs given. */
export interface DeliveryReport {
  outcomes: DeliveryOutcome[];
}

/** Options for one delivery call. */
export interface DeliverOptions {
  /** Abort when the Lambda deadline is near: outputs not sent are reported retryable. */
  signal?: AbortSignal;
}

/** A destination for routed outputs. */
export interface Sink<O extends RoutedOutput = RoutedOutput> {
  readonly name: SinkName;
  deliver(outputs: readonly O[], options?: DeliverOptions): Promise<DeliveryReport>;
  /** Flush buffered work and release resources (local sinks write files here). */
  close?(): Promise<void>;
}
