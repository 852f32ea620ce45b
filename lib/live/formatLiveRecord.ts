/**
 * The readable line `tail` prints for each record as it arrives (the `--json` form is replay's
 * output line; the summary at the end is replay's summary).
 */
import type { Layout } from '../layout/types.js';
import type { ProcessedRecord } from '../pipeline/types.js';
import type { JsonValue } from '../stream/types.js';

/** Key values, partition key first (DynamoDB Local lists the sort key first). */
function keyText(keys: Record<string, JsonValue>, layout: Pick<Layout, 'partitionKey' | 'sortKey'>): string {
  const names = Object.keys(keys).sort((a, b) => rank(a) - rank(b));
  function rank(name: string): number {
    return name === layout.partitionKey ? 0 : name === layout.sortKey ? 1 : 2;
  }
  return names
    .map((name) => (typeof keys[name] === 'string' ? keys[name] : JSON.stringify(keys[name])))
    .join(' | ');
}

/**
 * One line per record: time, change, entity, key, and what each sink gets, e.g.
 * `2026-11-01T00:00:07Z insert turn USER#u1 | CONV#c1#TS#… -> eventbridge:TurnAdded kinesis vector`.
 */
export function formatLiveRecord(
  processed: ProcessedRecord,
  layout: Pick<Layout, 'partitionKey' | 'sortKey'>,
): string {
  const { change, classification, outputs } = processed;
  const time = change.position.approximateCreationTime?.replace(/\.000Z$/, 'Z') ?? '(no time)';
  const op = change.expired ? 'expire' : change.op;
  const sinks = outputs.map((o) => (o.sink === 'eventbridge' ? `eventbridge:${o.detailType}` : o.sink));
  const entity = classification.sourceEntity
    ? `${classification.entity}(${classification.sourceEntity})`
    : classification.entity;
  return `${time} ${op} ${entity} ${keyText(change.keys, layout)} -> ${sinks.length ? [...new Set(sinks)].join(' ') : '(no outputs)'}`;
}
