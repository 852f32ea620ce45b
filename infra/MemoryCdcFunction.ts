/**
 * One memory-cdc Lambda: a NodejsFunction bundled by the local esbuild (no Docker), arm64, its own
 * log group with a retention, and its own role with no AWS-managed policy — every permission it
 * has is granted by the construct that wires it (`grant*`), so least privilege follows the wiring.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The package root: `functions/`, `package-lock.json` and `tsconfig.json` live here. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Modules never bundled into a Lambda: the local-only vector backend (LanceDB with its native
 * binary and Arrow) is for replay and tests; a handler that reached it in Lambda would be a bug.
 */
export const LOCAL_ONLY_MODULES = ['@lancedb/lancedb', 'apache-arrow'];

/** Properties of a {@link MemoryCdcFunction}. */
export interface MemoryCdcFunctionProps {
  /** Handler file under `functions/` without extension, e.g. `router`. */
  readonly handlerName: string;
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
   * Prebuilt code instead of bundling `functions/<handlerName>.ts`; the handler is `index.handler`.
   * @default bundled from source by the local esbuild
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
    if (props.code) {
      this.function = new nodejs.NodejsFunction(this, 'Function', {
        ...common,
        code: props.code,
        handler: 'index.handler',
      });
    } else {
      const lockFile = join(PACKAGE_ROOT, 'package-lock.json');
      this.function = new nodejs.NodejsFunction(this, 'Function', {
        ...common,
        // Stack traces through the bundle's source map name the TypeScript file and line.
        environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
        entry: join(PACKAGE_ROOT, 'functions', `${props.handlerName}.ts`),
        handler: 'handler',
        projectRoot: PACKAGE_ROOT,
        ...(existsSync(lockFile) ? { depsLockFilePath: lockFile } : {}),
        bundling: bundlingOptions(props.runtime),
      });
    }
  }
}

/**
 * esbuild settings: one minified ESM file per handler. The AWS SDK v3 clients are **bundled**
 * (not left to the runtime's copy): the versions the tests ran against are the versions deployed,
 * clients newer than the runtime's SDK (S3 Vectors) are always present, and esbuild keeps only the
 * commands a handler imports. The cost is a larger zip, measured in the report of the stack's test.
 */
export function bundlingOptions(runtime: lambda.Runtime): nodejs.BundlingOptions {
  const nodeMajor = /nodejs(\d+)/.exec(runtime.name)?.[1] ?? '22';
  return {
    format: nodejs.OutputFormat.ESM,
    target: `node${nodeMajor}`,
    minify: true,
    // A linked map (no sources inside), read at start-up because the function sets
    // NODE_OPTIONS=--enable-source-maps.
    sourceMap: true,
    sourcesContent: false,
    bundleAwsSDK: true,
    externalModules: LOCAL_ONLY_MODULES,
    mainFields: ['module', 'main'],
    tsconfig: join(PACKAGE_ROOT, 'tsconfig.json'),
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    forceDockerBundling: false,
    logLevel: nodejs.LogLevel.WARNING,
  };
}
