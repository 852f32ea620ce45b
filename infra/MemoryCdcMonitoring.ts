/**
 * Alarms and a dashboard for the memory-cdc consumers. A stream consumer fails quietly — it stops
 * advancing and the table's changes pile up — so each one gets an alarm on iterator age (how far
 * behind the stream it is), errors, throttles, its on-failure queue's depth, and the records its
 * handler dead-lettered (the `RecordsDeadLettered` metric the handlers publish in Embedded Metric
 * Format).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** One monitored stream consumer. */
export interface MonitoredConsumer {
  /** Short name used in alarm descriptions and widget titles, e.g. `router`. */
  readonly name: string;
  /** The consumer function. */
  readonly function: lambda.IFunction;
  /**
   * The handler's `RecordsMissingImages` metric (stream records without the images it needs: the
   * table stream is not NEW_AND_OLD_IMAGES). Only for consumers of the table stream.
   */
  readonly missingImages?: cloudwatch.IMetric;
  /** Iterator age above which the consumer is too far behind. */
  readonly iteratorAgeThreshold: Duration;
  /** The handler's `RecordsDeadLettered` metric (records it wrote to the dead-letter prefix). */
  readonly deadLettered: cloudwatch.IMetric;
}

/** Properties of {@link MemoryCdcMonitoring}. */
export interface MemoryCdcMonitoringProps {
  /** The consumers. */
  readonly consumers: readonly MonitoredConsumer[];
  /**
   * Invocation records Lambda stored in the S3 on-failure destination (S3 `PutRequests` on the
   * `aws/lambda/` filter): batches a mapping gave up on.
   */
  readonly onFailureRecords: cloudwatch.IMetric;
  /** The Kinesis change log, for the throughput widgets. */
  readonly changeLog: kinesis.IStream;
  /** Action of every alarm (e.g. an SNS topic); none when undefined. */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /** Dashboard name; CloudFormation names it when undefined. */
  readonly dashboardName?: string;
}

/** Which alarms one consumer has. */
export interface ConsumerAlarms {
  readonly iteratorAge: cloudwatch.Alarm;
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  /** Records without the images the pipeline needs (stream consumers only). */
  readonly missingImages?: cloudwatch.Alarm;
  readonly deadLettered: cloudwatch.Alarm;
}

const PERIOD = Duration.minutes(5);

/** Alarms per consumer and one dashboard. */
export class MemoryCdcMonitoring extends Construct {
  /** Alarms by consumer name. */
  readonly alarms: ReadonlyMap<string, ConsumerAlarms>;
  /** Fires when a mapping's S3 on-failure destination stored a batch. */
  readonly onFailureRecords: cloudwatch.Alarm;
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MemoryCdcMonitoringProps) {
    super(scope, id);
    const alarms = new Map<string, ConsumerAlarms>();
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.hours(3),
    });

    for (const consumer of props.consumers) {
      const fn = consumer.function;
      const iteratorAge = fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
      const errors = fn.metricErrors({ statistic: 'Sum', period: PERIOD });
      const throttles = fn.metricThrottles({ statistic: 'Sum', period: PERIOD });
      const set: ConsumerAlarms = {
        iteratorAge: new cloudwatch.Alarm(this, `${consumer.name}IteratorAge`, {
          alarmDescription: `memory-cdc ${consumer.name} is more than ${consumer.iteratorAgeThreshold.toHumanString()} behind its stream`,
          metric: iteratorAge,
          threshold: consumer.iteratorAgeThreshold.toMilliseconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        errors: this.countAlarm(
          `${consumer.name}Errors`,
          errors,
          `memory-cdc ${consumer.name} invocations failed`,
        ),
        throttles: this.countAlarm(
          `${consumer.name}Throttles`,
          throttles,
          `memory-cdc ${consumer.name} was throttled (account or reserved concurrency)`,
        ),
        deadLettered: this.countAlarm(
          `${consumer.name}DeadLettered`,
          consumer.deadLettered,
          `memory-cdc ${consumer.name} dead-lettered records (see the dead-letter prefix of the bucket)`,
        ),
        ...(consumer.missingImages
          ? {
              missingImages: this.countAlarm(
                `${consumer.name}MissingImages`,
                consumer.missingImages,
                `memory-cdc ${consumer.name} received stream records without their images: set the table stream to NEW_AND_OLD_IMAGES`,
              ),
            }
          : {}),
      };
      if (props.alarmAction) {
        for (const alarm of Object.values(set)) alarm.addAlarmAction(props.alarmAction);
      }
      alarms.set(consumer.name, set);

      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${consumer.name}: invocations, errors, throttles`,
          left: [fn.metricInvocations({ period: PERIOD }), errors, throttles],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${consumer.name}: iterator age (ms)`,
          left: [iteratorAge],
          leftAnnotations: [{ value: consumer.iteratorAgeThreshold.toMilliseconds(), label: 'alarm' }],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${consumer.name}: dead letters`,
          left: [consumer.deadLettered],
          ...(consumer.missingImages ? { right: [consumer.missingImages] } : {}),
          width: 8,
        }),
      );
    }

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Change log (Kinesis): records in, write throttles',
        left: [props.changeLog.metricIncomingRecords({ period: PERIOD, statistic: 'Sum' })],
        right: [
          props.changeLog.metricWriteProvisionedThroughputExceeded({ period: PERIOD, statistic: 'Sum' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Consumer duration (p99, ms)',
        left: props.consumers.map((c) => c.function.metricDuration({ statistic: 'p99', period: PERIOD })),
        width: 12,
      }),
    );
    this.alarms = alarms;
    this.onFailureRecords = this.countAlarm(
      'OnFailureRecords',
      props.onFailureRecords,
      'memory-cdc: Lambda gave up on a batch and stored it under aws/lambda/ of the bucket (redrive it with memory-cdc redrive)',
    );
    if (props.alarmAction) this.onFailureRecords.addAlarmAction(props.alarmAction);
  }

  /** An alarm that fires on any non-zero count in a period. */
  private countAlarm(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
