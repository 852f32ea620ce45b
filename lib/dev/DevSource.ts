/**
 * What `memory-cdc dev` runs the router and archiver on: the table's DynamoDB stream (the default,
 * as the stack's `source: 'dynamodb-stream'`), or Kinesis Data Streams for DynamoDB (`kinesis`, as
 * `source: 'kinesis'`): kinesalite fed from the table's stream by the local bridge.
 */
export type DevSource = 'dynamodb-stream' | 'kinesis';

/** Every {@link DevSource}, in the order `--source` lists them. */
export const DEV_SOURCES: readonly DevSource[] = ['dynamodb-stream', 'kinesis'];

/** How the live view names each source. */
export const DEV_SOURCE_NAMES: Record<DevSource, string> = {
  'dynamodb-stream': 'DynamoDB stream',
  kinesis: 'Kinesis Data Streams for DynamoDB',
};

/** True for a value `--source` accepts. */
export function isDevSource(value: string): value is DevSource {
  return (DEV_SOURCES as readonly string[]).includes(value);
}
