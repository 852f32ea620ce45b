/**
 * The deploy-time table check: the code of the custom resource the stack runs on every deploy. It
 * calls DescribeTable and DescribeTimeToLive on the memory table and fails the deploy, with a
 * message naming each problem, when the stream is missing or not NEW_AND_OLD_IMAGES, when the
 * stream ARN the stack reads is not the table's current stream, or when TTL is not on the layout's
 * attribute. It is plain CommonJS text (deployed inline, run by the Lambda runtime's own AWS SDK);
 * tests run this same text against DynamoDB Local.
 */

/** What the check is given (the custom resource's properties). */
export interface TableCheckProperties {
  TableName: string;
  /** The stream ARN the event source mappings read. */
  StreamArn: string;
  /** The layout's TTL attribute; empty when the layout has none (no TTL check). */
  TtlAttribute: string;
}

/**
 * The handler module's source: `exports.handler` (the custom resource's onEvent handler, for the
 * CDK Provider framework: throwing fails the deploy with the message) and `exports.problems`.
 */
export const TABLE_CHECK_SOURCE = `'use strict';
const { DynamoDBClient, DescribeTableCommand, DescribeTimeToLiveCommand } = require('@aws-sdk/client-dynamodb');

function problems(table, ttl, expected) {
  const found = [];
  const spec = table.StreamSpecification;
  if (!spec || !spec.StreamEnabled || !table.LatestStreamArn) {
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

let client;
async function handler(event) {
  const properties = event.ResourceProperties || {};
  const id = 'memory-cdc-table-check-' + properties.TableName;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId || id };
  client = client || new DynamoDBClient({});
  const [described, ttl] = await Promise.all([
    client.send(new DescribeTableCommand({ TableName: properties.TableName })),
    client.send(new DescribeTimeToLiveCommand({ TableName: properties.TableName })),
  ]);
  const found = problems(described.Table || {}, ttl.TimeToLiveDescription, {
    streamArn: properties.StreamArn,
    ttlAttribute: properties.TtlAttribute,
  });
  if (found.length > 0) {
    throw new Error('memory-cdc cannot run on table ' + properties.TableName + ': ' + found.join('; '));
  }
  return { PhysicalResourceId: id };
}

exports.problems = problems;
exports.handler = handler;
`;
