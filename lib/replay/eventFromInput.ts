/**
 * What `test-pattern --event` accepts: an EventBridge event as rule targets receive it, a PutEvents
 * entry (`Source`, `DetailType`, `Detail` as JSON text or object), or a line of `replay --json` /
 * `tail --json` output (whose `payload` is the PutEvents entry). The last two are converted the way
 * EventBridge wraps an entry on delivery, and the conversion is said.
 */
import { ExactNumber, parseJsonExact } from '../patterns/ExactNumber.js';
import type { EventBridgeEntry } from '../routing/types.js';
import { toEventBridgeEvent } from './eventBridgeEvent.js';

/** The event to match, and what was done to get it (undefined when it was given as an event). */
export interface EventInput {
  event: Record<string, unknown>;
  converted?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

function fromEntry(entry: Record<string, unknown>): Record<string, unknown> {
  let detail = entry.Detail;
  if (typeof detail === 'string') detail = parseJsonExact(detail);
  const resources = Array.isArray(entry.Resources) ? (entry.Resources as string[]) : [];
  const origin = isObject(detail) && isObject(detail.origin) ? detail.origin : {};
  return toEventBridgeEvent({
    ...(entry as unknown as EventBridgeEntry),
    Resources: resources,
    Detail: { ...(isObject(detail) ? detail : {}), origin } as unknown as EventBridgeEntry['Detail'],
  }) as unknown as Record<string, unknown>;
}

/**
 * Reads an event input.
 *
 * @example
 * ```ts
 * const line = '{"record":"r1","sink":"eventbridge","payload":{"Source":"memory-cdc","DetailType":"Turn Created","Detail":{"eventId":"e1"},"Resources":[]}}';
 * eventFromInput(parseJsonExact(line)).converted; // 'a replay --json line (record r1) …'
 * ```
 * @throws TypeError with the reason when the value is none of the accepted shapes
 */
export function eventFromInput(value: unknown): EventInput {
  if (!isObject(value)) throw new TypeError('expected a JSON object (an EventBridge event)');
  if (isObject(value.payload) && typeof value.sink === 'string') {
    if (value.sink !== 'eventbridge') {
      throw new TypeError(
        `this replay --json line is a ${value.sink} output; only eventbridge outputs are EventBridge events`,
      );
    }
    const record = typeof value.record === 'string' ? ` (record ${value.record})` : '';
    return {
      event: fromEntry(value.payload),
      converted: `a replay --json line${record}: its PutEvents entry wrapped as EventBridge delivers it (version, id, detail-type, source, account, time, region, resources, detail)`,
    };
  }
  if (
    !Object.hasOwn(value, 'detail-type') &&
    Object.hasOwn(value, 'DetailType') &&
    Object.hasOwn(value, 'Detail')
  ) {
    return {
      event: fromEntry(value),
      converted: 'a PutEvents entry: wrapped as EventBridge delivers it (Detail parsed, fields renamed)',
    };
  }
  return { event: value };
}
