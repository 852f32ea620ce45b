/**
 * A ready stack: `MemoryCdc` beside an existing table, with outputs for the names users need
 * (bus, change log, bucket, Glue table, dashboard).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { MemoryCdc, type MemoryCdcProps } from './MemoryCdc.js';

/** Properties of {@link MemoryCdcStack}. */
export interface MemoryCdcStackProps extends StackProps, Omit<MemoryCdcProps, 'eventBus'> {
  /**
   * Name of an existing EventBridge bus in the stack's account and region to publish to.
   * @default a new bus named `memory-cdc-<tableName>`
   */
  readonly existingEventBusName?: string;
}

/** `MemoryCdc` in its own stack. */
export class MemoryCdcStack extends Stack {
  /** The construct, for subscriptions: `stack.cdc.onEvent(filter, target)`. */
  readonly cdc: MemoryCdc;

  constructor(scope: Construct, id: string, props: MemoryCdcStackProps) {
    super(scope, id, props);
    const { existingEventBusName, ...cdcProps } = props;
    this.cdc = new MemoryCdc(this, 'MemoryCdc', {
      ...cdcProps,
      ...(existingEventBusName
        ? { eventBus: events.EventBus.fromEventBusName(this, 'ExistingEventBus', existingEventBusName) }
        : {}),
    });

    const outputs: Record<string, [string, string]> = {
      EventBusName: [this.cdc.eventBus.eventBusName, 'Bus that receives memory events (source memory-cdc)'],
      ChangeLogStreamName: [
        this.cdc.changeLog.streamName,
        'Kinesis change log, each key in order (read records with readChanges from memory-cdc/change-log)',
      ],
      BucketName: [
        this.cdc.bucket.bucketName,
        'Archive (archive/), claim checks (claim-check/), dead letters',
      ],
      VectorBucketArn: [this.cdc.vectorBucket.attrVectorBucketArn, 'S3 Vectors bucket of the turn index'],
      VectorIndexArn: [this.cdc.vectorIndex.attrIndexArn, 'S3 Vectors index of turns'],
      ArchiveDatabase: [this.cdc.archiveTable.databaseName, 'Glue database of the archive (Athena)'],
      ArchiveTable: [this.cdc.archiveTable.tableName, 'Glue table of the archive (Athena)'],
      DashboardName: [this.cdc.monitoring.dashboard.dashboardName, 'CloudWatch dashboard'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
