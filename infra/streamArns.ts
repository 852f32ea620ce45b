/**
 * The stream ARNs the construct and the app accept, parsed in one place: a table's DynamoDB stream
 * (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`) and a Kinesis data stream
 * (`arn:aws:kinesis:<region>:<account>:stream/<name>`). Strict: table and stream names with the
 * characters and lengths DynamoDB and Kinesis allow, a 12-digit account, an `aws…` partition.
 */

const DYNAMODB_STREAM_ARN =
  /^arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})\/stream\/(.+)$/;
const KINESIS_STREAM_ARN = /^arn:(aws[a-z-]*):kinesis:([a-z0-9-]+):(\d{12}):stream\/([A-Za-z0-9_.-]{1,128})$/;

/** The parts of a table's DynamoDB stream ARN. */
export interface DynamoDbStreamArn {
  partition: string;
  region: string;
  account: string;
  /** The table whose stream it is. */
  tableName: string;
  /** The stream label (a timestamp). */
  label: string;
}

/** The parts of a Kinesis data stream ARN. */
export interface KinesisStreamArn {
  partition: string;
  region: string;
  account: string;
  streamName: string;
}

/**
 * Parses a DynamoDB stream ARN.
 * @returns its parts, or undefined when `arn` is not one
 */
export function parseDynamoDbStreamArn(arn: string): DynamoDbStreamArn | undefined {
  const m = DYNAMODB_STREAM_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition = '', region = '', account = '', tableName = '', label = ''] = m;
  return { partition, region, account, tableName, label };
}

/**
 * Parses a Kinesis data stream ARN.
 * @returns its parts, or undefined when `arn` is not one
 */
export function parseKinesisStreamArn(arn: string): KinesisStreamArn | undefined {
  const m = KINESIS_STREAM_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition = '', region = '', account = '', streamName = ''] = m;
  return { partition, region, account, streamName };
}
