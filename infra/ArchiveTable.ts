/**
 * The Glue database and table that make the TTL archive queryable by Athena. Partition projection
 * computes partitions from the key layout the archiver writes —
 * `<prefix>table=<table>/entity=<entity>/dt=YYYY-MM-DD/hour=HH/*.jsonl.gz` — so no crawler and no
 * `MSCK REPAIR` are needed, and a query filtered by entity and day reads only those folders.
 * Columns, partition keys, SerDe and properties come from `lib/archive/archiveColumns.ts`, the
 * definition `athena/archive_table.sql` (the same table as DDL, for users who create it by hand) is
 * generated from and the archiver writes by.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_PARTITION_KEYS,
  ARCHIVE_STORAGE,
  archiveTableParameters,
  hiveTypeName,
} from '../lib/archive/archiveColumns.js';

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
        // One table per stack: the `table` partition is an enum of one value, so queries need not
        // name it (the DDL, made for a bucket any number of tables may share, injects it instead).
        parameters: archiveTableParameters({
          location: root,
          table: { type: 'enum', values: [props.tableName] },
          startDate: props.startDate,
        }),
        partitionKeys: ARCHIVE_PARTITION_KEYS.map(({ name, comment }) => ({ name, type: 'string', comment })),
        storageDescriptor: {
          location: root,
          inputFormat: ARCHIVE_STORAGE.inputFormat,
          outputFormat: ARCHIVE_STORAGE.outputFormat,
          compressed: true,
          serdeInfo: { serializationLibrary: ARCHIVE_STORAGE.serde },
          columns: ARCHIVE_COLUMNS.map((c) => ({
            name: c.name,
            type: hiveTypeName(c.type),
            comment: c.comment,
          })),
        },
      },
    });
    this.table.addResourceDependency(this.database);
  }
}
