/**
 * The subscriptions file: memory-bus rules without writing CDK. One file serves three commands —
 * `cdk deploy -c subscriptions=subs.json` creates the rules and their targets, `memory-cdc replay
 * --rules subs.json` / `tail --rules subs.json` match the same patterns locally, and `memory-cdc
 * rules` prints what was synthesized — so what is tested locally is what is deployed.
 *
 * ```json
 * {
 *   "subscriptions": [
 *     { "id": "NewTurns", "filter": { "detailType": ["Turn Created"] },
 *       "target": "arn:aws:sqs:us-east-1:123456789012:new-turns" },
 *     { "id": "FailedRuns", "pattern": { "source": ["memory-cdc"], "detail-type": ["Run Failed"] },
 *       "target": "arn:aws:lambda:us-east-1:123456789012:function:on-failure" }
 *   ]
 * }
 * ```
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { MemoryCdcError } from '../errors.js';
import { compilePattern } from '../patterns/compilePattern.js';
import { schemaValidator } from '../validation/schemaValidator.js';
import { type MemoryEventFilter, memoryEventPattern } from './memoryEventPattern.js';
import { SubscriptionsFileError } from './SubscriptionsFileError.js';
import { SUBSCRIPTIONS_SCHEMA } from './subscriptionsSchema.js';
import { parseTargetArn, type SubscriptionTarget } from './subscriptionTarget.js';

/** One subscription, validated: its pattern resolved and its target parsed. */
export interface Subscription {
  /** The rule's id (construct id; its name in `memory-cdc rules` unless `ruleName` is set). */
  readonly id: string;
  /** The catalog filter the pattern was built from, when the entry gave one. */
  readonly filter?: MemoryEventFilter;
  /** The EventBridge event pattern of the rule. */
  readonly pattern: Record<string, unknown>;
  /** Where matching events go. */
  readonly target: SubscriptionTarget;
  /** Physical rule name. */
  readonly ruleName?: string;
  /** Rule description. */
  readonly description?: string;
  /** MessageGroupId for a FIFO queue. */
  readonly messageGroupId?: string;
}

interface SubscriptionEntry {
  id: string;
  filter?: MemoryEventFilter;
  pattern?: Record<string, unknown>;
  target: string;
  ruleName?: string;
  description?: string;
  messageGroupId?: string;
}

// Compiled on first use: commands that only may read a rules file (replay, tail) do not pay for it.
const validate = schemaValidator({
  id: 'subscriptions',
  schema: SUBSCRIPTIONS_SCHEMA,
  options: { allErrors: true },
});

/** True for the JSON of a subscriptions file (an object with a `subscriptions` key), not a rules file. */
export function isSubscriptionsDocument(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'subscriptions' in value;
}

/**
 * Validates a parsed subscriptions file: its shape against {@link SUBSCRIPTIONS_SCHEMA}, then each
 * entry — exactly one of `filter` and `pattern`, the filter's values against the catalog, the
 * pattern as PutRule would check it, the target ARN's kind, and unique ids and rule names.
 * @param value the parsed JSON
 * @param file the file's name, for messages
 * @throws SubscriptionsFileError naming the file, and the entry (index and id) of every problem
 */
