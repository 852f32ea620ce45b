/**
 * PutRecords limits (looked up 2026-11-22 in the API reference, as carried by
 * @aws-sdk/client-kinesis 3.1143): "Each PutRecords request can support up to 500 records. Each
 * record in the request can be as large as 10 MiB, up to a limit of 10 MiB for the entire
 * request, including partition keys." Records above 1 MiB need the stream's opt-in
 * (UpdateMaxRecordSize); the default stays 1 MiB. The record size counts the partition key and the
 * data blob. Partition keys are 1–256 Unicode characters.
 */

/** Most records in one PutRecords request. */
export const PUT_RECORDS_MAX_RECORDS = 500;

/** Default largest record (partition key + data): a stream's default maximum, 1 MiB. */
export const DEFAULT_KINESIS_MAX_RECORD_BYTES = 1_048_576;

/**
 * Default largest request: 5 MiB, the limit every stream and region has had; the current reference
 * allows 10 MiB (set KINESIS_MAX_REQUEST_BYTES=10485760). Small records fill the 500-record count
 * long before either size, so the default costs nothing for them.
 */
export const DEFAULT_KINESIS_MAX_REQUEST_BYTES = 5_242_880;

/** Longest partition key, in Unicode characters. */
export const PARTITION_KEY_MAX_LENGTH = 256;
