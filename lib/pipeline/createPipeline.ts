import { buildEvents } from '../catalog/buildEvents.js';
import { EVENT_SOURCE } from '../catalog/types.js';
import { classifyItem } from '../layout/classifyItem.js';
import { gunzipAttributes } from '../layout/gunzipAttributes.js';
import { layoutForTable } from '../layout/tableLayouts.js';
import { resolveRouting } from '../routing/defaultRouting.js';
import { routeEvents } from '../routing/routeEvents.js';
import { decodeRecord } from '../stream/decodeRecord.js';
import { isTtlExpiry } from '../stream/isTtlExpiry.js';
import type { StreamRecord } from '../stream/types.js';
import type { Pipeline, PipelineOptions, ProcessedRecord } from './types.js';

/**
 * Creates the pipeline every entry point runs: decode -> classify -> build events -> route.
 * Build it once (outside a Lambda handler) and call `process` per record.
 *
 * @example
 * ```ts
 * import { agentMemoryLayout, createPipeline } from 'memory-cdc';
 * import type { DynamoDBStreamHandler } from 'aws-lambda';
 *
 * const pipeline = createPipeline({ layout: agentMemoryLayout });
 *
 * export const handler: DynamoDBStreamHandler = async (event) => {
 *   for (const record of event.Records) {
 *     const { events, outputs } = pipeline.process(record);
 *     console.log(events.map((e) => e.detailType), outputs.length);
 *   }
 * };
 * ```
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { layout, tableLayouts } = options;
  const routing = resolveRouting(options.routing);
  const buildOptions = { source: options.source ?? EVENT_SOURCE };
  return {
    layout,
    ...(tableLayouts ? { tableLayouts } : {}),
    routing,
    process(record: StreamRecord): ProcessedRecord {
      const decoded = decodeRecord(record);
      const tableLayout = layoutForTable(decoded.position.table, tableLayouts, layout);
      // DynamoDB Local only: a REMOVE of an item whose TTL had passed is the dev expiry sweeper's.
      if (decoded.op === 'remove' && !decoded.expired && tableLayout.ttlAttribute !== undefined) {
        decoded.expired = isTtlExpiry(record, decoded.position.region, tableLayout.ttlAttribute);
      }
      const change = gunzipAttributes(decoded, tableLayout);
      const classification = classifyItem(tableLayout, change.after ?? change.before ?? change.keys);
      const events = buildEvents(change, classification, tableLayout, buildOptions);
      const outputs = routeEvents(change, events, routing, tableLayout);
      return { change, classification, events, outputs };
    },
  };
}
