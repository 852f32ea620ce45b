/**
 * Shared setup of the infra tests: an App with the context of the repo's cdk.json (so tests run the
 * feature flags `cdk synth` runs), the sample table, and cdk-nag.
 */
import { readFileSync } from 'node:fs';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const TABLE_NAME = 'agent-memory';
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STREAM_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE_NAME}/stream/2026-01-01T00:00:00.000`;
export const ENV = { account: ACCOUNT, region: REGION };

/** The context of the repository's cdk.json. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/**
 * An App configured like `cdk synth`. With `bundle: false`, asset bundling is skipped (esbuild does
 * not run) — for tests about anything but the bundles. CloudFormation's own schema validation
 * (seconds of start-up per process) runs only when `validate` is set.
 */
export function testApp(options: { bundle: boolean; validate?: boolean }): App {
  return new App({
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
}

/** A stack in the sample account and region. */
export function testStack(app: App, id = 'Test'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** Findings of cdk-nag's AwsSolutions pack that are not acknowledged, as `rule at path` lines. */
export function unacknowledgedNagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
}

/** Every acknowledgement (`Validations.of(x).acknowledge`) under a scope: rule id and reason. */
export function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** A resource of a synthesized template. */
export interface ResourceJson {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** Resources of a type, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, ResourceJson][] {
  return Object.entries(template.findResources(type)) as [string, ResourceJson][];
}

/** One statement of an identity policy, with the logical id of the role it is attached to. */
export interface PolicyStatementJson {
  role: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every identity policy in a template. */
export function policyStatements(template: Template): PolicyStatementJson[] {
  return resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) => {
    const props = policy.Properties as {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: Omit<PolicyStatementJson, 'role'>[] };
    };
    return props.Roles.flatMap((role) =>
      props.PolicyDocument.Statement.map((s) => ({ role: role.Ref, ...s })),
    );
  });
}

/**
 * The logical id a construct's CloudFormation resource has in the template (an L2's default child,
 * or an L1 itself), explicit overrides included — `stack.getLogicalId` would skip those.
 */
export function logicalIdOf(construct: IConstruct): string {
  const element = (
    CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild
  ) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}
