/**
 * The construct's template, synthesized once with the prebuilt bundles of the three handlers
 * (`npm run build` writes them to dist/lambda; the construct deploys them as they are).
 */

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_SERVICE, MemoryCdc } from '../../infra/MemoryCdc.js';
import { partitionPrefix } from '../../lib/archive/archiveKey.js';
import { ENTITY_KINDS } from '../../lib/layout/types.js';
import {
  acknowledgements,
  logicalIdOf,
  resourcesOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

const execFileAsync = promisify(execFile);

let app: App;
let stack: Stack;
let cdc: MemoryCdc;
let template: Template;

beforeAll(() => {
  app = testApp({ bundle: true, validate: true });
  stack = testStack(app);
  // The two-reader layout, which has every function; the one-reader default: test/infra/readers.test.ts.
  cdc = new MemoryCdc(stack, 'MemoryCdc', {
    tableName: TABLE_NAME,
    tableStreamArn: STREAM_ARN,
    readers: 'two',
  });
  template = Template.fromStack(stack);
}, 180_000);

/** The logical id of a construct's CloudFormation resource (an L2's default child, or an L1 itself). */
const idOf = (construct: IConstruct) => logicalIdOf(construct);

const functionId = (name: 'router' | 'archiver' | 'vectorSync') => idOf(cdc[name]!);

describe('the table and its stream', () => {
  it('attaches exactly two readers to the DynamoDB stream: the router and the archiver', () => {
    const readers = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, r]) => r.Properties.EventSourceArn === STREAM_ARN,
    );
    expect(readers.map(([, r]) => r.Properties.FunctionName)).toEqual([
      { Ref: functionId('router') },
      { Ref: functionId('archiver') },
    ]);
  });

  it('grants stream reads on the imported stream ARN only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Resource: STREAM_ARN,
          }),
        ]),
      },
    });
  });
});

describe('the router', () => {
  it('reads the stream with bounded retries, bisect on error, partial batch responses and an S3 on-failure destination', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('router') },
      EventSourceArn: STREAM_ARN,
      StartingPosition: 'LATEST',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21_600,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(cdc.bucket), 'Arn'] } },
      },
    });
  });

  it('is configured through the environment variables of the configuration contract', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          MEMORY_CDC_LAYOUT: 'agent-memory',
          LOG_LEVEL: 'info',
          DEAD_LETTER_BUCKET: { Ref: idOf(cdc.bucket) },
          POWERTOOLS_METRICS_NAMESPACE: 'MemoryCdc',
          EVENT_BUS_NAME: { Ref: idOf(cdc.eventBus) },
          CHANGE_LOG_STREAM_NAME: { Ref: idOf(cdc.changeLog) },
          CLAIM_CHECK_BUCKET: { Ref: idOf(cdc.bucket) },
        },
      },
      Handler: 'index.handler',
      Description: Match.stringLikeRegexp('router'),
    });
  });

  it('may put events on the memory bus and records into the change log, and nothing else there', () => {
    const statements = policyStatementsOf('router');
    expect(statements).toContainEqual({
      Action: 'events:PutEvents',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [idOf(cdc.eventBus), 'Arn'] },
    });
    expect(statements).toContainEqual({
      Action: 'kinesis:PutRecords',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [idOf(cdc.changeLog), 'Arn'] },
    });
  });

  it('may write claim checks and its own dead letters, and no other S3 keys', () => {
    expect(s3ResourcesOf('router')).toEqual([
      's3:ListBucket (bucket)',
      's3:PutObject /aws/lambda/*',
      's3:PutObject /claim-check/*',
      's3:PutObject /dead-letter/router/*',
    ]);
  });
});

describe('the archiver', () => {
  it('receives only TTL expiries: REMOVE records by the DynamoDB service', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('archiver') },
      EventSourceArn: STREAM_ARN,
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['REMOVE'],
              userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
            }),
          },
        ],
      },
    });
  });

  it('gathers large batches from the start of the stream, with the same failure handling as the router', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('archiver') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 60,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 21_600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(cdc.bucket), 'Arn'] } },
      },
    });
  });

  it('is configured with the archive bucket and prefix', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ARCHIVE_BUCKET: { Ref: idOf(cdc.bucket) },
          ARCHIVE_PREFIX: 'archive/',
        }),
      },
    });
  });

  it('may write under the archive prefix and its own dead letters, and no other S3 keys', () => {
    expect(s3ResourcesOf('archiver')).toEqual([
      's3:ListBucket (bucket)',
      's3:PutObject /archive/*',
      's3:PutObject /aws/lambda/*',
      's3:PutObject /dead-letter/archiver/*',
    ]);
  });
});

