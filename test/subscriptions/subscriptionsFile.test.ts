/**
 * The subscriptions file: validated against its schema and the catalog, with errors that name the
 * file and the entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { memoryEventPattern } from '../../lib/subscriptions/memoryEventPattern.js';
import { SubscriptionsFileError } from '../../lib/subscriptions/SubscriptionsFileError.js';
import {
  isSubscriptionsDocument,
  parseSubscriptions,
  readSubscriptionsFile,
  subscriptionRules,
} from '../../lib/subscriptions/subscriptionsFile.js';
import { parseTargetArn } from '../../lib/subscriptions/subscriptionTarget.js';

const SUBS = join(import.meta.dirname, '../fixtures-data/subscriptions/subs.json');
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:q';
const work = mkdtempSync(join(tmpdir(), 'memory-cdc-subs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The message parseSubscriptions throws for one entry. */
function problemOf(entry: unknown): string {
  try {
    parseSubscriptions({ subscriptions: [entry] }, 'subs.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SubscriptionsFileError);
    return (error as Error).message;
  }
  throw new Error('expected the entry to be rejected');
}

describe('readSubscriptionsFile', () => {
  it('reads every entry of a valid file, with its pattern and its target kind', () => {
    const subscriptions = readSubscriptionsFile(SUBS);
    expect(subscriptions.map((s) => [s.id, s.target.kind])).toEqual([
      ['user-turns', 'sqs'],
      ['failed-runs', 'lambda'],
      ['settled-tools', 'state-machine'],
      ['run-outcomes', 'sns'],
      ['all-to-analytics', 'event-bus'],
    ]);
  });

  it('builds the pattern of a filter entry with memoryEventPattern, as cdc.onEvent does', () => {
    const runOutcomes = readSubscriptionsFile(SUBS).find((s) => s.id === 'run-outcomes')!;
    expect(runOutcomes.pattern).toEqual(
      memoryEventPattern({ detailType: ['Run Completed', 'Run Failed'], entity: ['run'] }),
    );
  });

  it('keeps the pattern of a raw-pattern entry as written', () => {
    const userTurns = readSubscriptionsFile(SUBS).find((s) => s.id === 'user-turns')!;
    expect(userTurns.pattern).toEqual({
      source: ['memory-cdc'],
      'detail-type': ['Turn Created'],
      detail: { after: { role: ['user'] } },
    });
  });

  it('names the file when it cannot be read', () => {
    expect(() => readSubscriptionsFile('missing.json', work)).toThrow(
      /subscriptions file missing.json: cannot read .*missing.json: ENOENT/,
    );
  });

  it('names the file when it is not JSON', () => {
    writeFileSync(join(work, 'broken.json'), '{ "subscriptions": [');
    expect(() => readSubscriptionsFile('broken.json', work)).toThrow(
      /subscriptions file broken.json: not valid JSON/,
    );
  });
});

describe('parseSubscriptions', () => {
  it('rejects a file without a subscriptions list', () => {
    expect(() => parseSubscriptions({ rules: [] }, 'subs.json')).toThrow(
      /subscriptions file subs.json: 2 problems:\n {2}the file needs the field "subscriptions"\n {2}the file has an unknown field "rules"/,
    );
  });

  it('names the entry by index and id when a field is unknown', () => {
    expect(problemOf({ id: 'a', filter: {}, target: QUEUE, targets: [] })).toBe(
      'subscriptions file subs.json: subscriptions[0] (id "a") has an unknown field "targets"',
    );
  });

  it('names the entry by index when it has no id', () => {
    expect(problemOf({ filter: {}, target: QUEUE })).toBe(
      'subscriptions file subs.json: subscriptions[0] needs the field "id"',
    );
  });

  it('lists the valid detail-types when a filter names an unknown one', () => {
    expect(problemOf({ id: 'a', filter: { detailType: ['Turn Craeted'] }, target: QUEUE })).toMatch(
      /subscriptions\[0\] \(id "a"\): filter\.detailType\[0\] must be one of: Conversation Created, .*Turn Created, .*Run Failed/,
    );
  });

  it('names the unknown identifier of an ids filter', () => {
    expect(problemOf({ id: 'a', filter: { ids: { user: ['u-1'] } }, target: QUEUE })).toMatch(
      /subscriptions\[0\] \(id "a"\): filter\.ids has an unknown identifier "user"/,
    );
  });

  it('asks for a filter or a pattern when an entry has neither', () => {
    expect(problemOf({ id: 'a', target: QUEUE })).toBe(
      'subscriptions file subs.json: subscriptions[0] (id "a"): give either "filter" (memory event filter) or "pattern" (raw EventBridge pattern), one of them',
    );
  });

  it('refuses an entry with both a filter and a pattern', () => {
    expect(problemOf({ id: 'a', filter: {}, pattern: { source: ['x'] }, target: QUEUE })).toMatch(
      /subscriptions\[0\] \(id "a"\): give either "filter" .* not both/,
    );
  });

  it('rejects a raw pattern PutRule would reject, with the reason', () => {
    expect(problemOf({ id: 'a', pattern: { 'detail-type': 'Turn Created' }, target: QUEUE })).toMatch(
      /subscriptions\[0\] \(id "a"\): pattern: .*Event pattern is not valid/,
    );
  });

  it('lists the supported ARN forms when the target is none of them', () => {
    expect(problemOf({ id: 'a', filter: {}, target: 'arn:aws:s3:::bucket' })).toMatch(
      /subscriptions\[0\] \(id "a"\): target must be the ARN of an SQS queue, SNS topic, Lambda function, EventBridge event bus or Step Functions state machine .*\(given "arn:aws:s3:::bucket"\)/,
    );
  });

  it('rejects two entries with the same rule name', () => {
    expect(() =>
      parseSubscriptions(
        {
          subscriptions: [
            { id: 'a', filter: {}, target: QUEUE },
            { id: 'b', ruleName: 'a', filter: {}, target: QUEUE },
          ],
        },
        'subs.json',
      ),
    ).toThrow('subscriptions[1] (id "b"): rule name "a" is already used by subscriptions[0] (id "a")');
  });

  it('accepts messageGroupId only for a FIFO queue', () => {
    expect(problemOf({ id: 'a', filter: {}, target: QUEUE, messageGroupId: 'g' })).toMatch(
      /messageGroupId applies only to a FIFO queue target/,
    );
  });

  it('reports every bad entry at once, as a ConfigError', () => {
    const attempt = () =>
      parseSubscriptions(
        {
          subscriptions: [
            { id: 'a', target: QUEUE },
            { id: 'b', filter: {}, target: 'nope' },
          ],
        },
        'subs.json',
      );
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /2 problems:\n {2}subscriptions\[0\] \(id "a"\).*\n {2}subscriptions\[1\] \(id "b"\): target/,
    );
  });
});