export function parseSubscriptions(value: unknown, file: string): Subscription[] {
  if (!validate(value)) {
    const document = value as { subscriptions?: unknown };
    const problems = (validate.errors ?? []).map((error) => describeSchemaError(error, document));
    throw new SubscriptionsFileError(file, problems);
  }
  const entries = (value as { subscriptions: SubscriptionEntry[] }).subscriptions;
  const problems: string[] = [];
  const subscriptions: Subscription[] = [];
  const names = new Map<string, string>();
  entries.forEach((entry, index) => {
    const where = entryLabel(index, entry.id);
    const name = entry.ruleName ?? entry.id;
    const taken = names.get(name);
    if (taken !== undefined) {
      problems.push(`${where}: rule name ${JSON.stringify(name)} is already used by ${taken}`);
      return;
    }
    names.set(name, where);
    if ((entry.filter === undefined) === (entry.pattern === undefined)) {
      problems.push(
        `${where}: give either "filter" (memory event filter) or "pattern" (raw EventBridge pattern), ${entry.filter ? 'not both' : 'one of them'}`,
      );
      return;
    }
    let pattern: Record<string, unknown>;
    try {
      pattern = entry.filter
        ? (memoryEventPattern(entry.filter) as unknown as Record<string, unknown>)
        : (entry.pattern as Record<string, unknown>);
      compilePattern(pattern);
    } catch (error) {
      if (!(error instanceof MemoryCdcError)) throw error;
      problems.push(`${where}: ${entry.filter ? 'filter' : 'pattern'}: ${error.message}`);
      return;
    }
    let target: SubscriptionTarget;
    try {
      target = parseTargetArn(entry.target);
    } catch (error) {
      if (!(error instanceof MemoryCdcError)) throw error;
      problems.push(`${where}: ${error.message}`);
      return;
    }
    if (entry.messageGroupId !== undefined && !(target.kind === 'sqs' && target.name.endsWith('.fifo'))) {
      problems.push(
        `${where}: messageGroupId applies only to a FIFO queue target (a queue ARN ending in .fifo)`,
      );
      return;
    }
    subscriptions.push({
      id: entry.id,
      ...(entry.filter ? { filter: entry.filter } : {}),
      pattern,
      target,
      ...(entry.ruleName ? { ruleName: entry.ruleName } : {}),
      ...(entry.description ? { description: entry.description } : {}),
      ...(entry.messageGroupId ? { messageGroupId: entry.messageGroupId } : {}),
    });
  });
  if (problems.length > 0) throw new SubscriptionsFileError(file, problems);
  return subscriptions;
}

/**
 * Reads and validates a subscriptions file.
 * @param path the file, relative to `cwd`
 * @throws SubscriptionsFileError when it cannot be read, is not JSON, or is invalid
 */
export function readSubscriptionsFile(path: string, cwd = process.cwd()): Subscription[] {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new SubscriptionsFileError(path, [
      `cannot read ${full}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SubscriptionsFileError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseSubscriptions(value, path);
}

/**
 * The rules file of subscriptions (`{ ruleName: pattern }`), named as `memory-cdc rules` names
 * the deployed rules: by `ruleName`, else by id.
 */
export function subscriptionRules(subscriptions: readonly Subscription[]): Record<string, unknown> {
  return Object.fromEntries(subscriptions.map((s) => [s.ruleName ?? s.id, s.pattern]));
}

function entryLabel(index: number, id: unknown): string {
  return `subscriptions[${index}]${typeof id === 'string' ? ` (id ${JSON.stringify(id)})` : ''}`;
}

/** One schema error as `subscriptions[1] (id "x"): filter.detailType[0] must be one of …`. */
function describeSchemaError(error: ErrorObject, document: { subscriptions?: unknown }): string {
  const parts = error.instancePath.split('/').slice(1).map(decodePointer);
  let where = '';
  let rest = parts;
  if (parts[0] === 'subscriptions' && parts[1] !== undefined) {
    const index = Number(parts[1]);
    const entries = Array.isArray(document.subscriptions) ? document.subscriptions : [];
    where = entryLabel(index, (entries[index] as { id?: unknown } | undefined)?.id);
    rest = parts.slice(2);
  }
  const field = rest.reduce(
    (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
    '',
  );
  const subject = [where, field].filter(Boolean).join(': ') || 'the file';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${subject} needs the field ${JSON.stringify(params.missingProperty)}`;
    case 'additionalProperties':
      return `${subject} has an unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'enum':
      return `${subject} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'propertyNames':
      return `${subject} has an unknown identifier ${JSON.stringify(params.propertyName)}`;
    default:
      return `${subject} ${error.message}`;
  }
}

function decodePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}