describe('the vector sync worker', () => {
  it('consumes the Kinesis change log, not the DynamoDB stream', () => {
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, r]) =>
        JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: functionId('vectorSync') }),
    );
    expect(mappings.map(([, r]) => r.Properties.EventSourceArn)).toEqual([
      { 'Fn::GetAtt': [idOf(cdc.changeLog), 'Arn'] },
    ]);
    expect(mappings[0]![1].Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(cdc.bucket), 'Arn'] } },
      },
    });
  });

  it('is configured with the vector bucket, the index and the embedding settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VECTOR_BUCKET_NAME: {
            'Fn::Select': [
              1,
              { 'Fn::Split': ['bucket/', { 'Fn::GetAtt': [idOf(cdc.vectorBucket), 'VectorBucketArn'] }] },
            ],
          },
          VECTOR_INDEX_NAME: 'memory-turns',
          EMBEDDING_ATTRIBUTE: 'embedding',
          EMBEDDING_DIMENSIONS: '1024',
          BEDROCK_MODEL_ID: 'amazon.titan-embed-text-v2:0',
        }),
      },
    });
  });

  it('may read and write vectors of its index, read claim checks and invoke one Bedrock model', () => {
    const statements = policyStatementsOf('vectorSync');
    expect(statements).toContainEqual({
      Action: ['s3vectors:GetVectors', 's3vectors:PutVectors'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [idOf(cdc.vectorIndex), 'IndexArn'] },
    });
    expect(statements).toContainEqual({
      Action: 'bedrock:InvokeModel',
      Effect: 'Allow',
      Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
    });
    expect(s3ResourcesOf('vectorSync')).toEqual([
      's3:GetObject /claim-check/*',
      's3:ListBucket (bucket)',
      's3:PutObject /aws/lambda/*',
      's3:PutObject /dead-letter/vector-sync/*',
    ]);
  });
});

describe('all functions', () => {
  it('run on arm64 with the Node.js 22 runtime', () => {
    const consumers = new Set((['router', 'archiver', 'vectorSync'] as const).map(functionId));
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => consumers.has(id));
    expect(functions).toHaveLength(3);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs22.x' });
    }
  });

  it('log to their own log group, kept for a month', () => {
    for (const name of ['router', 'archiver', 'vectorSync'] as const) {
      const logGroup = cdc[name]!.node.scope!.node.findChild('Logs');
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: { LogGroup: { Ref: idOf(logGroup) } },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    }
  });

  it('are granted no wildcard action and no AWS-managed policy', () => {
    const actions = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) =>
        [s.Action].flat(),
      ),
    );
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    for (const [, role] of resourcesOf(template, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('are bundled into minified ESM (index.mjs, chunks loaded on first use), with class names kept, the AWS SDK inside and LanceDB left out', () => {
    const sizes = bundleSizes();
    expect(Object.keys(sizes)).toEqual(['router', 'archiver', 'vectorSync']);
    for (const [name, { bytes, files, source }] of Object.entries(sizes)) {
      expect(files, name).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
      expect(bytes, name).toBeLessThan(1_500_000);
      expect(source, name).not.toMatch(/@lancedb|apache-arrow/);
      // keepNames: dead letters and logs name error classes as written, not as minified.
      expect(source, name).toMatch(/"ConfigError"/);
    }
    console.log(
      `bundle sizes: ${Object.entries(sizes)
        .map(([name, s]) => `${name} ${(s.bytes / 1024).toFixed(0)} KiB`)
        .join(', ')}`,
    );
  });
});

