/**
 * Templates from a CDK app: read a cloud assembly (`cdk.out`) or a single template, or synthesize an
 * app entry in this process the way the CDK CLI runs one (`CDK_OUTDIR` and `CDK_CONTEXT_JSON`),
 * with asset bundling skipped because only the templates are wanted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../lib/errors.js';
import { importOptional } from '../lib/optionalDependency.js';
import type { CloudFormationTemplate, StackTemplate } from './memoryRules.js';

interface Manifest {
  artifacts?: Record<
    string,
    {
      type?: string;
      displayName?: string;
      properties?: { templateFile?: string; stackName?: string; directoryName?: string };
    }
  >;
}

/**
 * The stack templates of a cloud assembly directory, nested assemblies (stages) included.
 * @throws ConfigError when the directory holds no `manifest.json` or a template cannot be read
 */
export function readCloudAssembly(directory: string): StackTemplate[] {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new ConfigError(
      `${directory} is not a cloud assembly (no manifest.json); run \`npx cdk synth\` first`,
    );
  }
  const manifest = readJson(manifestFile) as Manifest;
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'aws:cloudformation:stack' && props.templateFile) {
      stacks.push({
        stackName: props.stackName ?? artifact.displayName ?? id,
        template: readJson(join(directory, props.templateFile)) as CloudFormationTemplate,
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && props.directoryName) {
      stacks.push(...readCloudAssembly(join(directory, props.directoryName)));
    }
  }
  return stacks;
}

/** Where `--app` points, and what it is. */
export type AppSource =
  | { kind: 'assembly'; path: string }
  | { kind: 'template'; path: string }
  | { kind: 'entry'; path: string };

/**
 * Classifies an `--app` value: a cloud assembly directory, a template (`.json`), or an app entry
 * (`.ts`, `.mts`, `.js`, `.mjs`).
 * @throws ConfigError when the path does not exist or is none of these
 */
export function appSource(path: string, cwd: string): AppSource {
  const full = resolve(cwd, path);
  if (!existsSync(full)) throw new ConfigError(`--app ${path}: no such file or directory`);
  if (statSync(full).isDirectory()) return { kind: 'assembly', path: full };
  if (full.endsWith('manifest.json')) return { kind: 'assembly', path: resolve(full, '..') };
  if (full.endsWith('.json')) return { kind: 'template', path: full };
  if (/\.(m?ts|m?js)$/.test(full)) return { kind: 'entry', path: full };
  throw new ConfigError(
    `--app ${path}: expected a cloud assembly directory (cdk.out), a template (.json) or an app entry (.ts, .js)`,
  );
}

/**
 * The app entry and context of a `cdk.json`: its `app` command must run one file with node or tsx
 * (e.g. `npx tsx infra/app.ts`).
 * @throws ConfigError when there is no cdk.json or its app command names no entry file
 */
export function readCdkJson(cwd: string): { entry: string; context: Record<string, unknown> } {
  const file = join(cwd, 'cdk.json');
  if (!existsSync(file)) {
    throw new ConfigError(
      `no cdk.json in ${cwd}: pass --app (a cdk.out directory, a template or an app entry file)`,
    );
  }
  const config = readJson(file) as { app?: unknown; context?: unknown };
  const command = typeof config.app === 'string' ? config.app : '';
  const entry = command.split(/\s+/).find((token) => /\.(m?ts|m?js)$/.test(token));
  if (!entry) {
    throw new ConfigError(
      `${file}: its "app" command (${JSON.stringify(command)}) names no .ts or .js entry file; pass --app`,
    );
  }
  const context =
    config.context && typeof config.context === 'object' && !Array.isArray(config.context)
      ? (config.context as Record<string, unknown>)
      : {};
  return { entry: resolve(cwd, entry), context };
}

let synthCount = 0;

/**
 * Runs an app entry in this process and returns its templates. The entry must build its App and
 * call `app.synth()` (as `infra/app.ts` does); the App picks the output folder and context up from
 * `CDK_OUTDIR` and `CDK_CONTEXT_JSON`, as under the CDK CLI. Asset bundling is skipped.
 * @throws ConfigError when the entry wrote no cloud assembly; whatever the app throws otherwise
 */
export async function synthesizeEntry(
  entry: string,
  context: Record<string, unknown>,
): Promise<StackTemplate[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'memory-cdc-rules-'));
  const saved = {
    outdir: process.env.CDK_OUTDIR,
    context: process.env.CDK_CONTEXT_JSON,
    validation: process.env.CDK_VALIDATION,
  };
  process.env.CDK_OUTDIR = outdir;
  // CloudFormation schema validation costs seconds and says nothing about rule patterns.
  process.env.CDK_VALIDATION = 'false';
  process.env.CDK_CONTEXT_JSON = JSON.stringify({
    'aws:cdk:enable-path-metadata': true,
    ...context,
    // Only the templates are read: no stack needs its assets bundled.
    'aws:cdk:bundling-stacks': [],
  });
  // An App created under CDK_OUTDIR also synthesizes on `beforeExit`; here that would be long after
  // the folder is gone (and again for an app that threw), so those listeners are removed.
  const exitListeners = new Set(process.listeners('beforeExit'));
  try {
    synthCount += 1;
    if (/\.m?ts$/.test(entry)) await registerTypeScriptLoader();
    // A fresh module instance per run, so an entry synthesizes again with new context.
    await import(`${pathToFileURL(entry).href}?memory-cdc-synth=${synthCount}`);
    if (!existsSync(join(outdir, 'manifest.json'))) {
      throw new ConfigError(
        `${entry} wrote no cloud assembly: end it with app.synth(), or run \`npx cdk synth\` and pass --app cdk.out`,
      );
    }
    return readCloudAssembly(outdir);
  } finally {
    for (const listener of process.listeners('beforeExit')) {
      if (!exitListeners.has(listener)) process.removeListener('beforeExit', listener);
    }
    restore('CDK_OUTDIR', saved.outdir);
    restore('CDK_CONTEXT_JSON', saved.context);
    restore('CDK_VALIDATION', saved.validation);
    rmSync(outdir, { recursive: true, force: true });
  }
}

let typeScriptLoader: Promise<void> | undefined;

/**
 * Lets this process import a TypeScript app entry (`infra/app.ts`): the CLI runs compiled
 * JavaScript, so the loader (tsx, as the CDK CLI would run the app) is registered only when needed.
 * @throws MissingDependencyError when tsx is not installed
 */
function registerTypeScriptLoader(): Promise<void> {
  typeScriptLoader ??= importOptional<{ register(): unknown }>(
    'tsx/esm/api',
    'an app entry written in TypeScript',
  )
    .then((tsx) => {
      tsx.register();
    })
    .catch((error: unknown) => {
      typeScriptLoader = undefined;
      throw error;
    });
  return typeScriptLoader;
}

/** Parses `-c key=value` options into context; values stay strings, as the CDK CLI passes them. */
export function parseContextOptions(options: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--context ${option}: expected key=value`);
    context[option.slice(0, eq)] = option.slice(eq + 1);
  }
  return context;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot read JSON: ${(error as Error).message}`, { cause: error });
  }
}
