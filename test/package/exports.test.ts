/**
 * What each entry of the package loads: the import graph esbuild follows from the entry's source
 * (type-only imports erased, as in the compiled JavaScript).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
};

/** The source file of a compiled entry (`./dist/lib/x.js` → `lib/x.ts`). */
const sourceOf = (compiled: string) => compiled.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');

/** The packages an entry loads at run time, by name. */
async function packagesLoadedBy(source: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [source],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    external: ['@lancedb/lancedb', 'apache-arrow'],
  });
  const names = Object.keys(result.metafile.inputs)
    .map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(names)].sort();
}

const entries = Object.entries(manifest.exports).filter(
  (entry): entry is [string, { types: string; import: string }] => typeof entry[1] === 'object',
);

describe('the package entries', () => {
  it.each(entries)('%s points at the compiled form of a source file, with its declarations', (_, target) => {
    const source = sourceOf(target.import);
    expect(existsSync(`${ROOT}/${source}`), source).toBe(true);
    expect(target.types).toBe(target.import.replace(/\.js$/, '.d.ts'));
  });

  it.each(['.', './patterns', './catalog', './change-log'])(
    '%s loads no AWS SDK client',
    async (name) => {
      const target = manifest.exports[name] as { import: string };
      const loaded = await packagesLoadedBy(sourceOf(target.import));
      expect(loaded.filter((p) => p.startsWith('@aws-sdk/client-'))).toEqual([]);
    },
    60_000,
  );

  it('memory-cdc/aws holds the adapters that call AWS and the handler factories', async () => {
    const aws = await import('../../lib/aws.js');
    expect(Object.keys(aws)).toEqual(
      expect.arrayContaining(['createRouterHandler', 'createVectorSyncHandler', 'createArchiverHandler']),
    );
    const loaded = await packagesLoadedBy('lib/aws.ts');
    expect(loaded).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-eventbridge',
        '@aws-sdk/client-kinesis',
        '@aws-sdk/client-s3',
      ]),
    );
  }, 60_000);
});
