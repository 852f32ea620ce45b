/**
 * Picks a preset layout from the records themselves when they make it unambiguous: Mastra's items
 * carry ElectroDB's `__edb_e__` and `$mastra…` keys; agent-memory items have `pk`/`sk` keys that fit
 * its templates. Anything else needs `--layout`. Malformed records are skipped here (decoding
 * reports them), so one bad record never stops detection.
 */
import type { StreamRecord } from '../stream/types.js';
import { compileKeyTemplate } from './keyTemplate.js';
import { agentMemoryLayout } from './presets/agentMemory.js';
import { mastraLayout } from './presets/mastra.js';
import type { Layout } from './types.js';

const AGENT_MEMORY_PARTITIONS = [
  ...new Set(agentMemoryLayout.entities.flatMap((r) => (r.pk ? [r.pk] : []))),
].map(compileKeyTemplate);

/** The outcome of {@link detectLayout}. */
export type LayoutDetection = { layout: Layout; reason: string } | { layout: undefined; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The record's `dynamodb` section, or undefined when the record is malformed (decode says why). */
function streamData(record: unknown): Record<string, unknown> | undefined {
  return isObject(record) && isObject(record.dynamodb) ? record.dynamodb : undefined;
}

function keyString(record: StreamRecord, name: string): string | undefined {
  const keys = streamData(record)?.Keys;
  if (!isObject(keys) || !Object.hasOwn(keys, name)) return undefined;
  const value = keys[name];
  return isObject(value) && Object.hasOwn(value, 'S') && typeof value.S === 'string' ? value.S : undefined;
}

/**
 * A hint for a table whose keys are `PK`/`SK` (the single-table-design habit) and whose values fit
 * the agent-memory templates: that preset nearly fits, under other attribute names.
 */
export function nearMissHint(records: readonly StreamRecord[], sample = 200): string | undefined {
  let fits = 0;
  for (const record of records.slice(0, sample)) {
    const pk = keyString(record, 'PK');
    if (pk !== undefined && keyString(record, 'SK') !== undefined) {
      if (AGENT_MEMORY_PARTITIONS.some((t) => t.match(pk))) fits++;
    }
  }
  if (fits === 0) return undefined;
  return (
    `${fits} record(s) have keys PK/SK whose values fit the agent-memory preset, which names them pk/sk: ` +
    'run `memory-cdc layout show agent-memory > layout.json`, set "partitionKey": "PK" and "sortKey": "SK", ' +
    'then pass --layout layout.json'
  );
}

/** Looks at up to `sample` records' keys and returns the layout they fit, or says why none. */
export function detectLayout(records: readonly StreamRecord[], sample = 200): LayoutDetection {
  let mastra = 0;
  let agent = 0;
  let seen = 0;
  for (const record of records.slice(0, sample)) {
    const pk = keyString(record, 'pk');
    const sk = keyString(record, 'sk');
    if (pk === undefined) continue;
    seen++;
    const data = streamData(record);
    const image = data?.NewImage ?? data?.OldImage;
    if (pk.startsWith('$mastra') || (isObject(image) && Object.hasOwn(image, '__edb_e__'))) mastra++;
    else if (sk !== undefined && AGENT_MEMORY_PARTITIONS.some((t) => t.match(pk))) agent++;
  }
  if (mastra > 0 && agent === 0)
    return { layout: mastraLayout, reason: `${mastra} of ${seen} keys are Mastra's ($mastra…)` };
  if (agent > 0 && mastra === 0) {
    return {
      layout: agentMemoryLayout,
      reason: `${agent} of ${seen} partition keys fit the agent-memory templates`,
    };
  }
  if (agent > 0 && mastra > 0) {
    return {
      layout: undefined,
      reason: `records fit both mastra (${mastra}) and agent-memory (${agent}); pass --layout`,
    };
  }
  const hint = nearMissHint(records, sample);
  return {
    layout: undefined,
    reason: `no record's keys fit a preset (looked at ${seen}); ${hint ?? 'pass --layout'}`,
  };
}
