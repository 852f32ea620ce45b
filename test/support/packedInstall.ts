/**
 * memory-cdc as a user gets it: `npm pack` of this repository, installed into an empty project in a
 * temporary folder (no repository around it) with the machine's own Node.js and npm — never the
 * Node 22 that the `node` devDependency puts first on the PATH of `npm test`. Shared by the tarball
 * test and `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The PATH without any node_modules folder: what a user's shell has. */
export function systemPath(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.split(/[\\/]/).includes('node_modules'))
    .join(delimiter);
}

/** The first `name` executable on {@link systemPath}. */
export function systemExecutable(name: string): string {
  for (const dir of systemPath().split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new Error(`no ${name} on the PATH outside node_modules (${systemPath()})`);
}

/**
 * The environment of a user's shell: the system PATH (the project's `.bin` first when given) and
 * none of the `npm_*` variables `npm test` sets, which would steer the inner npm.
 */
export function userEnvironment(binDir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST')) env[key] = value;
  }
  env.PATH = binDir ? `${binDir}${delimiter}${systemPath()}` : systemPath();
  env.CDK_DISABLE_VERSION_CHECK = '1';
  return env;
}

/** A version this repository's lock installed (so the user's install hits the npm cache). */
export function installedVersion(packageName: string): string {
  const manifest = join(REPO_ROOT, 'node_modules', packageName, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** An empty project with memory-cdc installed from its tarball. */
export interface PackedInstall {
  /** The project folder. */
  readonly dir: string;
  /** The tarball's file name and its size in bytes, as `npm pack` reported them. */
  readonly tarball: { file: string; size: number; unpackedSize: number; files: string[] };
  /** The machine's own node. */
  readonly node: string;
  /** Runs a command of the project (`memory-cdc`, `node app.mjs`) with the user's environment. */
  run(
    file: string,
    args: readonly string[],
    options?: { timeoutMs?: number; env?: Record<string, string> },
  ): Promise<{ stdout: string; stderr: string }>;
  /** Removes the project folder and the tarball. */
  remove(): void;
}

/**
 * Packs the repository (what `npm run build` last wrote to dist/: `npm test` builds first, so the
 * pack skips the prepare script) and installs the tarball — plus `extra` packages at the versions
 * this repository uses — into a new empty project, from the local npm cache where it can.
 */
export async function packAndInstall(extra: readonly string[] = []): Promise<PackedInstall> {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-user-'));
  const npm = systemExecutable('npm');
  const node = systemExecutable('node');
  const env = userEnvironment();
  try {
    const { stdout } = await execFileAsync(
      npm,
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      { cwd: REPO_ROOT, env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const [packed] = JSON.parse(stdout) as {
      filename: string;
      size: number;
      unpackedSize: number;
      files: { path: string }[];
    }[];
    if (!packed) throw new Error('npm pack reported no tarball');
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'memory-cdc-user', private: true, type: 'module' }, null, 2)}\n`,
    );
    await execFileAsync(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        join(dir, packed.filename),
        ...extra.map((name) => `${name}@${installedVersion(name)}`),
      ],
      { cwd: project, env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const userEnv = userEnvironment(join(project, 'node_modules', '.bin'));
    return {
      dir: project,
      tarball: {
        file: join(dir, packed.filename),
        size: packed.size,
        unpackedSize: packed.unpackedSize,
        files: packed.files.map((f) => f.path),
      },
      node,
      run: (file, args, options = {}) =>
        execFileAsync(file, [...args], {
          cwd: project,
          env: { ...userEnv, ...options.env },
          timeout: options.timeoutMs ?? 240_000,
          maxBuffer: 64 * 1024 * 1024,
        }),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
