/**
 * The Glue database and table that make the TTL archive queryable by Athena. Partition projection
 * computes partitions from the key layout the archiver writes —
 * `<prefix>table=<table>/entity=<entity>/dt=YYYY-MM-DD/hour=HH/*.jsonl.gz` — so no crawler and no
 * `MSCK REPAIR` are needed, and a query filtered by entity and day reads only those folders.
 * `athena/archive_table.sql` is the same table as DDL for users who create it by hand.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENTITY_KINDS } from '../lib/layout/types.js';

/** The columns of an archive line (athena/archive_table.sql declares the same). */
export const ARCHIVE_COLUMNS: readonly [name: string, type: string, comment: string][] = [
  ['sourceentity', 'string', "the table's own name for the entity (Mastra's thread, message, ...)"],
  ['ids', 'map<string,string>', 'identifiers: userId, conversationId, turnId, runId, ...'],
  ['expiredat', 'string', 'time of the TTL deletion, ISO-8601 UTC'],
  ['keys', 'string', 'key attributes, DynamoDB JSON'],
  ['item', 'string', 'the expired item, DynamoDB JSON (restore writes exactly this)'],
  ['plain', 'string', 'the expired item as plain JSON'],
  ['eventid', 'string', 'deterministic id of the expiry event (dedupe on it)'],
  ['origin', 'struct<streamarn:string,eventid:string,sequencenumber:string>', 'stream position'],
];

/** Properties of an {@link ArchiveTable}. */
export interface ArchiveTableProps {
  /** Bucket holding the archive. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the archive inside the bucket, ending in `/` (e.g. `archive/`). */
  readonly prefix: string;
  /** The memory table whose expiries are archived (the only value of the `table` partition). */
  readonly tableName: string;
  /** Glue database name (lowercase letters, digits, underscores). */
  readonly databaseName: string;
  /** Glue table name (lowercase letters, digits, underscores). */
  readonly glueTableName: string;
  /** First day partition projection enumerates, `YYYY-MM-DD`. */
  readonly startDate: string;
}

/** The archive's Glue database and table, with partition projection. */
export class ArchiveTable extends Construct {
  /** The Glue database. */
  readonly database: glue.CfnDatabase;
  /** The Glue table. */
  readonly table: glue.CfnTable;
  /** Database name, for Athena queries. */
  readonly databaseName: string;
  /** Table name, for Athena queries. */
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: ArchiveTableProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const root = `s3://${props.bucket.bucketName}/${props.prefix}`;
    this.databaseName = props.databaseName;
    this.tableName = props.glueTableName;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: props.databaseName,
        description: `memory-cdc TTL archive of DynamoDB table ${props.tableName}`,
      },
    });

    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: account,
      databaseName: props.databaseName,
      tableInput: {
        name: props.glueTableName,
        description:
          'Items DynamoDB deleted by TTL, one JSON line each (gzip), partitioned like the archive keys.',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          // One table per stack: an enum of one value, so queries need not name it (the DDL, made
          // for a bucket any number of tables may share, injects it instead).
          'projection.table.type': 'enum',
          'projection.table.values': props.tableName,
          'projection.entity.type': 'enum',
          'projection.entity.values': ENTITY_KINDS.join(','),
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.startDate},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${root}table=\${table}/entity=\${entity}/dt=\${dt}/hour=\${hour}/`,
        },
        partitionKeys: [
          { name: 'table', type: 'string', comment: 'source DynamoDB table' },
          { name: 'entity', type: 'string', comment: 'entity kind: turn, run, ...' },
          { name: 'dt', type: 'string', comment: 'UTC day of the expiry, YYYY-MM-DD' },
          { name: 'hour', type: 'string', comment: 'UTC hour of the expiry, 00-23' },
        ],
        storageDescriptor: {
          location: root,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
          columns: ARCHIVE_COLUMNS.map(([name, type, comment]) => ({ name, type, comment })),
        },
      },
    });
    this.table.addResourceDependency(this.database);
  }
}
