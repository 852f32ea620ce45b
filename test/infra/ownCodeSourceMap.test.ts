import { decode, encode } from '@jridgewell/sourcemap-codec';
import { describe, expect, it } from 'vitest';
import { isOwnSource, ownCodeSourceMap } from '../../scripts/ownCodeSourceMap.js';

describe('ownCodeSourceMap', () => {
  const map = {
    version: 3 as const,
    sources: [
      '../../../node_modules/pino/pino.js',
      '../../../lib/a.ts',
      'memory-cdc-precompiled:layout',
      '../../../functions/router.ts',
    ],
    names: ['pino', 'createLogger', 'validate10', 'handler'],
    mappings: encode([
      [
        [0, 1, 0, 0, 1],
        [10, 0, 5, 2, 0],
        [15, 0, 6, 0],
        [20, 1, 1, 0],
        [30, 2, 9, 9, 2],
      ],
      [[0, 3, 3, 7, 3], [4]],
    ]),
  };

  it("keeps the mappings into memory-cdc's own sources and marks the rest unmapped, once per run", () => {
    const narrowed = ownCodeSourceMap(map);
    expect(narrowed.sources).toEqual(['../../../lib/a.ts', '../../../functions/router.ts']);
    expect(narrowed.names).toEqual(['createLogger', 'handler']);
    expect(decode(narrowed.mappings)).toEqual([
      [[0, 0, 0, 0, 0], [10], [20, 0, 1, 0], [30]],
      [[0, 1, 3, 7, 1], [4]],
    ]);
  });

  it('tells own sources from dependencies and generated code', () => {
    expect(isOwnSource('../../../lib/config/routerConfig.ts')).toBe(true);
    expect(isOwnSource('../../../node_modules/@aws-sdk/core/dist-es/index.js')).toBe(false);
    expect(isOwnSource('memory-cdc-precompiled:router-config')).toBe(false);
  });
});
