/**
 * The target of a subscription, read from its ARN: the kinds EventBridge rules can deliver memory
 * events to without extra parameters — SQS queue, SNS topic, Lambda function, another event bus,
 * Step Functions state machine.
 */
import { ConfigError } from '../errors.js';

/** What a target ARN names. */
export type SubscriptionTargetKind = 'sqs' | 'sns' | 'lambda' | 'event-bus' | 'state-machine';

/** A parsed target ARN. */
export interface SubscriptionTarget {
  /** The ARN as given. */
  readonly arn: string;
  readonly kind: SubscriptionTargetKind;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Queue, topic, function (with `:qualifier`), bus or state machine name. */
  readonly name: string;
}

const ARN_FORMS: readonly [SubscriptionTargetKind, RegExp, string][] = [
  [
    'sqs',
    /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,75}(?:\.fifo)?)$/,
    'arn:aws:sqs:<region>:<account>:<queue>',
  ],
  [
    'sns',
    /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,251}(?:\.fifo)?)$/,
    'arn:aws:sns:<region>:<account>:<topic>',
  ],
  [
    'lambda',
    /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?)$/,
    'arn:aws:lambda:<region>:<account>:function:<name>[:<alias or version>]',
  ],
  [
    'event-bus',
    /^arn:(aws[a-z-]*):events:([a-z0-9-]+):(\d{12}):event-bus\/([A-Za-z0-9._/-]{1,256})$/,
    'arn:aws:events:<region>:<account>:event-bus/<name>',
  ],
  [
    'state-machine',
    /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/,
    'arn:aws:states:<region>:<account>:stateMachine:<name>',
  ],
];

/**
 * Reads a target ARN.
 * @example
 * ```ts
 * parseTargetArn('arn:aws:sqs:us-east-1:123456789012:new-turns').kind; // 'sqs'
 * ```
 * @throws ConfigError listing the supported ARN forms when the ARN is none of them
 */
export function parseTargetArn(arn: string): SubscriptionTarget {
  for (const [kind, form] of ARN_FORMS) {
    const match = form.exec(arn);
    if (match) {
      const [, partition = '', region = '', account = '', name = ''] = match;
      return { arn, kind, partition, region, account, name };
    }
  }
  throw new ConfigError(
    `target must be the ARN of an SQS queue, SNS topic, Lambda function, EventBridge event bus or Step Functions state machine (${ARN_FORMS.map(([, , shown]) => shown).join(', ')}) (given ${JSON.stringify(arn)})`,
  );
}
