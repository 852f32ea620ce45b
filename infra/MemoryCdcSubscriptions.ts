/**
 * Rules on the memory bus, one per subscription. A rule's pattern is either built from a catalog
 * filter by {@link memoryEventPattern} (the same JSON `memory-cdc replay --rules` matches locally)
 * or given raw; each rule is marked with its id in the template so `memory-cdc rules` names it.
 */
import { createHash } from 'node:crypto';
import { Annotations, CfnOutput, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ConfigError } from '../lib/errors.js';
import {
  type MemoryEventFilter,
  type MemoryEventPattern,
  memoryEventPattern,
} from '../lib/subscriptions/memoryEventPattern.js';
import type { Subscription } from '../lib/subscriptions/subscriptionsFile.js';
import type { OnMemoryEventOptions } from './MemoryCdcProps.js';
import { subscriptionRuleTarget, targetPermissionNote } from './subscriptionRuleTarget.js';
import { MEMORY_CDC_METADATA } from './templateMetadata.js';

/** Properties of {@link MemoryCdcSubscriptions}. */
export interface MemoryCdcSubscriptionsProps {
  /** The memory bus the rules are on. */
  readonly eventBus: events.IEventBus;
}

/** The subscription rules of one memory bus, by id. */
export class MemoryCdcSubscriptions extends Construct {
  private readonly eventBus: events.IEventBus;
  private readonly patterns = new Map<string, string>();

  constructor(scope: Construct, id: string, props: MemoryCdcSubscriptionsProps) {
    super(scope, id);
    this.eventBus = props.eventBus;
  }

  /**
   * A rule for the memory events a filter describes; the same filter twice yields one rule.
   * @throws ConfigError when the filter is invalid, or the id is taken by a different pattern
   */
  onEvent(
    filter: MemoryEventFilter,
    target?: events.IRuleTarget,
    options: OnMemoryEventOptions = {},
  ): events.Rule {
    const pattern = memoryEventPattern(filter);
    return this.rule(pattern, target, {
      ...options,
      description: options.description ?? `memory-cdc subscription: ${describeFilter(filter)}`,
    });
  }

  /**
   * A rule with a raw EventBridge pattern (as PutRule takes it, `detail-type` spelt with a dash).
   * The pattern is used as given: one that does not ask for `source: ["memory-cdc"]` also matches
   * other events on a shared bus.
   * @throws ConfigError when the id is taken by a different pattern
   */
  onPattern(
    pattern: Record<string, unknown>,
    target?: events.IRuleTarget,
    options: OnMemoryEventOptions = {},
  ): events.Rule {
    return this.rule(pattern, target, {
      ...options,
      description: options.description ?? `memory-cdc subscription: pattern ${JSON.stringify(pattern)}`,
    });
  }

  /**
   * A rule for one entry of a subscriptions file (see `readSubscriptionsFile`), delivering to its
   * target ARN. Where the target needs a permission CDK cannot add for an imported resource (a
   * queue or topic policy, a function in another account), the rule's ARN becomes a stack output
   * whose description says what the target's owner must add, and `cdk synth` shows it as info.
   * @throws ConfigError when the id is taken by a different pattern, or a target other than an event
   *   bus is in another account or region than the stack
   */
  subscribe(subscription: Subscription): events.Rule {
    const { target } = subscription;
    const stack = Stack.of(this);
    const elsewhere =
      (!Token.isUnresolved(stack.account) && target.account !== stack.account) ||
      (!Token.isUnresolved(stack.region) && target.region !== stack.region);
    if (elsewhere && target.kind !== 'event-bus') {
      throw new ConfigError(
        `subscription ${JSON.stringify(subscription.id)}: target ${target.arn} is in ${target.account}/${target.region}, ` +
          `the stack in ${stack.account}/${stack.region}. A rule delivers to a queue, topic, function or state machine ` +
          'of its own account and region only (CDK cannot target an imported resource elsewhere): forward to an ' +
          'event bus there (target arn:aws:events:<region>:<account>:event-bus/<name>) and subscribe on that bus.',
      );
    }
    const options: OnMemoryEventOptions = {
      id: subscription.id,
      ...(subscription.ruleName ? { ruleName: subscription.ruleName } : {}),
      ...(subscription.description ? { description: subscription.description } : {}),
    };
    const rule = subscription.filter
      ? this.onEvent(subscription.filter, undefined, options)
      : this.onPattern(subscription.pattern, undefined, options);
    rule.addTarget(subscriptionRuleTarget(rule, subscription));
    const note = targetPermissionNote(this, subscription, 'the rule ARN (this output)');
    if (note) {
      const output = new CfnOutput(this, `${subscription.id.replace(/[^A-Za-z0-9]/g, '')}RuleArn`, {
        value: rule.ruleArn,
        description: `memory-cdc subscription ${subscription.id}: ${note}`.slice(0, 1024),
      });
      Annotations.of(rule).addInfo(
        `memory-cdc subscription ${subscription.id}: ${targetPermissionNote(this, subscription, `the rule ARN (stack output ${stack.resolve(output.logicalId)})`)}`,
      );
    }
    return rule;
  }

  private rule(
    pattern: MemoryEventPattern | Record<string, unknown>,
    target: events.IRuleTarget | undefined,
    options: OnMemoryEventOptions & { description: string },
  ): events.Rule {
    const json = JSON.stringify(pattern);
    const id = options.id ?? `Subscription${createHash('sha256').update(json).digest('hex').slice(0, 8)}`;
    const existing = this.node.tryFindChild(id);
    if (existing) {
      if (this.patterns.get(id) !== json) {
        throw new ConfigError(
          `MemoryCdc.onEvent: id ${JSON.stringify(id)} is already used by a different filter`,
        );
      }
      const rule = existing as events.Rule;
      if (target) rule.addTarget(target);
      return rule;
    }
    const rule = new events.Rule(this, id, {
      eventBus: this.eventBus,
      eventPattern: toCdkEventPattern(pattern),
      description: options.description.slice(0, 512),
      ...(options.ruleName ? { ruleName: options.ruleName } : {}),
    });
    (rule.node.defaultChild as events.CfnRule).addMetadata(MEMORY_CDC_METADATA, { subscription: id });
    this.patterns.set(id, json);
    if (target) rule.addTarget(target);
    return rule;
  }
}

/**
 * The CDK form of an event pattern: `detailType` instead of `detail-type` (the CDK writes it back
 * with the dash; every other key it passes through as given).
 */
export function toCdkEventPattern(
  pattern: MemoryEventPattern | Record<string, unknown>,
): events.EventPattern {
  const cdk: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) cdk[key === 'detail-type' ? 'detailType' : key] = value;
  return cdk as events.EventPattern;
}

function describeFilter(filter: MemoryEventFilter): string {
  const parts = Object.entries(filter).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return parts.length > 0 ? parts.join(' ') : 'every memory event';
}
