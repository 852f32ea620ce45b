import type { RoutedOutput, SinkName } from '../../routing/types.js';
import type { DeliveryReport, Sink } from '../../sinks/types.js';

/**
 * Accepts every output and keeps none: for sinks `memory-cdc dev` only counts (the vector operations
 * the vector-sync worker would apply from the change log). Wrap it in an `ObservedSink` to count.
 */
export class DiscardSink implements Sink {
  constructor(readonly name: SinkName) {}

  async deliver(outputs: readonly RoutedOutput[]): Promise<DeliveryReport> {
    return { outcomes: outputs.map(() => ({ status: 'accepted' })) };
  }
}
