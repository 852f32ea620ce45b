/**
 * Where the router publishes: the EventBridge bus of memory events (new, or an existing one) and
 * the ordered change log on Kinesis (on-demand, encrypted). The bus is recorded in the template's
 * metadata so `memory-cdc rules` knows which rules are memory rules.
 */
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { MEMORY_CDC_METADATA } from './templateMetadata.js';

/** Properties of {@link MemoryCdcBus}. */
export interface MemoryCdcBusProps {
  /** Name of the memory table (in the new bus's name and description). */
  readonly tableName: string;
  /**
   * An existing bus to publish to.
   * @default a new bus named `memory-cdc-<tableName>`
   */
  readonly eventBus?: events.IEventBus;
  /** How long the change log keeps records (24 h – 8,760 h). */
  readonly changeLogRetention: Duration;
  /**
   * A customer-managed key for the change log.
   * @default the AWS-managed key `aws/kinesis`
   */
  readonly changeLogEncryptionKey?: kms.IKey;
}

/** The memory bus and the Kinesis change log. */
export class MemoryCdcBus extends Construct {
  /** The bus memory events are published to. */
  readonly eventBus: events.IEventBus;
  /** The ordered change log (Kinesis, on-demand, KMS). */
  readonly changeLog: kinesis.Stream;
  /** The change log's customer-managed key, or undefined when it uses the AWS-managed aws/kinesis key. */
  readonly changeLogKey: kms.IKey | undefined;

  constructor(scope: Construct, id: string, props: MemoryCdcBusProps) {
    super(scope, id);
    this.eventBus =
      props.eventBus ??
      new events.EventBus(this, 'EventBus', {
        ...(props.tableName.length <= 245 ? { eventBusName: `memory-cdc-${props.tableName}` } : {}),
        description: `memory-cdc events of DynamoDB table ${props.tableName}`,
      });
    this.markMemoryBus();

    // On-demand (no shard planning), KMS-encrypted with aws/kinesis unless a customer-managed key
    // is required.
    this.changeLogKey = props.changeLogEncryptionKey;
    this.changeLog = new kinesis.Stream(this, 'ChangeLog', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      ...(this.changeLogKey
        ? { encryption: kinesis.StreamEncryption.KMS, encryptionKey: this.changeLogKey }
        : { encryption: kinesis.StreamEncryption.MANAGED }),
      retentionPeriod: props.changeLogRetention,
    });
    if (this.changeLogKey) {
      Validations.of(this.changeLog).acknowledge({
        id: 'AwsSolutions-KDS3',
        reason: 'A customer-managed key was required through the changeLogEncryptionKey prop.',
      });
    }
  }

  /**
   * Lets a producer publish: PutEvents on the bus and PutRecords on the change log (with a
   * customer-managed key, also generating data keys with it).
   * @param grantee the producer's role
   */
  grantPublish(grantee: iam.IGrantable): void {
    this.eventBus.grantPutEventsTo(grantee);
    this.changeLog.grant(grantee, 'kinesis:PutRecords');
    // Kinesis needs the producer to generate data keys with a customer-managed key (the consumer's
    // kms:Decrypt comes with the event source mapping's grantRead).
    this.changeLogKey?.grant(grantee, 'kms:GenerateDataKey');
  }

  /** Records the bus in the template so `memory-cdc rules` knows which rules are memory rules. */
  private markMemoryBus(): void {
    const stack = Stack.of(this);
    const metadata = stack.templateOptions.metadata ?? {};
    const entry = (metadata[MEMORY_CDC_METADATA] as { eventBuses: unknown[] } | undefined) ?? {
      eventBuses: [],
    };
    entry.eventBuses.push(this.eventBus.eventBusName);
    metadata[MEMORY_CDC_METADATA] = entry;
    stack.templateOptions.metadata = metadata;
  }
}
