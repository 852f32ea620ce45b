/**
 * What the router should deliver for a list of writes, computed without DynamoDB: the writes go
 * through the fixtures' TableSimulator (which emits the stream records DynamoDB would) and the
 * pipeline. Event ids differ from the real stream's (they derive from DynamoDB's eventIDs), so
 * outputs are compared by detail-type and item key.
 */
import type { SeedWrite } from '../../lib/dev/seed/types.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { partitionKeyFor } from '../../lib/routing/partitionKey.js';

/** An output reduced to what the real stream and the simulation share. */
export interface OutputKey {
  sink: 'eventbridge' | 'kinesis';
  partitionKey: string;
  detailType: string;
  /** `pk|sk` of the item. */
  item: string;
}

export const itemOf = (keys: Record<string, unknown>) => `${String(keys.pk)}|${String(keys.sk)}`;

/** The EventBridge and Kinesis outputs the router owes for the writes, in stream order. */
export function expectedOutputs(table: string, writes: readonly SeedWrite[]): OutputKey[] {
  const sim = new TableSimulator({ table, keyAttributes: ['pk', 'sk'] });
  for (const write of writes) {
    if (write.op === 'put') sim.put(write.item);
    else if (write.op === 'delete') sim.delete(write.key);
    else
      sim.update(write.key, {
        ...write.set,
        ...Object.fromEntries((write.remove ?? []).map((n) => [n, undefined])),
      });
  }
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  return sim.records.flatMap((record) =>
    pipeline
      .process(record)
      .outputs.filter((o) => o.sink === 'eventbridge' || o.sink === 'kinesis')
      .map((o) => {
        const detail = o.sink === 'eventbridge' ? o.payload.Detail : o.payload.Data;
        return {
          sink: o.sink as OutputKey['sink'],
          partitionKey: partitionKeyFor(detail),
          detailType: o.detailType,
          item: itemOf(detail.keys),
        };
      }),
  );
}

/** Groups values by a key, keeping their order. */
export function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const list = groups.get(key);
    if (list) list.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
