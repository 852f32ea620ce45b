/**
 * Picks a preset layout from the records themselves when they make it unambiguous: Mastra's items
 * carry ElectroDB's `__edb_e__` and `$mastra…` keys; agent-memory items have `pk`/`sk` keys that fit
 * its templates (prefixed `USER#…`, or literal: a partition key without `#` and a sort key ending in
 * a time or a step number, or an image naming a known entity in a discriminator attribute); the
 * session-memory design's tables are keyed `SessionID` (session state) and `session_id` (turns).
 * Anything else needs `--layout`. Malformed records are skipped here (decoding reports them), so one
 * bad record never stops detection.
 */
import type { StreamRecord } from '../stream/types.js';
import { compileKeyTemplate } from './keyTemplate.js';
import { AGENT_MEMORY_DISCRIMINATORS, agentMemoryLayout } from './presets/agentMemory.js';
import { mastraLayout } from './presets/mastra.js';
import { sessionStateLayout, sessionTurnsLayout } from './presets/sessionMemory.js';
import type { Layout } from './types.js';

/** Partition-key templates of the prefixed form (they all hold `#`; a literal user id never does). */
const AGENT_MEMORY_PARTITIONS = [
  ...new Set(agentMemoryLayout.entities.flatMap((r) => (r.pk?.includes('#') ? [r.pk] : []))),
].map(compileKeyTemplate);

/** Sort keys of the literal seed form that classify on their own: `conv#time` and `run#step`. */
const LITERAL_SORT_KEYS = agentMemoryLayout.entities
  .filter((r) => r.pk === '{userId}' && r.sk && !r.discriminatorOnly)
  .map((r) => compileKeyTemplate(r.sk!));

/** Discriminator values the agent-memory preset knows. */
const AGENT_MEMORY_VALUES = new Set(agentMemoryLayout.entities.flatMap((r) => r.discriminatorValues ?? []));

/** True when the image names a known agent-memory entity in one of the preset's discriminators. */
function hasAgentMemoryDiscriminator(image: Record<string, unknown> | undefined): boolean {
  if (!image) return false;
  return AGENT_MEMORY_DISCRIMINATORS.some((name) => {
    const value = Object.hasOwn(image, name) ? image[name] : undefined;
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, 'S')) return false;
    const text = (value as { S: unknown }).S;
    return typeof text === 'string' && AGENT_MEMORY_VALUES.has(text);
  });
}

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

function hasKey(record: StreamRecord, name: string): boolean {
  const keys = streamData(record)?.Keys;
  return isObject(keys) && Object.hasOwn(keys, name);
}

function fitsAgentMemory(
  pk: string,
  sk: string | undefined,
  image: Record<string, unknown> | undefined,
): boolean {
  if (sk === undefined) return false;
  if (AGENT_MEMORY_PARTITIONS.some((t) => t.match(pk))) return true;
  if (pk.includes('#')) return false;
  return LITERAL_SORT_KEYS.some((t) => t.match(sk)) || hasAgentMemoryDiscriminator(image);
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
  let sessionState = 0;
  let sessionTurns = 0;
  let seen = 0;
  for (const record of records.slice(0, sample)) {
    if (hasKey(record, 'SessionID')) {
      seen++;
      sessionState++;
      continue;
    }
    if (hasKey(record, 'session_id')) {
      seen++;
      sessionTurns++;
      continue;
    }
    const pk = keyString(record, 'pk');
    const sk = keyString(record, 'sk');
    if (pk === undefined) continue;
    seen++;
    const data = streamData(record);
    const rawImage = data?.NewImage ?? data?.OldImage;
    const image = isObject(rawImage) ? rawImage : undefined;
    if (pk.startsWith('$mastra') || (image && Object.hasOwn(image, '__edb_e__'))) mastra++;
    else if (fitsAgentMemory(pk, sk, image)) agent++;
  }
  const found = (
    [
      ['mastra', mastra, mastraLayout, `${mastra} of ${seen} keys are Mastra's ($mastra…)`],
      [
        'agent-memory',
        agent,
        agentMemoryLayout,
        `${agent} of ${seen} partition keys fit the agent-memory templates`,
      ],
      [
        'session-state',
        sessionState,
        sessionStateLayout,
        `${sessionState} of ${seen} records are keyed SessionID (session-memory design, session state)`,
      ],
      [
        'session-turns',
        sessionTurns,
        sessionTurnsLayout,
        `${sessionTurns} of ${seen} records are keyed session_id (session-memory design, turns)`,
      ],
    ] as const
  ).filter(([, count]) => count > 0);
  if (found.length === 1) return { layout: found[0]![2], reason: found[0]![3] };
  if (found.length > 1) {
    const list = found.map(([name, count]) => `${name} (${count})`);
    return {
      layout: undefined,
      reason: `records fit both ${list.slice(0, -1).join(', ')} and ${list.at(-1)}; pass --layout`,
    };
  }
  const hint = nearMissHint(records, sample);
  const looked = Math.min(records.length, sample);
  // `seen` counts the records keyed on a name a preset uses; say which case it was, not "looked at 0".
  const what =
    looked === 0
      ? 'no records to look at'
      : seen === 0
        ? `looked at ${plural(looked, 'record')}, none keyed pk, SessionID or session_id`
        : `looked at ${plural(seen, 'record')} keyed pk`;
  return {
    layout: undefined,
    reason: `no record's keys fit a preset (${what}); ${hint ?? 'pass --layout'}`,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
