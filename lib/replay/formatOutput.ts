import type { RoutedOutput } from '../routing/types.js';

/** The `--json` line of one routed output (replay and tail print the same). */
export interface OutputLine {
  /** The originating stream record's eventID. */
  record: string;
  entity: string;
  sink: RoutedOutput['sink'];
  eventId: string;
  detailType?: string;
  /** Rules this EventBridge output matches (with `--rules`). */
  rules?: string[];
  /** What the sink would receive. */
  payload: RoutedOutput['payload'];
}

/** One `--json` line (no trailing newline). */
export function formatOutputLine(output: RoutedOutput, rules?: string[]): string {
  const line: Partial<OutputLine> = {
    record: output.record,
    entity: output.entity,
    sink: output.sink,
    eventId: output.eventId,
  };
  if (output.sink === 'eventbridge' || output.sink === 'kinesis') line.detailType = output.detailType;
  if (rules) line.rules = rules;
  line.payload = output.payload; // Last, so the short fields lead each line.
  return JSON.stringify(line);
}
