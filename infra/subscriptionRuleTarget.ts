/**
 * The EventBridge rule target for a subscription's target ARN, with the permissions CDK can add
 * for an imported resource, and what the owner of the target must add where it cannot:
 *
 * | Target | Added here | The target's owner adds |
 * |---|---|---|
 * | Lambda function | `AWS::Lambda::Permission` for events.amazonaws.com, scoped to the rule | — |
 * | Step Functions state machine | a role EventBridge assumes, with `states:StartExecution` on it | — |
 * | Event bus | a role EventBridge assumes, with `events:PutEvents` on it | another account: a bus policy allowing that role |
 * | SQS queue | — (a queue policy is one document: writing it would replace the owner's) | a queue policy statement allowing events.amazonaws.com `sqs:SendMessage`, condition `aws:SourceArn` = the rule ARN |
 * | SNS topic | — (same reason) | a topic policy statement allowing events.amazonaws.com `sns:Publish`, condition `aws:SourceArn` = the rule ARN |
 *
 * A queue or topic encrypted with a customer-managed KMS key also needs events.amazonaws.com
 * allowed `kms:GenerateDataKey` and `kms:Decrypt` in the key policy. Targets other than an event bus
 * must be in the stack's account and region (checked by `MemoryCdcSubscriptions.subscribe`).
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { Subscription } from '../lib/subscriptions/subscriptionsFile.js';

/**
 * The rule target of a subscription; imported resources are created under `scope`.
 * @param scope where the imported target (and a role, if one is needed) are created
 * @param subscription the validated subscription
 */
export function subscriptionRuleTarget(scope: Construct, subscription: Subscription): events.IRuleTarget {
  const { target } = subscription;
  switch (target.kind) {
    case 'sqs':
      return new targets.SqsQueue(sqs.Queue.fromQueueArn(scope, 'TargetQueue', target.arn), {
        ...(target.name.endsWith('.fifo')
          ? { messageGroupId: subscription.messageGroupId ?? subscription.id }
          : {}),
      });
    case 'sns':
      return new targets.SnsTopic(sns.Topic.fromTopicArn(scope, 'TargetTopic', target.arn));
    case 'lambda':
      return new targets.LambdaFunction(lambda.Function.fromFunctionArn(scope, 'TargetFunction', target.arn));
    case 'event-bus':
      return new targets.EventBus(events.EventBus.fromEventBusArn(scope, 'TargetBus', target.arn));
    case 'state-machine':
      return new targets.SfnStateMachine(
        sfn.StateMachine.fromStateMachineArn(scope, 'TargetStateMachine', target.arn),
      );
  }
}

/**
 * What the owner of a subscription's target must add for EventBridge to deliver to it, or
 * undefined when the stack adds everything.
 * @param scope the stack the rule is in
 * @param subscription the validated subscription
 * @param ruleArn the rule's ARN as shown to the user (e.g. `arn:aws:events:…:rule/<name>`)
 */
export function targetPermissionNote(
  scope: Construct,
  subscription: Subscription,
  ruleArn: string,
): string | undefined {
  const { target } = subscription;
  const same = sameAccount(scope, target.account);
  switch (target.kind) {
    case 'sqs':
      return `add to the policy of queue ${target.arn} a statement allowing principal events.amazonaws.com sqs:SendMessage with condition ArnEquals aws:SourceArn ${ruleArn} (and, for a KMS-encrypted queue, kms:GenerateDataKey and kms:Decrypt for events.amazonaws.com in the key policy)`;
    case 'sns':
      return `add to the policy of topic ${target.arn} a statement allowing principal events.amazonaws.com sns:Publish with condition ArnEquals aws:SourceArn ${ruleArn} (and, for a KMS-encrypted topic, kms:GenerateDataKey and kms:Decrypt for events.amazonaws.com in the key policy)`;
    case 'event-bus':
      return same
        ? undefined
        : `event bus ${target.arn} is in account ${target.account}: its resource policy must allow events:PutEvents for this stack's account (or the role the rule uses)`;
    case 'lambda':
    case 'state-machine':
      return undefined;
  }
}

/** Whether an account is the stack's (false when the stack's account is only known at deploy time). */
function sameAccount(scope: Construct, account: string): boolean {
  const stackAccount = Stack.of(scope).account;
  return !Token.isUnresolved(stackAccount) && stackAccount === account;
}
