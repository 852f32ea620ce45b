/**
 * The table-stream reader layouts: `readers: 'one'` (the default: the router writes the TTL archive
 * too and the stream's second slot stays free) and `readers: 'two'` (router and archiver), both
 * synthesized with cdk-nag clean.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import type { MemoryCdcProps } from '../../infra/MemoryCdcProps.js';
import {
  logicalIdOf,
  resourcesOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

function synth(props: Partial<MemoryCdcProps> = {}) {
  const stack = testStack(testApp({ bundle: false }));
  const cdc = new MemoryCdc(stack, 'MemoryCdc', {
    tableName: TABLE_NAME,
    tableStreamArn: STREAM_ARN,
    ...props,
  });
  const template = Template.fromStack(stack);
  const readers = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
    ([, r]) => r.Properties.EventSourceArn === STREAM_ARN,
  );
  /** The router's permissions in the bucket, as `action key-pattern` lines. */
  const routerS3 = () => {
    const policy = template.toJSON().Resources[logicalIdOf(cdc.router.role!.node.findChild('DefaultPolicy'))];
    const bucketArn = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(cdc.bucket), 'Arn'] });
    return (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
      .flatMap((s) =>
        ([s.Resource].flat() as { 'Fn::Join': [string, [unknown, string]] }[]).map((resource) => {
          if (JSON.stringify(resource) === bucketArn) return `${[s.Action].flat().join(',')} (bucket)`;
          expect(JSON.stringify(resource['Fn::Join'][1][0])).toBe(bucketArn);
          return `${[s.Action].flat().join(',')} ${resource['Fn::Join'][1][1]}`;
        }),
      )
      .sort();
  };
  const routerEnvironment = () =>
    template.toJSON().Resources[logicalIdOf(cdc.router)].Properties.Environment.Variables as Record<
      string,
      unknown
    >;
  return { stack, cdc, template, readers, routerS3, routerEnvironment };
}

describe("readers: 'one' (the default)", () => {
  const one = synth();
  const two = synth({ readers: 'two' });

  it('attaches only the router to the DynamoDB stream, unfiltered, and creates no archiver', () => {
    expect(one.readers.map(([, r]) => r.Properties.FunctionName)).toEqual([
      { Ref: logicalIdOf(one.cdc.router) },
    ]);
    expect(one.readers[0]![1].Properties.FilterCriteria).toBeUndefined();
    expect(one.cdc.archiver).toBeUndefined();
    expect(resourcesOf(one.template, 'AWS::Lambda::Function').map(([id]) => id)).not.toContainEqual(
      expect.stringMatching(/Archiver/),
    );
  });

  it('tells the router where the archive goes', () => {
    expect(one.routerEnvironment()).toMatchObject({
      ARCHIVE_BUCKET: { Ref: logicalIdOf(one.cdc.bucket) },
      ARCHIVE_PREFIX: 'archive/',
    });
    expect(two.routerEnvironment()).not.toHaveProperty('ARCHIVE_BUCKET');
  });

  it("grows the router's permissions by archive PutObject only", () => {
    const added = one.routerS3().filter((line) => !two.routerS3().includes(line));
    expect(added).toEqual(['s3:PutObject /archive/*']);
    expect(two.routerS3().filter((line) => !one.routerS3().includes(line))).toEqual([]);
    // Everything else the router may call is the same in both layouts.
    const policyOf = (layout: typeof one) =>
      layout.template.toJSON().Resources[logicalIdOf(layout.cdc.router.role!.node.findChild('DefaultPolicy'))]
        .Properties.PolicyDocument.Statement as { Action: unknown }[];
    const nonS3 = (layout: typeof one) =>
      policyOf(layout).filter((st) => ![st.Action].flat().some((a) => String(a).startsWith('s3:')));
    expect(nonS3(one)).toEqual(nonS3(two));
  });

  it('finds nothing unacknowledged in the cdk-nag AwsSolutions pack', () => {
    expect(unacknowledgedNagFindings(one.stack)).toEqual([]);
  });

  it("refuses archiver options, which apply only with readers: 'two'", () => {
    expect(() => synth({ archiver: { batchSize: 10 } })).toThrow(/archiver applies only with readers: 'two'/);
    expect(() => synth({ readers: 'three' as never })).toThrow(
      /readers must be 'one' or 'two' \(given three\)/,
    );
  });
});

describe("readers: 'two'", () => {
  const two = synth({ readers: 'two' });

  it('attaches the router and the archiver, the archiver filtered to TTL deletions', () => {
    expect(two.readers.map(([, r]) => r.Properties.FunctionName)).toEqual([
      { Ref: logicalIdOf(two.cdc.router) },
      { Ref: logicalIdOf(two.cdc.archiver!) },
    ]);
    expect(JSON.stringify(two.readers[1]![1].Properties.FilterCriteria)).toContain('dynamodb.amazonaws.com');
  });

  it('finds nothing unacknowledged in the cdk-nag AwsSolutions pack', () => {
    expect(unacknowledgedNagFindings(two.stack)).toEqual([]);
  });
});
