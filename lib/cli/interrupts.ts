/**
 * Ctrl-C for the CLI: commands that can stop cleanly (write their summary or file first) register
 * with {@link abortOnInterrupt}; {@link interruptCount} lets the shared command runner tell that an
 * interruption happened during a command, so it exits 130.
 */
import { InterruptedError } from '../errors.js';

let interrupts = 0;

/** How many interruptions (SIGINT/SIGTERM) the registered handlers have seen in this process. */
export function interruptCount(): number {
  return interrupts;
}

/**
 * Aborts the controller (with an {@link InterruptedError} as reason) on the first Ctrl-C (or
 * SIGTERM) so the command stops cleanly and still writes its summary or file; a second Ctrl-C kills
 * the process as usual. Returns the disposer.
 */
export function abortOnInterrupt(controller: AbortController, onInterrupt?: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    dispose();
    interrupts += 1;
    onInterrupt?.();
    controller.abort(new InterruptedError(`interrupted (${signal})`));
  };
  const dispose = () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return dispose;
}
