import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArchiveKey } from '../../lib/archive/archiveKey.js';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { LocalArchiveStore } from '../../lib/archive/LocalArchiveStore.js';
import { BUNDLED_EVENTS_DIR, findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { replay } from '../../lib/replay/replay.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

describe('LocalArchiveSink', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'local-archive-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it("writes replay's TTL expiries of the bundled fixtures to .memory-cdc/archive/ in the S3 layout", async () => {
    const sink = new LocalArchiveSink({ cwd });
    const summary = await replay({
      files: await findFixtureFiles([BUNDLED_EVENTS_DIR], cwd),
      sinks: { archive: sink },
    });
    expect(summary.undelivered).toBe(0);
    expect(summary.bySink.archive).toBeGreaterThan(0);
    expect(sink.folder).toBe(join(cwd, '.memory-cdc', 'archive'));
    const store = new LocalArchiveStore(sink.folder);
    const keys: string[] = [];
    for await (const key of store.listObjects()) keys.push(key);
    expect(keys.sort()).toEqual(sink.written.map((o) => o.key).sort());
    let entries = 0;
    for (const key of keys) {
      const partition = parseArchiveKey(key)!;
      expect(partition).toBeDefined();
      for (const entry of await decodeArchiveObject(await store.getObject(key), key)) {
        entries++;
        expect([entry.table, entry.entity, entry.partition.dt, entry.partition.hour]).toEqual([
          partition.table,
          partition.entity,
          partition.dt,
          partition.hour,
        ]);
      }
    }
    expect(entries).toBe(summary.bySink.archive);
    // Mastra and agent-memory tables both expire items in the fixtures.
    expect(new Set(keys.map((k) => parseArchiveKey(k)!.table)).size).toBeGreaterThan(1);
  });

  it("in 'close' mode writes one object per item of everything delivered, record by record, at close", async () => {
    const outputs = archiveOutputsOf(expiryBatch({ hours: 1 }).expiries);
    const sink = new LocalArchiveSink({ cwd, folder: 'out', flush: 'close' });
    for (const output of outputs) await sink.deliver([output]);
    expect(await readdir(cwd)).toEqual([]);
    await sink.close();
    expect(sink.written).toHaveLength(outputs.length);
    expect(sink.written.every((o) => o.items === 1)).toBe(true);
  });

  it('writes whole objects, no temporary file left, and makes a folder again if it went away', async () => {
    const store = new LocalArchiveStore(join(cwd, 'archive'));
    await store.putObject('a/b/one.jsonl.gz', Buffer.from('1'));
    await rm(join(cwd, 'archive', 'a'), { recursive: true });
    await store.putObject('a/b/two.jsonl.gz', Buffer.from('2'));
    await store.putObject('a/b/two.jsonl.gz', Buffer.from('3'));
    expect(await readdir(join(cwd, 'archive', 'a', 'b'))).toEqual(['two.jsonl.gz']);
    expect((await store.getObject('a/b/two.jsonl.gz')).toString()).toBe('3');
  });

  it('refuses keys that would leave its folder', async () => {
    await expect(
      new LocalArchiveStore(cwd).putObject('../escape.jsonl.gz', Buffer.from('x')),
    ).rejects.toThrow(/outside/);
  });
});
