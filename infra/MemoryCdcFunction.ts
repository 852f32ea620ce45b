/**
 * One memory-cdc Lambda: the prebuilt bundle shipped in the package (`dist/lambda/<handler>`, built
 * by `npm run build` before packing — a consumer's synth never bundles, needs no esbuild and works
 * offline), arm64, its own log group with a retention, and its own role with no AWS-managed policy —
 * every permission it has is granted by the construct that wires it (`grant*`), so least privilege
 * follows the wiring.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type LambdaHandlerName, lambdaBundleDirectory } from './lambdaBundles.js';

/** Properties of a {@link MemoryCdcFunction}. */
export interface MemoryCdcFunctionProps {
  /** Handler file under `functions/` without extension, e.g. `router`. */
  readonly handlerName: LambdaHandlerName;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Lambda runtime (Node.js family). */
  readonly runtime: lambda.Runtime;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Invocation timeout. */
  readonly timeout: Duration;
  /** Environment variables (the configuration contract of the handler). */
  readonly environment: Record<string, string>;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Other code than the bundle shipped in the package; the handler is `index.handler`.
   * @default the package's prebuilt bundle of `functions/<handlerName>.ts` (`dist/lambda/<handlerName>`)
   */
  readonly code?: lambda.Code;
}

/** A memory-cdc Lambda function with its log group and role. */
export class MemoryCdcFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** The function's execution role (no managed policies; grants add what it needs). */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MemoryCdcFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the memory-cdc ${props.handlerName} function`,
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: props.runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
    };
    this.function = new lambda.Function(this, 'Function', {
      ...common,
      code: props.code ?? lambda.Code.fromAsset(lambdaBundleDirectory(props.handlerName)),
      handler: 'index.handler',
      // No NODE_OPTIONS=--enable-source-maps: see LAMBDA_SOURCE_MAPS in lambdaBundles.ts.
    });
  }
}
