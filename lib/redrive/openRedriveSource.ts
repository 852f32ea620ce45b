/**
 * Where failed records wait for a redrive: a local folder (`.memory-cdc`, as `dev` and tests write
 * it) or an `s3://bucket/prefix` (the stack's bucket). Both hold dead letters under
 * `dead-letter/<function>/…` and Lambda's on-failure invocation records under `aws/lambda/…`;
 * the redrive marks what it sent with a `<key>.redriven` object beside it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { normalizePrefix, parseS3Uri } from '../archive/S3ArchiveStore.js';
import { ConfigError } from '../errors.js';

/** A folder or bucket prefix of failed records. Keys are relative to its root. */
export interface RedriveSource {
  /** `s3://bucket/prefix/` or an absolute folder path. */
  readonly location: string;
  /** Every key under `prefix`, in lexical order. */
  list(prefix: string): AsyncIterable<string>;
  get(key: string): Promise<Uint8Array>;
  put(key: string, body: string): Promise<void>;
}

/** A local folder. A folder that does not exist lists nothing. */
export class LocalRedriveSource implements RedriveSource {
  readonly location: string;
  constructor(folder: string) {
    this.location = folder;
  }

  async *list(prefix: string): AsyncIterable<string> {
    const walk = async function* (folder: string): AsyncIterable<string> {
      let entries: { name: string; isDirectory(): boolean }[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) yield* walk(path);
        else yield path;
      }
    };
    for await (const path of walk(join(this.location, prefix))) {
      yield relative(this.location, path).split(sep).join('/');
    }
  }

  get(key: string): Promise<Uint8Array> {
    return readFile(join(this.location, key));
  }

  async put(key: string, body: string): Promise<void> {
    const path = join(this.location, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }
}

/** A bucket and prefix. */
export class S3RedriveSource implements RedriveSource {
  readonly location: string;
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(this.prefix.length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async get(key: string): Promise<Uint8Array> {
    const answer = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
    );
    if (!answer.Body) throw new Error(`${this.location}${key}: empty response body`);
    return answer.Body.transformToByteArray();
  }

  async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: 'application/json',
      }),
    );
  }
}

/**
 * The source a user names: `s3://bucket/prefix` or a folder.
 * @throws ConfigError when the folder does not exist
 *
 * @example
 * const source = openRedriveSource('s3://memory-cdc-bucket/', { cwd, s3Client: () => new S3Client({}) });
 */
export function openRedriveSource(
  text: string,
  options: { cwd: string; s3Client: () => S3Client },
): RedriveSource {
  if (text.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(text);
    return new S3RedriveSource(options.s3Client(), bucket, normalizePrefix(prefix));
  }
  const folder = resolve(options.cwd, text);
  // A mistyped folder would otherwise read as "nothing to redrive" and exit 0.
  if (!existsSync(folder)) {
    throw new ConfigError(`no such folder: ${text} (relative paths are from ${options.cwd})`);
  }
  return new LocalRedriveSource(folder);
}
