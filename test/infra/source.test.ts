/**
 * The `source` option: the table's DynamoDB stream (one or two readers), an existing Kinesis data
 * stream the table streams to (`{ kinesisStreamArn }`), or one the stack creates (`'kinesis'`, with
 * the table's Kinesis streaming destination enabled by a custom resource). Each synthesized with
 * cdk-nag clean; mappings on the right stream; Kinesis read actions on exactly the source stream.
 */

import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import type { MemoryCdcProps } from '../../infra/MemoryCdcProps.js';
import {
  ACCOUNT,
  logicalIdOf,
  type PolicyStatementJson,
  policyStatements,
  REGION,
  resourcesOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

const SOURCE_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/agent-memory-changes`;

function synth(
  props: Partial<MemoryCdcProps> = {},
  naming: Partial<MemoryCdcProps> = { tableStreamArn: STREAM_ARN },
) {
  const stack = testStack(testApp({ bundle: false }));
  const cdc = new MemoryCdc(stack, 'MemoryCdc', { tableName: TABLE_NAME, ...naming, ...props });
  const template = Template.fromStack(stack);
  const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
  const mappingsOf = (fn: IConstruct | undefined) =>
    fn
      ? mappings.filter(
          ([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: logicalIdOf(fn) }),
        )
      : [];
  /** Statements of a role's policy that name a kinesis: action. */
  const kinesisStatements = (role: IConstruct) =>
    policyStatements(template).filter(
      (st) =>
        st.role === logicalIdOf(role) && [st.Action].flat().some((a) => String(a).startsWith('kinesis:')),
    );
  return { stack, cdc, template, mappings, mappingsOf, kinesisStatements };
}

const sourceStreamId = (cdc: MemoryCdc) => logicalIdOf(cdc.kinesisSource!.stream);

describe("source: 'dynamodb-stream' (the default)", () => {
  it('reads the table stream as before: no Kinesis source, mappings on the DynamoDB stream only', () => {
    for (const props of [{}, { readers: 'two' as const }, { source: 'dynamodb-stream' as const }]) {
      const { cdc, mappingsOf } = synth(props);
      expect(cdc.kinesisSource).toBeUndefined();
      expect(mappingsOf(cdc.router).map(([, m]) => m.Properties.EventSourceArn)).toEqual([STREAM_ARN]);
      expect(mappingsOf(cdc.archiver).map(([, m]) => m.Properties.EventSourceArn)).toEqual(
        cdc.archiver ? [STREAM_ARN] : [],
      );
    }
  });
});

describe('source: { kinesisStreamArn } (an existing stream the table streams to)', () => {
  const given = synth({ source: { kinesisStreamArn: SOURCE_ARN } }, {});

  it('attaches the router and the archiver to that stream, the archiver filtered to TTL deletions in the data', () => {
    const { cdc, mappingsOf } = given;
    expect(cdc.archiver).toBeDefined();
    const router = mappingsOf(cdc.router);
    const archiver = mappingsOf(cdc.archiver);
    expect(router.map(([, m]) => m.Properties.EventSourceArn)).toEqual([SOURCE_ARN]);
    expect(archiver.map(([, m]) => m.Properties.EventSourceArn)).toEqual([SOURCE_ARN]);
    for (const [, m] of [...router, ...archiver]) {
      expect(m.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(cdc.bucket), 'Arn'] } } },
      });
    }
    const filter = JSON.parse(
      (archiver[0]![1].Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern,
    );
    expect(filter).toEqual({
      data: {
        eventName: ['REMOVE'],
        userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      },
    });
    expect(router[0]![1].Properties.FilterCriteria).toBeUndefined();
  });

  it('grants Kinesis reads on exactly the source stream, and nothing on the table stream', () => {
    const { cdc, kinesisStatements, template } = given;
    for (const fn of [cdc.router, cdc.archiver!]) {
      const reads = kinesisStatements(fn.role!).filter((st) =>
        [st.Action].flat().includes('kinesis:GetRecords'),
      );
      expect(reads).toHaveLength(1);
      expect(reads[0]!.Resource).toBe(SOURCE_ARN);
      const resources = kinesisStatements(fn.role!).flatMap((st) => [st.Resource].flat());
      // The router also writes the change log; nothing else Kinesis.
      expect(
        resources.filter(
          (r) =>
            r !== SOURCE_ARN &&
            JSON.stringify(r) !== JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(cdc.changeLog), 'Arn'] }),
        ),
      ).toEqual([]);
    }
    const all = JSON.stringify(template.toJSON());
    expect(all).not.toContain('dynamodb:GetRecords');
  });

  it('checks at deploy time that the stream is an ACTIVE destination of the table and not the change log', () => {
    const { cdc, template } = given;
    const check = resourcesOf(template, 'Custom::MemoryCdcTableCheck')[0]![1];
    expect(check.Properties).toMatchObject({
      TableName: TABLE_NAME,
      StreamArn: '',
      KinesisStreamArn: SOURCE_ARN,
      KinesisEnabledByStack: 'false',
      ChangeLogStreamArn: { 'Fn::GetAtt': [logicalIdOf(cdc.changeLog), 'Arn'] },
    });
  });

  it('gives the consumers kms:Decrypt on a customer-managed key of the stream', () => {
    const stack = testStack(testApp({ bundle: false }));
    const key = kms.Key.fromKeyArn(
      stack,
      'SourceKey',
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    );
    const cdc = new MemoryCdc(stack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      source: { kinesisStreamArn: SOURCE_ARN, encryptionKey: key },
    });
    const decrypt = policyStatements(Template.fromStack(stack)).filter(
      (st: PolicyStatementJson) =>
        [st.Action].flat().includes('kms:Decrypt') && st.role === logicalIdOf(cdc.router.role!),
    );
    expect(decrypt.map((st) => st.Resource)).toEqual([key.keyArn]);
  });

  it('finds nothing unacknowledged in the cdk-nag AwsSolutions pack', () => {
    expect(unacknowledgedNagFindings(given.stack)).toEqual([]);
  });
});

describe("source: 'kinesis' (the stack creates the stream and enables the destination)", () => {
  const created = synth({ source: 'kinesis' }, {});

  it('creates an on-demand stream encrypted with the AWS-managed key, and reads it', () => {
    const { cdc, template, mappingsOf } = created;
    const id = sourceStreamId(cdc);
    expect(template.toJSON().Resources[id].Properties).toMatchObject({
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
    for (const fn of [cdc.router, cdc.archiver]) {
      expect(mappingsOf(fn).map(([, m]) => m.Properties.EventSourceArn)).toEqual([
        { 'Fn::GetAtt': [id, 'Arn'] },
      ]);
    }
  });

  it("enables the table's Kinesis streaming destination in microseconds on create and disables it on delete", () => {
    const { cdc, template } = created;
    const destinations = resourcesOf(template, 'Custom::MemoryCdcKinesisStreamingDestination');
    expect(destinations).toHaveLength(1);
    const destination = destinations[0]![1];
    const create = JSON.stringify(destination.Properties.Create);
    expect(create).toContain('enableKinesisStreamingDestination');
    expect(create).toContain('\\"ApproximateCreationDateTimePrecision\\":\\"MICROSECOND\\"');
    expect(create).toContain(`\\"TableName\\":\\"${TABLE_NAME}\\"`);
    expect(create).toContain(sourceStreamId(cdc));
    const remove = JSON.stringify(destination.Properties.Delete);
    expect(remove).toContain('disableKinesisStreamingDestination');
    expect(remove).toContain('ResourceNotFoundException');
  });

  it('lets the destination resource call exactly those APIs on the table and the stream', () => {
    const { cdc, template } = created;
    const role = cdc.kinesisSource!.node.findChild('DestinationRole');
    const statements = policyStatements(template).filter((st) => st.role === logicalIdOf(role));
    const byAction = Object.fromEntries(
      statements.map((st) => [[st.Action].flat().sort().join(','), st.Resource]),
    );
    expect(
      byAction['dynamodb:DisableKinesisStreamingDestination,dynamodb:EnableKinesisStreamingDestination'],
    ).toEqual(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE_NAME}`);
    expect(byAction['kinesis:DescribeStream,kinesis:PutRecords']).toEqual({
      'Fn::GetAtt': [sourceStreamId(cdc), 'Arn'],
    });
    expect(byAction['kinesis:ListStreams']).toBe('*');
    expect(
      Object.keys(byAction).filter(
        (a) => a.includes('dynamodb:') && !a.includes('KinesisStreamingDestination'),
      ),
    ).toEqual([]);
  });

  it('checks the destination after enabling it (ENABLING accepted)', () => {
    const { cdc, template } = created;
    const [checkId, check] = resourcesOf(template, 'Custom::MemoryCdcTableCheck')[0]!;
    expect(check.Properties).toMatchObject({ KinesisEnabledByStack: 'true' });
    const [destinationId] = resourcesOf(template, 'Custom::MemoryCdcKinesisStreamingDestination')[0]!;
    expect((template.toJSON().Resources[checkId] as { DependsOn?: string[] }).DependsOn).toContain(
      destinationId,
    );
    expect(cdc.tableCheck).toBeDefined();
  });

  it('finds nothing unacknowledged in the cdk-nag AwsSolutions pack', () => {
    expect(unacknowledgedNagFindings(created.stack)).toEqual([]);
  });
});

describe('source validation', () => {
  it('refuses readers with a Kinesis source, naming the value', () => {
    expect(() => synth({ source: 'kinesis', readers: 'one' }, {})).toThrow(
      /readers applies only to source 'dynamodb-stream'.*\(given one\)/,
    );
    expect(() => synth({ source: { kinesisStreamArn: SOURCE_ARN }, readers: 'two' }, {})).toThrow(
      /readers applies only to source 'dynamodb-stream'.*kinesisStreamArn: arn:aws:kinesis.*\(given two\)/,
    );
  });

  it('refuses an unknown source and a malformed stream ARN', () => {
    expect(() => synth({ source: 'dynamo' as never })).toThrow(
      /source must be 'dynamodb-stream', 'kinesis' or \{ kinesisStreamArn \} \(given dynamo\)/,
    );
    expect(() => synth({ source: { kinesisStreamArn: STREAM_ARN } }, {})).toThrow(
      /source.kinesisStreamArn must look like arn:aws:kinesis:<region>:<account>:stream\/<name>/,
    );
  });

  it('still needs the DynamoDB stream ARN when the table stream is the source', () => {
    expect(() => synth({}, {})).toThrow(/tableStreamArn must be given too/);
  });
});
