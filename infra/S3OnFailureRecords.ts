/**
 * The S3 on-failure destination of an event source mapping, with least privilege: when Lambda gives
 * up on a batch (retry limit or record age reached) it stores the whole invocation record, batch
 * included, under `aws/lambda/` of the memory-cdc bucket, where `memory-cdc redrive` and operators
 * find it. (SQS and SNS destinations carry only shard and sequence positions, which are gone once
 * the stream's 24-hour retention passes.) The construct library's own `S3OnFailureDestination`
 * grants read and write on the whole bucket; this grants only what the destination needs.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { MemoryCdcStorage } from './MemoryCdcStorage.js';

/**
 * On-failure destination writing to the memory-cdc bucket.
 *
 * @example
 * fn.addEventSource(new DynamoEventSource(table, { ..., onFailure: new S3OnFailureRecords(storage) }));
 */
export class S3OnFailureRecords implements lambda.IEventSourceDlq {
  constructor(private readonly storage: MemoryCdcStorage) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    this.storage.grantOnFailureWrite(targetHandler);
    return { destination: this.storage.bucket.bucketArn };
  }
}
