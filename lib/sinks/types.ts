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
export interface DeliverOptions<P = unknown> {
  /** Abort when the Lambda deadline is near: outputs not sent are reported retryable. */
  signal?: AbortSignal;
  /**
   * What this sink's `prepare` made of each output, one per output in the same order; the sink
   * does that work itself without them. Each is good for one delivery only.
   */
  prepared?: readonly P[];
}

/** A destination for routed outputs. */
export interface Sink<O extends RoutedOutput = RoutedOutput, P = unknown> {
  readonly name: SinkName;
  deliver(outputs: readonly O[], options?: DeliverOptions<P>): Promise<DeliveryReport>;
  /**
   * Optional: the work `deliver` would start with for one output (serialize it, size it, build
   * its request entry), done now. The batch processor calls it right after a record's outputs are
   * built, while their objects are still in the CPU cache, and hands the results to `deliver` in
   * `prepared`: walking every output again once the whole batch is built costs several times more.
   * Must not throw (an output that can never be sent is reported by `deliver`).
   */
  prepare?(output: O): P;
  /** Flush buffered work and release resources (local sinks write files here). */
  close?(): Promise<void>;
}
