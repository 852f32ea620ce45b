/**
 * Kinesis Data Streams for DynamoDB as the source of the router and the archiver: an existing
 * Kinesis data stream the tables already stream to (`source: { kinesisStreamArn }`), or one this
 * construct creates (`source: 'kinesis'`: on-demand, encrypted with the AWS-managed key
 * `aws/kinesis`) together with each table's Kinesis streaming destination. The tables are imported,
 * not created by this stack, so the destination is a custom resource calling DynamoDB's
 * EnableKinesisStreamingDestination on create (timestamps in microseconds) and
 * DisableKinesisStreamingDestination on delete, with exactly those permissions.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** Timestamp precision the stack asks for when it enables a table's Kinesis streaming destination. */
export const KINESIS_SOURCE_PRECISION = 'MICROSECOND';

/** The service DynamoDB's Kinesis replication runs as (its service-linked role's service name). */
const REPLICATION_SERVICE = 'kinesisreplication.dynamodb.amazonaws.com';

/** Properties of {@link MemoryCdcKinesisSource}. */
export interface MemoryCdcKinesisSourceProps {
  /** The memory tables (by construct and name) whose changes the stream carries. */
  readonly tables: readonly { readonly table: dynamodb.ITable; readonly tableName: string }[];
  /**
   * An existing stream the tables already stream to.
   * @default a new stream, with each table's Kinesis streaming destination enabled on it
   */
  readonly streamArn?: string;
  /**
   * The existing stream's customer-managed key (consumers get kms:Decrypt).
   * @default none
   */
  readonly encryptionKey?: kms.IKey;
  /** How long the destination custom resource's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** The source stream, and the streaming destinations when the construct enables them. */
export class MemoryCdcKinesisSource extends Construct {
  /** The Kinesis data stream the router and the archiver read. */
  readonly stream: kinesis.IStream;
  /** True when the construct created the stream and enabled the destinations. */
  readonly createdByStack: boolean;
  /** One custom resource per table enabling its Kinesis streaming destination (none for a given stream). */
  readonly destinations: readonly cr.AwsCustomResource[];

  constructor(scope: Construct, id: string, props: MemoryCdcKinesisSourceProps) {
    super(scope, id);
    if (props.streamArn !== undefined) {
      this.stream = kinesis.Stream.fromStreamAttributes(this, 'Stream', {
        streamArn: props.streamArn,
        ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      });
      this.createdByStack = false;
      this.destinations = [];
      return;
    }
    const stream = new kinesis.Stream(this, 'Stream', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(24),
    });
    this.stream = stream;
    this.createdByStack = true;

    const logGroup = new logs.LogGroup(this, 'DestinationLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'DestinationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "Enables and disables the memory tables' Kinesis streaming destination (memory-cdc)",
    });
    logGroup.grantWrite(role);
    const stack = Stack.of(this);
    // What EnableKinesisStreamingDestination needs (DynamoDB developer guide, "Using IAM policies for
    // Amazon Kinesis Data Streams and Amazon DynamoDB"), on exactly these tables and this stream.
    const policy = cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({
        actions: [
          'dynamodb:EnableKinesisStreamingDestination',
          'dynamodb:DisableKinesisStreamingDestination',
        ],
        resources: props.tables.map((t) => t.table.tableArn),
      }),
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecords', 'kinesis:DescribeStream'],
        resources: [stream.streamArn],
      }),
      new iam.PolicyStatement({ actions: ['kinesis:ListStreams'], resources: ['*'] }),
      // The first destination in an account creates DynamoDB's replication service-linked role.
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `aws-service-role/${REPLICATION_SERVICE}/AWSServiceRoleForDynamoDBKinesisDataStreamsReplication`,
          }),
        ],
        conditions: { StringEquals: { 'iam:AWSServiceName': REPLICATION_SERVICE } },
      }),
    ]);
    this.destinations = props.tables.map(({ tableName }, i) => {
      const target = { TableName: tableName, StreamArn: stream.streamArn };
      const enable: cr.AwsSdkCall = {
        service: 'DynamoDB',
        action: 'enableKinesisStreamingDestination',
        parameters: {
          ...target,
          EnableKinesisStreamingConfiguration: {
            ApproximateCreationDateTimePrecision: KINESIS_SOURCE_PRECISION,
          },
        },
        // Named after table and stream: a new stream is a new destination (CloudFormation then
        // deletes, so disables, the old one).
        physicalResourceId: cr.PhysicalResourceId.of(`memory-cdc-kds-${tableName}-${stream.streamName}`),
      };
      return new cr.AwsCustomResource(this, i === 0 ? 'Destination' : `Destination${i}`, {
        resourceType: 'Custom::MemoryCdcKinesisStreamingDestination',
        onCreate: enable,
        onUpdate: enable,
        onDelete: {
          service: 'DynamoDB',
          action: 'disableKinesisStreamingDestination',
          parameters: target,
          // The table or its destination may be gone already: deleting the stack still succeeds.
          ignoreErrorCodesMatching: 'ResourceNotFoundException',
        },
        policy,
        role,
        logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(2),
      });
    });

    for (const destination of this.destinations) {
      Validations.of(destination.node.findChild('CustomResourcePolicy')).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'kinesis:ListStreams, which EnableKinesisStreamingDestination requires of its caller (DynamoDB developer guide, kds_iam), ' +
          'supports no resource-level permissions; every other action is scoped to the memory tables and the source stream.',
      });
    }
  }
}
