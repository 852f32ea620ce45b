/**
 * The deploy-time table check: the code of the custom resource the stack runs on every deploy. It
 * calls DescribeTable and DescribeTimeToLive on every memory table of the stack and fails the
 * deploy, with a message naming each failing table and each problem, when a stream is missing or
 * not NEW_AND_OLD_IMAGES, when the stream ARN the stack reads is not the table's current stream, or
 * when TTL is not on the table layout's attribute; with a Kinesis source, when that stream is not an
 * ACTIVE Kinesis streaming destination of every table or is the change log itself. It is plain
 * CommonJS text (deployed inline, run by the Lambda runtime's own AWS SDK); tests run this same text
 * against DynamoDB Local.
 */

/** One table the check covers. */
export interface TableCheckTable {
  TableName: string;
  /** The DynamoDB stream ARN the event source mappings read (empty with a Kinesis source). */
  StreamArn: string;
  /** The table layout's TTL attribute; empty when the layout has none (no TTL check). */
  TtlAttribute: string;
}

/** What the check is given (the custom resource's properties). */
export interface TableCheckProperties extends TableCheckTable {
  /**
   * The stack's further tables (`tables[1..]`), each checked like the first (the top-level
   * fields). Absent for a single table.
   */
  OtherTables?: TableCheckTable[];
  /**
   * With a Kinesis source: the Kinesis data stream the mappings read, which must be an ACTIVE
   * Kinesis streaming destination of every table (ENABLING too when `KinesisEnabledByStack` is `true`).
   * No DynamoDB stream is checked then.
   */
  KinesisStreamArn?: string;
  /** `true` when the stack itself enabled the destination a moment ago. */
  KinesisEnabledByStack?: string;
  /** The change log's ARN, which must not be the source stream (the router would read its own output). */
  ChangeLogStreamArn?: string;
}

/**
 * The handler module's source: `exports.handler` (the custom resource's onEvent handler, for the
 * CDK Provider framework: throwing fails the deploy with the message), and the pure functions it
 * judges the responses with: `problems`, `kinesisProblems` and `failures`.
 */
export const TABLE_CHECK_SOURCE = `'use strict';
const { DynamoDBClient, DescribeTableCommand, DescribeTimeToLiveCommand, DescribeKinesisStreamingDestinationCommand } = require('@aws-sdk/client-dynamodb');

function problems(table, ttl, expected) {
  const found = [];
  const spec = table && table.StreamSpecification;
  if (expected.kinesis) {
    // A Kinesis source: its destination is checked instead (kinesisProblems).
  } else if (!spec || !spec.StreamEnabled || !table.LatestStreamArn) {
    found.push('it has no DynamoDB stream: enable one with view type NEW_AND_OLD_IMAGES');
  } else {
    if (spec.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
      found.push('its stream has view type ' + spec.StreamViewType + ': memory-cdc needs NEW_AND_OLD_IMAGES (both images, to build events and archive expired items)');
    }
    if (expected.streamArn && table.LatestStreamArn !== expected.streamArn) {
      found.push('the stream ARN given (' + expected.streamArn + ') is not the table\\'s current stream (' + table.LatestStreamArn + ')');
    }
  }
  if (expected.ttlAttribute) {
    const status = ttl && ttl.TimeToLiveStatus;
    if (status !== 'ENABLED' && status !== 'ENABLING') {
      found.push('TTL is not enabled: enable it on ' + expected.ttlAttribute + ', the layout\\'s TTL attribute');
    } else if (ttl.AttributeName !== expected.ttlAttribute) {
      found.push('TTL is on attribute ' + ttl.AttributeName + ', not on ' + expected.ttlAttribute + ', the layout\\'s');
    }
  }
  return found;
}

function kinesisProblems(destinations, p) {
  const arn = p.KinesisStreamArn;
  if (arn === p.ChangeLogStreamArn) return ['the Kinesis source ' + arn + ' is the change log memory-cdc writes (the router would read its own output)'];
  const d = (destinations || []).find((x) => x.StreamArn === arn);
  if (!d) return ['the Kinesis stream ' + arn + ' is not a Kinesis streaming destination of the table: enable it, or use source \\'kinesis\\''];
  const ok = p.KinesisEnabledByStack === 'true' ? ['ACTIVE', 'ENABLING', 'UPDATING'] : ['ACTIVE', 'UPDATING'];
  return ok.includes(d.DestinationStatus) ? [] : ['its Kinesis streaming destination ' + arn + ' is ' + d.DestinationStatus + ', not ACTIVE'];
}

// One message per failing table. checked: each table's properties with described (the DescribeTable
// or DescribeKinesisStreamingDestination response) and ttl (DescribeTimeToLive's).
function failures(checked, p) {
  const kinesis = !!p.KinesisStreamArn;
  return checked.flatMap((t) => {
    const d = t.described || {};
    const found = (kinesis ? kinesisProblems(d.KinesisDataStreamDestinations, p) : []).concat(
      problems(d.Table || {}, t.ttl && t.ttl.TimeToLiveDescription, { kinesis, streamArn: t.StreamArn, ttlAttribute: t.TtlAttribute }),
    );
    return found.length ? ['memory-cdc cannot run on table ' + t.TableName + ': ' + found.join('; ')] : [];
  });
}

let client;
async function handler(event) {
  const p = event.ResourceProperties || {};
  const id = 'memory-cdc-table-check-' + p.TableName;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId || id };
  client = client || new DynamoDBClient({});
  const checked = await Promise.all(
    [p].concat(p.OtherTables || []).map(async (t) => {
      const table = { TableName: t.TableName };
      const [described, ttl] = await Promise.all([
        client.send(p.KinesisStreamArn ? new DescribeKinesisStreamingDestinationCommand(table) : new DescribeTableCommand(table)),
        client.send(new DescribeTimeToLiveCommand(table)),
      ]).catch((e) => {
        throw new Error('memory-cdc cannot describe table ' + t.TableName + ': ' + e.message);
      });
      return { ...t, described, ttl };
    }),
  );
  const found = failures(checked, p);
  if (found.length > 0) throw new Error(found.join('. '));
  return { PhysicalResourceId: id };
}

exports.problems = problems;
exports.kinesisProblems = kinesisProblems;
exports.failures = failures;
exports.handler = handler;
`;
