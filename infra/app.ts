/**
 * The CDK app: `npx cdk synth|deploy -c tableName=<table> -c streamArn=<stream ARN>` (cdk.json runs
 * it with tsx). Optional context: stackName, eventBusName (an existing bus), readers (one, the
 * default: the router archives too; two: router and archiver on the table stream), source (kinesis: the
 * stack creates a Kinesis data stream and streams the table to it; or the ARN of a Kinesis stream the
 * table already streams to, then streamArn may be left out), layout (a preset name —
 * agent-memory, mastra, session-state, session-turns — or a layout JSON file), embeddingDimensions,
 * bedrockModelId, alarmTopicArn, subscriptions (a subscriptions file: one rule per entry, see
 * lib/subscriptions/subscriptionsFile.ts). Beside several tables: `-c 'tables=[{"tableName":…,
 * "streamArn":…,"layout":…,"ttlAttribute":…}, …]'` instead of tableName, streamArn and layout.
 *
 * The stack deploys to the account and region of the stream ARN — where the table is — so synth
 * needs no credentials and no lookups.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lib/errors.js';
import { readAppContext } from './appContext.js';
import { MemoryCdcStack } from './MemoryCdcStack.js';

const app = new App();
// cdk-nag's AwsSolutions pack at every synth: a finding without a written acknowledgement fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try {
  const context = readAppContext((key) => app.node.tryGetContext(key));
  const stack = new MemoryCdcStack(app, context.stackName, {
    env: { account: context.account, region: context.region },
    description: context.tables
      ? `memory-cdc beside DynamoDB tables ${context.tables.map((t) => t.tableName).join(', ')}`
      : `memory-cdc beside DynamoDB table ${context.tableName}`,
    ...(context.tables
      ? {
          tables: context.tables.map((t) => ({
            tableName: t.tableName,
            tableStreamArn: t.streamArn,
            ...(t.layout ? { layout: t.layout } : {}),
            ...(t.ttlAttribute ? { ttlAttribute: t.ttlAttribute } : {}),
          })),
        }
      : {
          tableName: context.tableName,
          ...(context.streamArn ? { tableStreamArn: context.streamArn } : {}),
        }),
    ...(context.source ? { source: context.source } : {}),
    ...(context.eventBusName ? { existingEventBusName: context.eventBusName } : {}),
    ...(context.readers ? { readers: context.readers } : {}),
    ...(context.layout ? { layout: context.layout } : {}),
    ...(context.embeddingDimensions ? { embeddingDimensions: context.embeddingDimensions } : {}),
    ...(context.bedrockModelId ? { bedrockModelId: context.bedrockModelId } : {}),
  });
  for (const subscription of context.subscriptions ?? []) stack.cdc.subscribe(subscription);
  if (context.alarmTopicArn) {
    const topic = sns.Topic.fromTopicArn(stack, 'AlarmTopic', context.alarmTopicArn);
    for (const set of stack.cdc.monitoring.alarms.values()) {
      for (const alarm of Object.values(set)) alarm.addAlarmAction(new actions.SnsAction(topic));
    }
  }
  app.synth();
} catch (error) {
  // Run by the CDK CLI: a clear message and exit code 1. Imported (memory-cdc rules): rethrow.
  const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
  if (!(isMain && error instanceof ConfigError)) throw error;
  process.stderr.write(`memory-cdc: ${error.message}\n`);
  process.exit(1);
}
