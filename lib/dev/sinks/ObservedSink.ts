import type { RoutedOutput, SinkName } from '../../routing/types.js';
import type { DeliverOptions, DeliveryReport, Sink } from '../../sinks/types.js';

/**
 * Wraps a sink and reports every output it accepted (for the live view's counters and `--json`),
 * leaving delivery and its outcomes untouched.
 */
export class ObservedSink<O extends RoutedOutput> implements Sink<O> {
  readonly name: SinkName;

  constructor(
    private readonly inner: Sink<O>,
    private readonly onAccepted: (output: O) => void,
  ) {
    this.name = inner.name;
  }

  async deliver(outputs: readonly O[], options?: DeliverOptions): Promise<DeliveryReport> {
    const report = await this.inner.deliver(outputs, options);
    report.outcomes.forEach((outcome, index) => {
      if (outcome.status === 'accepted') this.onAccepted(outputs[index]!);
    });
    return report;
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
