import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeArchiveObject, encodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { ArchiveFormatError } from '../../lib/archive/errors.js';
import { allTypesTurn, archiveOutputsOf, expiryOf, START } from './expiries.js';

describe('archive object codec', () => {
  const entry = archiveOutputsOf([expiryOf(allTypesTurn('u-1', 'c-1', 1, START), 1, START)])[0]!.payload;

  it('writes gzip JSON Lines that decode to the same entries', async () => {
    const body = await encodeArchiveObject([entry, entry]);
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await decodeArchiveObject(body, 'test')).toEqual([entry, entry]);
  });

  it('stores binary given as bytes (Streams API records) as base64 text', async () => {
    const withBytes = {
      ...entry,
      item: { ...entry.item, embedding: { B: new Uint8Array([0, 1, 2, 254, 255, 1]) } },
      keys: { ...entry.keys, pkb: { BS: [new Uint8Array([255])] } },
    };
    const [decoded] = await decodeArchiveObject(await encodeArchiveObject([withBytes]), 'test');
    expect(decoded!.item.embedding).toEqual({ B: 'AAEC/v8B' });
    expect(decoded!.keys.pkb).toEqual({ BS: ['/w=='] });
  });

  it('rejects bodies that are not gzip, lines that are not JSON and lines that are not entries', async () => {
    await expect(decodeArchiveObject(Buffer.from('plain'), 'obj')).rejects.toThrow(ArchiveFormatError);
    await expect(decodeArchiveObject(gzipSync('{"table":'), 'obj')).rejects.toThrow(
      /obj: line 1 is not JSON/,
    );
    await expect(
      decodeArchiveObject(gzipSync(`${JSON.stringify({ ...entry, item: undefined })}\n`), 'obj'),
    ).rejects.toThrow(/line 1 is not an archive entry/);
  });
});
