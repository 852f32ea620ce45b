/**
 * Pattern-matching benchmark: a realistic ~1 KB memory event ("Turn Created") against 100 varied
 * compiled EventBridge rules, next to a JSON.parse + JSON.stringify round trip of the same event
 * measured in the same run (the floor any replay pays per event). `bench/run.ts` prints the ratios;
 * `node --import tsx bench/patterns.ts` prints the lines alone.
 */
import { pathToFileURL } from 'node:url';
import { compileRules } from '../lib/patterns/compileRules.js';
import { type BenchResult, medianMs } from './measure.js';

const DETAIL_TYPES = [
  'Conversation Created',
  'Conversation Updated',
  'Turn Created',
  'Turn Updated',
  'Turn Deleted',
  'Run Created',
  'Run Completed',
  'Run Failed',
  'Run Step Created',
  'Memory Created',
  'Memory Updated',
  'Memory Expired',
  'Ledger Entry Created',
  'Feature Flag Updated',
  'Idempotency Key Expired',
  'Rate Limit Counter Updated',
  'Conversation Deleted',
  'Run Step Updated',
  'Memory Deleted',
  'Unknown Item Created',
];

/**
 * A Turn Created event as EventBridge delivers it to a rule target, about 1 KB of JSON. Parsed from
 * JSON text, as replayed events are (V8 stores parsed strings flat; literals built here would not be).
 */
export function benchEvent(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(turnCreated())) as Record<string, unknown>;
}

function turnCreated(): Record<string, unknown> {
  const userId = 'tenant-0042#user-8f14e45f';
  const conversationId = 'conv-01JD3W8Q5N7K2M4P6R8T0V2X4Z';
  const turnId = 'turn-000017';
  return {
    version: '0',
    id: '0c2f6d1e-5b7a-4d3c-9e8f-1a2b3c4d5e6f',
    'detail-type': 'Turn Created',
    source: 'memory-cdc',
    account: '123456789012',
    time: '2026-11-22T10:15:30Z',
    region: 'us-east-1',
    resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory'],
    detail: {
      version: '1',
      eventId: 'mcdc-7d4e1f0a9b8c',
      detailType: 'Turn Created',
      op: 'insert',
      entity: 'turn',
      expired: false,
      ids: { userId, conversationId, turnId },
      keys: { pk: `USER#${userId}#CONV#${conversationId}`, sk: `TURN#${turnId}` },
      changed: ['pk', 'sk', 'role', 'text', 'tokenCount'],
      before: null,
      after: {
        pk: `USER#${userId}#CONV#${conversationId}`,
        sk: `TURN#${turnId}`,
        role: 'assistant',
        text: 'The deployment finished and both alarms cleared.',
        tokenCount: 187,
      },
      layout: 'agent-memory',
      time: '2026-11-22T10:15:29.412Z',
      origin: {
        table: 'agent-memory',
        streamArn:
          'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory/stream/2026-11-01T00:00:00.000',
        region: 'us-east-1',
        eventId: 'c81e728d9d4c2f636f067f89cc14862c',
        sequenceNumber: '4421584500000000017450439091',
        approximateCreationTime: '2026-11-22T10:15:29Z',
      },
    },
  };
}

