/**
 * `cdc.onEvent(filter, target)`: the rule it deploys, and the same rule replayed locally through
 * `memory-cdc rules` and `memory-cdc replay --rules`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import { memoryRulesFromTemplates } from '../../infra/memoryRules.js';
import { main } from '../../lib/cli/main.js';
import { ConfigError } from '../../lib/errors.js';
import { memoryEventPattern } from '../../lib/subscriptions/memoryEventPattern.js';
import {
  logicalIdOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

/** A `replay --json` line, as far as this test reads it. */
interface ReplayLine {
  sink: string;
  detailType?: string;
  rules?: string[];
  payload: { Detail: { ids: { userId?: string } } };
}

const NEW_TURNS = { detailType: ['Turn Created'], entity: ['turn' as const] };
const RUN_OUTCOMES = { detailType: ['Run Completed', 'Run Failed'] };

let stack: Stack;
let cdc: MemoryCdc;
let template: Template;
let work: string;

beforeAll(() => {
  stack = testStack(testApp({ bundle: false }));
  cdc = new MemoryCdc(stack, 'MemoryCdc', {
    tableName: TABLE_NAME,
    tableStreamArn: STREAM_ARN,
  });
  const turns = new sqs.Queue(stack, 'Turns', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  const audit = new sqs.Queue(stack, 'Audit', {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  cdc.onEvent(NEW_TURNS, new targets.SqsQueue(turns), { id: 'NewTurns' });
  cdc.onEvent(RUN_OUTCOMES, new targets.SqsQueue(turns), { id: 'RunOutcomes' });
  cdc.onEvent(RUN_OUTCOMES, new targets.SqsQueue(audit), { id: 'RunOutcomes' });
  cdc.onEvent({ ids: { userId: ['u-42'] } });
  template = Template.fromStack(stack);
  work = mkdtempSync(join(tmpdir(), 'memory-cdc-subscriptions-'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cdc.onEvent', () => {
  it('creates a rule on the memory bus whose pattern is memoryEventPattern(filter)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdOf(cdc.eventBus) },
      EventPattern: memoryEventPattern(NEW_TURNS),
      State: 'ENABLED',
    });
  });

  it('sends the matching events to the target', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: memoryEventPattern(NEW_TURNS),
      Targets: [{ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Turns'), 'Arn'] }, Id: 'Target0' }],
    });
  });

  it('adds a second target for the same filter to the same rule', () => {
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: memoryEventPattern(RUN_OUTCOMES) },
    });
    expect(Object.values(rules)).toHaveLength(1);
    expect(Object.values(rules)[0]!.Properties.Targets).toHaveLength(2);
  });

  it('names a rule without an id after a hash of its pattern, so reordering subscriptions keeps it', () => {
    const rules = memoryRulesFromTemplates([{ stackName: 'Test', template: template.toJSON() }]).rules;
    expect(Object.keys(rules)).toEqual([
      'NewTurns',
      'RunOutcomes',
      expect.stringMatching(/^Subscription[0-9a-f]{8}$/),
    ]);
  });

  it('refuses an id already used by a different filter', () => {
    expect(() => cdc.onEvent({ entity: ['run'] }, undefined, { id: 'NewTurns' })).toThrow(ConfigError);
    expect(() => cdc.onEvent({ entity: ['run'] }, undefined, { id: 'NewTurns' })).toThrow(
      'id "NewTurns" is already used by a different filter',
    );
  });

  it('refuses an invalid filter before anything is deployed', () => {
    expect(() => cdc.onEvent({ detailType: ['Turn Added'] })).toThrow(/unknown value "Turn Added"/);
  });

  it('lets a subscriber read claim checks and nothing else in the bucket', () => {
    const subscriberStack = testStack(testApp({ bundle: false }), 'Subscriber');
    const memory = new MemoryCdc(subscriberStack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
    });
    const role = new iam.Role(subscriberStack, 'Subscriber', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    memory.grantClaimCheckRead(role);
    Template.fromStack(subscriberStack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(role) }],
      PolicyDocument: {
        Statement: [
          {
            Action: 's3:GetObject',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                [
                  {
                    'Fn::GetAtt': [logicalIdOf(memory.bucket), 'Arn'],
                  },
                  '/claim-check/*',
                ],
              ],
            },
          },
        ],
      },
    });
  });

  it('adds no cdk-nag finding to the construct', () => {
    expect(unacknowledgedNagFindings(cdc)).toEqual([]);
  });
});

describe('the deployed rule, replayed locally', () => {
  it('fires for exactly the replayed events its filter describes', async () => {
    const { rules } = memoryRulesFromTemplates([{ stackName: 'Test', template: template.toJSON() }]);
    const rulesFile = join(work, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(rules));
    const fixture = new URL('../../events/agent-memory/conversation.json', import.meta.url).pathname;
    const out: string[] = [];
    const code = await main(
      ['node', 'memory-cdc', 'replay', '--json', '--no-archive', '--rules', rulesFile, fixture],
      {
        out: (text) => out.push(text),
        err: () => {},
        cwd: work,
      },
    );
    expect(code).toBe(0);
    const lines = out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ReplayLine);
    const published = lines.filter((line) => line.sink === 'eventbridge');
    const turnsCreated = published.filter((line) => line.detailType === 'Turn Created');
    expect(turnsCreated.length).toBeGreaterThan(0);
    for (const line of published) {
      expect(line.rules?.includes('NewTurns'), line.detailType).toBe(line.detailType === 'Turn Created');
      const byUser = line.payload.Detail.ids.userId === 'u-42';
      expect(
        line.rules?.some((rule) => rule.startsWith('Subscription')),
        line.detailType,
      ).toBe(byUser);
    }
    expect(readFileSync(rulesFile, 'utf8')).toContain('"NewTurns"');
  });
});
