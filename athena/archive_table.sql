-- memory-cdc TTL archive as an Athena table.
--
-- The archiver Lambda writes one gzip JSON Lines object per (table, entity, hour) of each batch:
--   s3://{{ARCHIVE_BUCKET}}/{{ARCHIVE_PREFIX}}table=<table>/entity=<entity>/dt=YYYY-MM-DD/hour=HH/<first>-<last>-<digest>.jsonl.gz
-- Each line is one expired item: the item in DynamoDB JSON (`item`, lossless, what restore writes
-- back), the same item as plain JSON (`plain`, for queries), its identifiers (`ids`), the expiry time
-- and where it came from in the stream. Binary values are base64 text in both.
--
-- Partition projection computes partitions from the query, so no crawler and no MSCK REPAIR: new
-- hours are queryable as soon as their objects exist. `table` is injected (every query names it:
-- WHERE "table" = 'agent-memory'); `entity` is one of memory-cdc's entity kinds; `dt` runs from
-- 2024-01-01 to today; `hour` is 00-23.
--
-- Replace {{ARCHIVE_BUCKET}} and {{ARCHIVE_PREFIX}} (default `archive/`, with its trailing slash)
-- before running it in the Athena console; the CDK stack creates the same table with AWS Glue.
--
-- Example: everything user u-42 had expire in November, newest first
--   SELECT expiredat, entity, ids['conversationId'] AS conversation, json_extract_scalar(plain, '$.text') AS text
--   FROM memory_cdc_archive
--   WHERE "table" = 'agent-memory' AND dt BETWEEN '2026-11-01' AND '2026-11-30' AND ids['userId'] = 'u-42'
--   ORDER BY expiredat DESC;
--
-- Example: expiries per entity and day (a retried Lambda batch can archive an item twice; count
-- distinct event ids)
--   SELECT dt, entity, count(DISTINCT eventid) AS expired
--   FROM memory_cdc_archive
--   WHERE "table" = 'agent-memory' AND dt >= '2026-11-01'
--   GROUP BY dt, entity ORDER BY dt, entity;

CREATE EXTERNAL TABLE IF NOT EXISTS memory_cdc_archive (
  sourceentity string COMMENT 'the table''s own name for the entity (Mastra''s thread, message, ...)',
  ids map<string, string> COMMENT 'identifiers: userId, conversationId, turnId, runId, ...',
  expiredat string COMMENT 'time of the TTL deletion, ISO-8601 UTC',
  keys string COMMENT 'key attributes, DynamoDB JSON',
  item string COMMENT 'the expired item, DynamoDB JSON (restore writes exactly this)',
  plain string COMMENT 'the expired item as plain JSON (numbers beyond double precision are strings)',
  eventid string COMMENT 'deterministic id of the expiry event (dedupe on it)',
  origin struct<streamarn: string, eventid: string, sequencenumber: string> COMMENT 'stream position'
)
PARTITIONED BY (
  `table` string,
  entity string,
  dt string,
  hour string
)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{ARCHIVE_BUCKET}}/{{ARCHIVE_PREFIX}}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.table.type' = 'injected',
  'projection.entity.type' = 'enum',
  'projection.entity.values' = 'conversation,turn,run,run_step,ledger,idempotency,rate_limit,flag,memory,unknown',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://{{ARCHIVE_BUCKET}}/{{ARCHIVE_PREFIX}}table=${table}/entity=${entity}/dt=${dt}/hour=${hour}/',
  'classification' = 'json',
  'compressionType' = 'gzip'
);