describe('subscriptionRules', () => {
  it('names each rule by its ruleName, else by its id, as memory-cdc rules does', () => {
    const subscriptions = parseSubscriptions(
      {
        subscriptions: [
          { id: 'a', filter: { detailType: ['Run Failed'] }, target: QUEUE },
          { id: 'b', ruleName: 'named-b', filter: {}, target: QUEUE },
        ],
      },
      'subs.json',
    );
    expect(subscriptionRules(subscriptions)).toEqual({
      a: { source: ['memory-cdc'], 'detail-type': ['Run Failed'] },
      'named-b': { source: ['memory-cdc'] },
    });
  });

  it('tells a subscriptions file from a rules file', () => {
    expect(isSubscriptionsDocument({ subscriptions: [] })).toBe(true);
    expect(isSubscriptionsDocument({ 'user-turns': { source: ['memory-cdc'] } })).toBe(false);
  });
});

describe('parseTargetArn', () => {
  it.each([
    ['arn:aws:sqs:eu-west-1:123456789012:orders.fifo', 'sqs', 'orders.fifo'],
    ['arn:aws:sns:eu-west-1:123456789012:alerts', 'sns', 'alerts'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:handler:live', 'lambda', 'handler:live'],
    ['arn:aws-cn:events:cn-north-1:123456789012:event-bus/analytics', 'event-bus', 'analytics'],
    ['arn:aws:states:eu-west-1:123456789012:stateMachine:settle', 'state-machine', 'settle'],
  ])('reads %s as a %s target named %s', (arn, kind, name) => {
    expect(parseTargetArn(arn)).toMatchObject({ kind, name, account: '123456789012' });
  });
});
