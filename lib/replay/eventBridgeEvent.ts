import type { EventBridgeEntry } from '../routing/types.js';

/** The event as EventBridge delivers it to rule targets (what event patterns match against). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: EventBridgeEntry['Detail'];
}

/**
 * Wraps a PutEvents entry the way EventBridge does on delivery. EventBridge assigns its own `id`;
 * replay uses the detail's deterministic event id, and the account/region of the table's ARN.
 */
export function toEventBridgeEvent(entry: EventBridgeEntry): EventBridgeEvent {
  const arn = entry.Resources[0]?.split(':') ?? [];
  return {
    version: '0',
    id: entry.Detail.eventId,
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: arn[4] ?? '123456789012',
    // EventBridge stamps events sent without Time with the time it received them.
    time: (entry.Time ?? new Date().toISOString()).replace(/\.\d{3}Z$/, 'Z'),
    region: arn[3] ?? entry.Detail.origin.region,
    resources: entry.Resources,
    detail: entry.Detail,
  };
}