describe('the bundles', () => {
  it.each(['router', 'archiver', 'vectorSync'] as const)(
    'of the %s loads in Node.js and builds its handler from the environment the stack sets',
    async (name) => {
      const resource = template.toJSON().Resources[functionId(name)];
      const environment = sampleEnvironment(resource.Properties.Environment.Variables);
      // Source maps shipped, not enabled (start-up cost): test/infra/lambdaBundles.test.ts.
      expect(environment.NODE_OPTIONS).toBeUndefined();
      const bundle = join(app.outdir, resource.Metadata['aws:asset:path'], 'index.mjs');
      const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`;
      const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...environment },
        timeout: 30_000,
      });
      expect(stdout.trim()).toBe('function');
    },
  );
});

describe('the event bus and the change log', () => {
  it('creates a bus named after the table', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: `memory-cdc-${TABLE_NAME}` });
  });

  it('keeps the change log in an on-demand Kinesis stream encrypted with KMS', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
  });

  it('records the memory bus in the template metadata for `memory-cdc rules`', () => {
    expect(template.toJSON().Metadata).toEqual({
      'memory-cdc': { eventBuses: [{ Ref: idOf(cdc.eventBus) }] },
    });
  });
});

describe('the bucket', () => {
  it('is encrypted, blocks public access and logs access to a separate bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: idOf(cdc.accessLogsBucket) },
        LogFilePrefix: 'memory-cdc/',
      },
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: idOf(cdc.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('moves the archive to cheaper storage classes and expires claim checks and dead letters', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'archive/',
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          }),
          Match.objectLike({ Prefix: 'claim-check/', ExpirationInDays: 30 }),
          Match.objectLike({ Prefix: 'dead-letter/', ExpirationInDays: 90 }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  });
});

describe('the S3 on-failure destination', () => {
  it('keeps every batch a mapping gives up on, whole, under aws/lambda/ of the bucket', () => {
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(3);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties.DestinationConfig).toEqual({
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(cdc.bucket), 'Arn'] } },
      });
    }
    expect(resourcesOf(template, 'AWS::SQS::Queue')).toHaveLength(0);
  });

  it('lets each function write there, and only there', () => {
    for (const name of ['router', 'archiver', 'vectorSync'] as const) {
      const role = cdc[name]!.role!;
      const policy = resourcesOf(template, 'AWS::IAM::Policy').find(([, p]) =>
        JSON.stringify(p.Properties.Roles).includes(idOf(role)),
      )!;
      const statements = JSON.stringify(policy[1].Properties.PolicyDocument);
      expect(statements).toContain('/aws/lambda/*');
      expect(statements).toContain('s3:ListBucket');
      expect(statements).not.toContain('"s3:GetObject*"');
    }
  });

  it('counts the objects stored there with a request-metrics filter and alarms on any', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      MetricsConfigurations: [{ Id: 'OnFailureRecords', Prefix: 'aws/lambda/' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'PutRequests',
      Threshold: 0,
      Dimensions: [
        { Name: 'BucketName', Value: { Ref: idOf(cdc.bucket) } },
        { Name: 'FilterId', Value: 'OnFailureRecords' },
      ],
    });
  });
});

describe('the deploy-time table check', () => {
  it('is a custom resource given the table, the stream ARN the mappings read and the layout TTL attribute', () => {
    template.hasResourceProperties('Custom::MemoryCdcTableCheck', {
      TableName: TABLE_NAME,
      StreamArn: STREAM_ARN,
      TtlAttribute: 'expires_at',
    });
  });

  it('runs before any event source mapping is created', () => {
    const check = idOf(cdc.tableCheck.resource);
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(3);
    for (const [id] of mappings) {
      expect((template.toJSON().Resources[id].DependsOn ?? []) as string[]).toContain(check);
    }
  });

  it('may only describe the table', () => {
    const role = cdc.tableCheck.function.role!;
    const policy = resourcesOf(template, 'AWS::IAM::Policy').find(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(idOf(role)),
    )!;
    const statements = (policy[1].Properties.PolicyDocument as { Statement: { Action: unknown }[] })
      .Statement;
    expect(statements.map((s) => s.Action)).toContainEqual([
      'dynamodb:DescribeTable',
      'dynamodb:DescribeTimeToLive',
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/dynamodb:(Get|Put|Scan|Query|Update|Delete)/);
  });
});

describe('the vector index', () => {
  it('holds 1024-dimension float32 vectors compared by cosine distance, in an SSE-S3 vector bucket', () => {
    template.hasResourceProperties('AWS::S3Vectors::VectorBucket', {
      EncryptionConfiguration: { SseType: 'AES256' },
    });
    template.hasResourceProperties('AWS::S3Vectors::Index', {
      IndexName: 'memory-turns',
      DataType: 'float32',
      Dimension: 1024,
      DistanceMetric: 'cosine',
      VectorBucketArn: { 'Fn::GetAtt': [idOf(cdc.vectorBucket), 'VectorBucketArn'] },
    });
  });

  it("keeps the worker's bookkeeping and text out of the filterable metadata", () => {
    template.hasResourceProperties('AWS::S3Vectors::Index', {
      MetadataConfiguration: {
        NonFilterableMetadataKeys: ['seq', 'contentHash', 'turnId', 'deletedAt', 'text'],
      },
    });
  });
});

describe('the archive table', () => {
  it('is a Glue table with partition projection over the archive prefix', () => {
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: { Name: 'memory_cdc_agent_memory' },
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'memory_cdc_agent_memory',
      TableInput: {
        Name: 'memory_cdc_archive',
        TableType: 'EXTERNAL_TABLE',
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.table.type': 'enum',
          'projection.table.values': TABLE_NAME,
          'projection.entity.values': ENTITY_KINDS.join(','),
        }),
      },
    });
  });

  it('projects partitions onto the folders the archiver writes', () => {
    const [scheme, bucket] = glueTableInput().Parameters['storage.location.template']['Fn::Join'][1];
    expect(scheme).toEqual('s3://');
    expect(bucket).toEqual({ Ref: idOf(cdc.bucket) });
    const folder = partitionPrefix({ table: TABLE_NAME, entity: 'turn', dt: '2026-11-28', hour: '07' });
    const projected = glueTableInput()
      .Parameters['storage.location.template']['Fn::Join'][1][2].replace('$' + '{table}', TABLE_NAME)
      .replace('$' + '{entity}', 'turn')
      .replace('$' + '{dt}', '2026-11-28')
      .replace('$' + '{hour}', '07');
    expect(projected).toBe(`/archive/${folder}`);
  });

  it('declares the columns, partitions, SerDe and projection of athena/archive_table.sql', () => {
    const ddl = readFileSync(new URL('../../athena/archive_table.sql', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n');
    const [columnsPart, rest] = ddl.split('PARTITIONED BY') as [string, string];
    const columns = [...columnsPart.matchAll(/^ {2}`?(\w+)`? ([^ ]+(?: [^ ]+)*?) COMMENT/gm)].map((m) => [
      m[1],
      m[2]!.replaceAll(' ', ''),
    ]);
    const partitions = [...rest.split(')')[0]!.matchAll(/^ {2}`?(\w+)`? (\w+)/gm)].map((m) => m[1]);
    const properties = Object.fromEntries(
      [...ddl.matchAll(/'([\w.]+)' = '([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
    );
    const serde = /ROW FORMAT SERDE '([^']+)'/.exec(ddl)?.[1];

    const input = glueTableInput();
    expect(input.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(columns);
    expect(input.PartitionKeys.map((p) => p.Name)).toEqual(partitions);
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(serde);
    for (const [key, value] of Object.entries(properties)) {
      // The DDL injects `table` (a shared bucket); the stack, one per table, enumerates its one table.
      if (key.startsWith('projection.table.')) continue;
      if (key === 'storage.location.template') {
        const suffix = value.replace('s3://{{ARCHIVE_BUCKET}}/{{ARCHIVE_PREFIX}}', '/archive/');
        expect(input.Parameters[key]['Fn::Join'][1][2], key).toBe(suffix);
        continue;
      }
      expect(input.Parameters[key], key).toBe(value);
    }
  });
});

describe('the schema registry', () => {
  it('registers every JSON Schema of the event catalog', () => {
    const files = readdirSync(new URL('../../catalog/schemas/', import.meta.url)).filter((f) =>
      f.endsWith('.json'),
    );
    expect(files.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.resourceCountIs('AWS::EventSchemas::Schema', files.length);
    const content = readFileSync(new URL('../../catalog/schemas/turn-created.json', import.meta.url), 'utf8');
    template.hasResourceProperties('AWS::EventSchemas::Schema', {
      SchemaName: 'memory-cdc@turn-created',
      Type: 'JSONSchemaDraft4',
      Content: JSON.stringify(JSON.parse(content)),
      RegistryName: { 'Fn::GetAtt': [idOf(cdc.schemaRegistry.registry), 'RegistryName'] },
    });
  });
});

describe('monitoring', () => {
  it.each([
    ['router', 'router', 300_000],
    ['archiver', 'archiver', 900_000],
    ['vectorSync', 'vector-sync', 600_000],
  ] as const)('alarms when the %s falls behind its stream', (name, _, threshold) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: threshold,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(name) } }],
    });
  });

  it.each(['Errors', 'Throttles'])('alarms on %s of every function', (metric) => {
    for (const name of ['router', 'archiver', 'vectorSync'] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(name) } }],
      });
    }
  });

  it('alarms on stream records without their images (RecordsMissingImages of router and archiver)', () => {
    for (const service of ['memory-cdc-router', 'archiver']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RecordsMissingImages',
        Threshold: 0,
        Dimensions: [{ Name: 'service', Value: service }],
      });
    }
  });

  it('alarms on records each handler dead-lettered (its RecordsDeadLettered metric)', () => {
    for (const service of Object.values(METRICS_SERVICE)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RecordsDeadLettered',
        Namespace: 'MemoryCdc',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'service', Value: service }],
      });
    }
  });

  it('names, in the dead-letter alarms, the service each handler publishes its metrics under', () => {
    const sources = {
      router: 'lib/delivery/createRouterHandler.ts',
      archiver: 'lib/archive/createArchiverHandler.ts',
      'vector-sync': 'lib/vector/createVectorSyncHandler.ts',
    } as const;
    for (const [consumer, file] of Object.entries(sources)) {
      const code = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      const service = /new Metrics\(\{[^}]*serviceName: '([^']+)'/.exec(code)?.[1];
      expect(service, file).toBe(METRICS_SERVICE[consumer as keyof typeof sources]);
    }
  });

  it('has 15 alarms and a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 15);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('validation', () => {
  it("passes CloudFormation's schema validation of every resource", () => {
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  it('finds nothing unacknowledged in the cdk-nag AwsSolutions pack', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('has a written reason for every acknowledged cdk-nag finding', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
  });
});

/** The synthesized Glue table's TableInput. */
interface GlueTableInput {
  Name: string;
  Parameters: Record<string, string> & {
    'storage.location.template': { 'Fn::Join': [string, [string, unknown, string]] };
  };
  PartitionKeys: { Name: string; Type: string }[];
  StorageDescriptor: {
    Columns: { Name: string; Type: string }[];
    SerdeInfo: { SerializationLibrary: string };
  };
}

function glueTableInput(): GlueTableInput {
  const tables = resourcesOf(template, 'AWS::Glue::Table');
  expect(tables).toHaveLength(1);
  return tables[0]![1].Properties.TableInput as GlueTableInput;
}

/** Statements of a function's default policy. */
function policyStatementsOf(name: 'router' | 'archiver' | 'vectorSync'): unknown[] {
  const role = cdc[name]!.role!;
  const json = template.toJSON().Resources[logicalIdOf(role.node.findChild('DefaultPolicy'))];
  return json.Properties.PolicyDocument.Statement;
}

/** The S3 permissions of a function in the bucket, as `action /key-pattern` lines. */
function s3ResourcesOf(name: 'router' | 'archiver' | 'vectorSync'): string[] {
  const bucketArn = { 'Fn::GetAtt': [idOf(cdc.bucket), 'Arn'] };
  return (policyStatementsOf(name) as { Action: string | string[]; Resource: unknown }[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
    .flatMap((s) =>
      ([s.Resource].flat() as { 'Fn::Join': [string, [unknown, string]] }[]).map((resource) => {
        if (JSON.stringify(resource) === JSON.stringify(bucketArn))
          return `${[s.Action].flat().join(',')} (bucket)`;
        expect(resource['Fn::Join'][1][0]).toEqual(bucketArn);
        return `${[s.Action].flat().join(',')} ${resource['Fn::Join'][1][1]}`;
      }),
    )
    .sort();
}

/**
 * The function's environment with deploy-time references replaced by valid sample names, as the
 * Lambda service would pass it.
 */
function sampleEnvironment(variables: Record<string, unknown>): Record<string, string> {
  const samples: Record<string, string> = {
    EVENT_BUS_NAME: 'memory-cdc-agent-memory',
    CHANGE_LOG_STREAM_NAME: 'memory-cdc-change-log',
    VECTOR_BUCKET_NAME: 'memory-cdc-vectors',
  };
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : (samples[key] ?? 'memory-cdc-bucket'),
    ]),
  );
}

/** Bundle size, files and text of each function's asset, read from the synthesized assembly. */
function bundleSizes(): Record<string, { bytes: number; files: string[]; source: string }> {
  const resources = template.toJSON().Resources;
  return Object.fromEntries(
    (['router', 'archiver', 'vectorSync'] as const).map((name) => {
      const dir = join(app.outdir, resources[functionId(name)].Metadata['aws:asset:path']);
      const bundle = join(dir, 'index.mjs');
      return [
        name,
        {
          bytes: statSync(bundle).size,
          files: readdirSync(dir).sort(),
          // The start file and every chunk.
          source: [
            readFileSync(bundle, 'utf8'),
            ...readdirSync(join(dir, 'chunks'))
              .filter((file) => file.endsWith('.mjs'))
              .map((file) => readFileSync(join(dir, 'chunks', file), 'utf8')),
          ].join('\n'),
        },
      ];
    }),
  );
}
