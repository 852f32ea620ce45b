/**
 * The deploy-time check of the memory tables: a custom resource, run on every deploy before the
 * event source mappings are created, that calls DescribeTable and DescribeTimeToLive on every table
 * of the stack and fails the deploy with a message naming each failing table and each problem: no
 * stream, a stream not on NEW_AND_OLD_IMAGES, a stream ARN that is not the table's current stream,
 * TTL not on the table layout's attribute. (A wrong view type would otherwise only show at run time,
 * as dead letters and the RecordsMissingImages alarm.) With a Kinesis source it checks instead that
 * the stream is an ACTIVE Kinesis streaming destination of every table and not the change log. One
 * custom resource checks all tables (the first as before, the others in `OtherTables`), so a
 * single-table stack keeps its resources and properties. The check's code is
 * `lib/tableCheck/tableCheckSource.ts`, deployed inline.
 */
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  TABLE_CHECK_SOURCE,
  type TableCheckProperties,
  type TableCheckTable,
} from '../lib/tableCheck/tableCheckSource.js';

/** One table the check covers. */
export interface MemoryCdcCheckedTable {
  /** The memory table. */
  readonly table: dynamodb.ITable;
  /** Its name. */
  readonly tableName: string;
  /**
   * The DynamoDB stream ARN the event source mappings read.
   * @default none: a Kinesis source, or no stream ARN check
   */
  readonly streamArn?: string;
  /**
   * The TTL attribute of the table's layout.
   * @default no TTL check
   */
  readonly ttlAttribute?: string;
}

/** Properties of {@link MemoryCdcTableCheck}. */
export interface MemoryCdcTableCheckProps {
  /** Every memory table of the stack (at least one); the first names the check. */
  readonly tables: readonly MemoryCdcCheckedTable[];
  /**
   * A Kinesis source: the stream the mappings read instead, checked to be an ACTIVE Kinesis
   * streaming destination of every table and not the change log.
   * @default the table's DynamoDB stream is the source
   */
  readonly kinesis?: {
    readonly streamArn: string;
    /** The stack enabled the destination itself (ENABLING is then fine). */
    readonly enabledByStack: boolean;
    readonly changeLogStreamArn: string;
  };
  /** Runtime of the check function (the consumers'). */
  readonly runtime: lambda.Runtime;
  /** How long the check's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** The custom resource that checks the table on every deploy. */
export class MemoryCdcTableCheck extends Construct {
  /** The custom resource; resources that need a checked table depend on it. */
  readonly resource: CustomResource;
  /** The function running the check. */
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: MemoryCdcTableCheckProps) {
    super(scope, id);
    const [first, ...others] = props.tables;
    if (!first) throw new Error('MemoryCdcTableCheck: tables must list at least one table');
    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const role = (name: string, description: string) =>
      new iam.Role(this, name, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });

    const checkLogs = logGroup('CheckLogs');
    const checkRole = role('CheckRole', 'Execution role of the memory-cdc table check (DescribeTable only)');
    checkLogs.grantWrite(checkRole);
    iam.Grant.addToPrincipal({
      grantee: checkRole,
      actions: props.kinesis
        ? ['dynamodb:DescribeKinesisStreamingDestination', 'dynamodb:DescribeTimeToLive']
        : ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'],
      // Exactly the stack's tables.
      resourceArns: props.tables.map((t) => t.table.tableArn),
    });
    if (props.kinesis) {
      // What DescribeKinesisStreamingDestination needs on the stream (DynamoDB developer guide, kds_iam).
      iam.Grant.addToPrincipal({
        grantee: checkRole,
        actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary'],
        resourceArns: [props.kinesis.streamArn],
      });
    }
    const checked =
      others.length === 0
        ? `table ${first.tableName}`
        : `tables ${first.tableName} and ${others.length} more`;
    this.function = new lambda.Function(this, 'Check', {
      description: props.kinesis
        ? `Deploy-time check of ${checked} for memory-cdc: Kinesis streaming destination, TTL`
        : `Deploy-time check of ${checked} for memory-cdc: stream view type, stream ARN, TTL`,
      runtime: props.runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(TABLE_CHECK_SOURCE),
      timeout: Duration.seconds(30),
      role: checkRole,
      logGroup: checkLogs,
    });

    const providerLogs = logGroup('ProviderLogs');
    const providerRole = role('ProviderRole', 'Execution role of the memory-cdc table check provider');
    providerLogs.grantWrite(providerRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      frameworkOnEventRole: providerRole,
      logGroup: providerLogs,
    });
    const checkedTable = (t: MemoryCdcCheckedTable): TableCheckTable => ({
      TableName: t.tableName,
      StreamArn: t.streamArn ?? '',
      TtlAttribute: t.ttlAttribute ?? '',
    });
    const properties: TableCheckProperties = {
      ...checkedTable(first),
      ...(others.length > 0 ? { OtherTables: others.map(checkedTable) } : {}),
      ...(props.kinesis
        ? {
            KinesisStreamArn: props.kinesis.streamArn,
            KinesisEnabledByStack: String(props.kinesis.enabledByStack),
            ChangeLogStreamArn: props.kinesis.changeLogStreamArn,
          }
        : {}),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MemoryCdcTableCheck',
      properties,
    });

    const stack = Stack.of(this);
    const checkArn = stack.resolve(this.function.functionArn) as { 'Fn::GetAtt': [string, string] };
    Validations.of(providerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${checkArn['Fn::GetAtt'][0]}.Arn>:*]`,
      reason:
        "The CDK provider framework invokes the check function's versions and aliases (lambda:InvokeFunction on its ARN:*).",
    });
    for (const fn of [this.function, provider.node.findChild('framework-onEvent')]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'The check runs at deploy time only, on the runtime the consumers use (the provider framework picks its own); moving the runtime follows the consumers.',
      });
    }
  }
}