/** 100 rules of the kinds subscribers write: exact, prefix, suffix, anything-but, numeric, … */
export function benchRules(): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  const source = ['memory-cdc'];
  DETAIL_TYPES.forEach((detailType, i) => {
    rules[`detail-type-${i}`] = { source, 'detail-type': [detailType] };
  });
  for (let i = 0; i < 10; i++) {
    rules[`tenant-${i}`] = { source, detail: { ids: { userId: [{ prefix: `tenant-00${40 + i}#` }] } } };
    rules[`not-op-${i}`] = {
      source,
      detail: { op: [{ 'anything-but': i % 2 ? ['remove'] : ['insert', 'modify'] }] },
    };
    rules[`tokens-${i}`] = {
      source,
      detail: { after: { tokenCount: [{ numeric: ['>=', i * 50, '<', i * 50 + 50] }] } },
    };
    rules[`exists-${i}`] = {
      source,
      detail:
        i % 2
          ? { transition: { to: [{ exists: true }] } }
          : { claimCheck: [{ exists: false }], entity: ['turn'] },
    };
    rules[`keys-${i}`] = {
      source,
      detail: { keys: { pk: [{ wildcard: `USER#tenant-00${40 + i}#*#CONV#*` }] } },
    };
    rules[`role-${i}`] = {
      source,
      'detail-type': [{ prefix: 'Turn ' }],
      detail: { after: { role: [{ 'equals-ignore-case': i % 2 ? 'USER' : 'Assistant' }] } },
    };
    rules[`or-${i}`] = {
      source,
      $or: [
        { detail: { entity: ['run'], transition: { to: ['failed', 'cancelled'] } } },
        { detail: { changed: [`field-${i}`], expired: [true] } },
      ],
    };
  }
  for (let i = 0; i < 5; i++) {
    rules[`table-${i}`] = {
      source,
      detail: { origin: { table: [{ suffix: i === 0 ? '-memory' : `-memory-${i}` }] } },
    };
    rules[`combo-${i}`] = {
      source,
      'detail-type': DETAIL_TYPES.slice(i, i + 4),
      detail: { changed: ['text'], op: ['insert'], after: { role: [{ prefix: 'assist' }] } },
    };
  }
  return rules;
}

/** Events matched per timed run (and JSON round trips of the baseline). */
const BATCH = 2_000;

/**
 * Measures matches/s of the benchmark event against 100 compiled rules, and the JSON round trip of
 * the same event as a baseline, interleaved in the same run (medians of rounds: the machine is
 * shared). The ratio line says how many JSON round trips one event's matching costs.
 *
 * @example
 * ```ts
 * for (const line of await benchPatterns()) console.log(`${line.name}: ${line.value} ${line.unit}`);
 * ```
 */
export async function benchPatterns(): Promise<BenchResult[]> {
  const event = benchEvent();
  const text = JSON.stringify(event);
  const rules = benchRules();
  const ruleCount = Object.keys(rules).length;

  const compileMs = medianMs(() => compileRules(rules), 5, 2);
  const ruleSet = compileRules(rules);
  const matched = ruleSet.match(event).length;

  let sink = 0;
  const matching = (): void => {
    for (let i = 0; i < BATCH; i++) sink += ruleSet.match(event).length;
  };
  const roundTrip = (): void => {
    for (let i = 0; i < BATCH; i++) sink += JSON.stringify(JSON.parse(text)).length;
  };
  const match: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < 5; round++) {
    base.push(medianMs(roundTrip, 7, 2));
    match.push(medianMs(matching, 7, 2));
  }
  if (sink < 0) throw new Error('unreachable');
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const m = median(match);
  const b = median(base);
  const eventsPerSecond = (BATCH / m) * 1000;

  return [
    {
      name: `patterns: event size (${ruleCount} rules, ${matched} match)`,
      value: text.length,
      unit: 'bytes',
    },
    {
      name: 'patterns: baseline JSON.parse+stringify of the event',
      value: Math.round((BATCH / b) * 1000),
      unit: 'events/s',
    },
    {
      name: `patterns: match against ${ruleCount} compiled rules`,
      value: Math.round(eventsPerSecond),
      unit: 'events/s',
    },
    { name: 'patterns: rule evaluations', value: Math.round(eventsPerSecond * ruleCount), unit: 'matches/s' },
    { name: `patterns: compile ${ruleCount} rules`, value: Math.round(compileMs * 100) / 100, unit: 'ms' },
    {
      name: `patterns: ratio matching ${ruleCount} rules / JSON round trip`,
      value: Math.round((m / b) * 100) / 100,
      unit: 'x',
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void benchPatterns().then((lines) => {
    for (const line of lines) {
      console.log(
        `${line.name}: ${line.value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${line.unit}`,
      );
    }
  });
}
