import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseS3Uri, S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import { ConfigError } from '../../lib/errors.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const BUCKET = 'archive-store-test';
const KEY = (n: number) => `table=t1x/entity=turn/dt=2026-11-28/hour=10/${n}-${n}-abc.jsonl.gz`;

/** A ListObjectsV2 page in S3's XML, for the keys given. */
function listPage(keys: string[], next?: string): string {
  const contents = keys
    .map(
      (key) =>
        `<Contents><Key>${key}</Key><LastModified>2026-11-28T10:00:00.000Z</LastModified><ETag>"0"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Name>${BUCKET}</Name><Prefix>archive/</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys>` +
    `<IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}` +
    `${contents}</ListBucketResult>`
  );
}

describe('S3ArchiveStore', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: s3.endpoint });
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
  });

  it('splits s3:// URIs and refuses other text', () => {
    expect(parseS3Uri('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(parseS3Uri('s3://bucket/archive')).toEqual({ bucket: 'bucket', prefix: 'archive/' });
    expect(parseS3Uri('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b/' });
    expect(() => parseS3Uri('/local/folder')).toThrow(ConfigError);
  });

  it('writes, lists (archive objects only, relative to its prefix) and reads objects', async () => {
    const store = new S3ArchiveStore({ client: s3.client(), bucket: BUCKET, prefix: 'round-trip' });
    expect(store.location).toBe(`s3://${BUCKET}/round-trip/`);
    await store.putObject(KEY(2), Buffer.from('two'));
    await store.putObject(KEY(1), Buffer.from('one'));
    await store.putObject('table=t1x/notes.txt', Buffer.from('not an archive object'));
    const keys: string[] = [];
    for await (const key of store.listObjects('table=t1x/')) keys.push(key);
    expect(keys).toEqual([KEY(1), KEY(2)]);
    expect(Buffer.from(await store.getObject(KEY(2))).toString()).toBe('two');
  });

  // s3rver cannot make continuation tokens unless Node runs with --openssl-legacy-provider (they are
  // DES-encrypted), so the truncated pages come from the proxy, in S3's wire format, to the real client.
  it('follows continuation tokens through truncated listings', async () => {
    const tokens: (string | null)[] = [];
    const remove = proxy.addRule({
      match: { method: 'GET', path: /list-type=2/ },
      fault: faults.custom(async (request) => {
        const token = new URL(request.path, 'http://proxy').searchParams.get('continuation-token');
        tokens.push(token);
        const body =
          token === null
            ? listPage([`archive/${KEY(1)}`, 'archive/other.txt'], 'page-2')
            : listPage([`archive/${KEY(2)}`]);
        return { status: 200, headers: { 'content-type': 'application/xml' }, body: Buffer.from(body) };
      }),
    });
    try {
      const store = new S3ArchiveStore({ client: s3.client({ endpoint: proxy.url }), bucket: BUCKET });
      const keys: string[] = [];
      for await (const key of store.listObjects()) keys.push(key);
      expect(keys).toEqual([KEY(1), KEY(2)]);
      expect(tokens).toEqual([null, 'page-2']);
    } finally {
      remove();
    }
  });
});
