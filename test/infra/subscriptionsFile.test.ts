/**
 * Subscriptions from a file (`-c subscriptions=subs.json`): one rule per entry on the memory bus,
 * delivering to the target ARN with the permissions CDK can add for it.
 */
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import { parseSubscriptions, readSubscriptionsFile } from '../../lib/subscriptions/subscriptionsFile.js';
import {
  logicalIdOf,
  policyStatements,
  resourcesOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

const SUBS = join(import.meta.dirname, '../fixtures-data/subscriptions/subs.json');
const ACCOUNT = '123456789012';

let stack: Stack;
let cdc: MemoryCdc;
let template: Template;

beforeAll(() => {
  stack = testStack(testApp({ bundle: false }));
  cdc = new MemoryCdc(stack, 'MemoryCdc', { tableName: TABLE_NAME, tableStreamArn: STREAM_ARN });
  for (const subscription of readSubscriptionsFile(SUBS)) cdc.subscribe(subscription);
  template = Template.fromStack(stack);
});

/** The rule of a subscription id, with its logical id. */
function ruleOf(id: string): { logicalId: string; properties: Record<string, unknown> } {
  const rule = cdc.subscriptions.node.findChild(id);
  const logicalId = logicalIdOf(rule);
  return { logicalId, properties: template.toJSON().Resources[logicalId].Properties };
}

describe('subscriptions from a file', () => {
  it('creates one rule per entry on the memory bus, marked with the entry id for memory-cdc rules', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    expect(
      rules.map(
        ([, r]) => (r.Metadata?.['memory-cdc'] as { subscription?: string } | undefined)?.subscription,
      ),
    ).toEqual(['user-turns', 'failed-runs', 'settled-tools', 'run-outcomes', 'all-to-analytics']);
    for (const [, rule] of rules) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: logicalIdOf(cdc.eventBus) });
    }
  });

  it('gives each rule the pattern of its entry', () => {
    for (const subscription of readSubscriptionsFile(SUBS)) {
      expect(ruleOf(subscription.id).properties.EventPattern).toEqual(subscription.pattern);
    }
  });

  it('sends to an SQS queue by ARN and adds no queue policy (the owner adds it: the output says what)', () => {
    expect(ruleOf('user-turns').properties.Targets).toEqual([
      { Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:user-turns`, Id: 'Target0' },
    ]);
    expect(resourcesOf(template, 'AWS::SQS::QueuePolicy').map(([id]) => id)).not.toContainEqual(
      expect.stringMatching(/Subscriptions/),
    );
    const { logicalId } = ruleOf('user-turns');
    template.hasOutput('*', {
      Value: { 'Fn::GetAtt': [logicalId, 'Arn'] },
      Description: Match.stringLikeRegexp(
        `^memory-cdc subscription user-turns: add to the policy of queue arn:aws:sqs:us-east-1:${ACCOUNT}:user-turns a statement allowing principal events.amazonaws.com sqs:SendMessage`,
      ),
    });
  });

  it('sends to an SNS topic by ARN, the topic policy left to its owner', () => {
    expect(ruleOf('run-outcomes').properties.Targets).toEqual([
      { Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:run-outcomes`, Id: 'Target0' },
    ]);
    expect(resourcesOf(template, 'AWS::SNS::TopicPolicy')).toEqual([]);
    template.hasOutput('*', {
      Value: { 'Fn::GetAtt': [ruleOf('run-outcomes').logicalId, 'Arn'] },
      Description: Match.stringLikeRegexp('sns:Publish with condition ArnEquals aws:SourceArn'),
    });
  });

  it('invokes a Lambda function of the same account, allowed by a permission scoped to the rule', () => {
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:on-failed-run`;
    const { logicalId, properties } = ruleOf('failed-runs');
    expect(properties.Targets).toEqual([{ Arn: arn, Id: 'Target0' }]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arn,
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalId, 'Arn'] },
    });
  });

  it('starts a Step Functions state machine through a role allowed only to start it', () => {
    const arn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:settle-tool-call`;
    const [target] = ruleOf('settled-tools').properties.Targets as { Arn: string; RoleArn: unknown }[];
    expect(target!.Arn).toBe(arn);
    const role = (target!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(policyStatements(template).filter((s) => s.role === role)).toEqual([
      { role, Effect: 'Allow', Action: 'states:StartExecution', Resource: arn },
    ]);
  });

  it('forwards to another event bus through a role allowed only to put events on it', () => {
    const arn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/analytics`;
    const [target] = ruleOf('all-to-analytics').properties.Targets as { Arn: string; RoleArn: unknown }[];
    expect(target!.Arn).toBe(arn);
    const role = (target!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(policyStatements(template).filter((s) => s.role === role)).toEqual([
      { role, Effect: 'Allow', Action: 'events:PutEvents', Resource: arn },
    ]);
  });

  it('adds no cdk-nag finding', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});

describe('subscription targets in another account or with extra parameters', () => {
  /** A fresh construct with the given entries. */
  function synth(entries: unknown[]): Template {
    const other = testStack(testApp({ bundle: false }));
    const memory = new MemoryCdc(other, 'MemoryCdc', { tableName: TABLE_NAME, tableStreamArn: STREAM_ARN });
    for (const subscription of parseSubscriptions({ subscriptions: entries }, 'subs.json')) {
      memory.subscribe(subscription);
    }
    return Template.fromStack(other);
  }

  it('sets the message group of a FIFO queue, by default the subscription id', () => {
    const template = synth([
      { id: 'ordered', filter: {}, target: `arn:aws:sqs:us-east-1:${ACCOUNT}:turns.fifo` },
      {
        id: 'grouped',
        filter: { entity: ['turn'] },
        target: `arn:aws:sqs:us-east-1:${ACCOUNT}:other.fifo`,
        messageGroupId: 'turns',
      },
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'ordered' } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'turns' } })],
    });
  });

  it('refuses a function in another account, naming the subscription and the way across: an event bus', () => {
    expect(() =>
      synth([{ id: 'remote', filter: {}, target: 'arn:aws:lambda:us-east-1:210987654321:function:remote' }]),
    ).toThrow(
      /subscription "remote": target arn:aws:lambda:us-east-1:210987654321:function:remote is in 210987654321\/us-east-1, the stack in 123456789012\/us-east-1\..*forward to an event bus there/,
    );
  });

  it('forwards to an event bus in another account, and says which bus policy its owner adds', () => {
    const template = synth([
      { id: 'central', filter: {}, target: 'arn:aws:events:eu-west-1:210987654321:event-bus/central' },
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: 'arn:aws:events:eu-west-1:210987654321:event-bus/central' })],
    });
    template.hasOutput('*', {
      Description: Match.stringLikeRegexp(
        'event bus arn:aws:events:eu-west-1:210987654321:event-bus/central is in account 210987654321: its resource policy must allow events:PutEvents',
      ),
    });
  });
});
