/**
 * Narrows a bundle's source map to memory-cdc's own code. A function starts with
 * `--enable-source-maps`, and Node parses the whole map on the first stack it formats — pino asks
 * for its caller's call sites when a logger is created, so that is every start. Mappings into the
 * AWS SDK, pino and the other dependencies are ~90 % of the map and never name a line of ours; the
 * precompiled validators are generated code. Dropped, their ranges are marked unmapped (a frame
 * there keeps its bundle position instead of borrowing the previous line of ours); frames in
 * `lib/` and `functions/` still name the TypeScript file and line.
 */
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

/** The fields of a version 3 source map the bundles carry (no `sourcesContent`). */
export interface BundleSourceMap {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  sourceRoot?: string;
}

/** A source of memory-cdc's own: neither a dependency nor generated code (an esbuild namespace). */
export function isOwnSource(source: string): boolean {
  return !/(^|\/)node_modules\//.test(source) && !/^[a-z-]+:/.test(source);
}

/**
 * The map with only the mappings whose source passes `keep`; `sources` and `names` shrink to
 * what those mappings use.
 */
export function ownCodeSourceMap(map: BundleSourceMap, keep: (source: string) => boolean = isOwnSource) {
  const sources: string[] = [];
  const names: string[] = [];
  const sourceIndex = new Map<number, number>();
  const nameIndex = new Map<number, number>();
  const indexOf = (index: Map<number, number>, list: string[], from: string[], i: number) => {
    let j = index.get(i);
    if (j === undefined) {
      j = list.length;
      index.set(i, j);
      list.push(from[i]!);
    }
    return j;
  };
  const lines = decode(map.mappings).map((line) => {
    const kept: SourceMapSegment[] = [];
    let unmapped = false;
    for (const segment of line) {
      if (segment.length !== 1 && keep(map.sources[segment[1]]!)) {
        const s = indexOf(sourceIndex, sources, map.sources, segment[1]);
        kept.push(
          segment.length === 5
            ? [segment[0], s, segment[2], segment[3], indexOf(nameIndex, names, map.names, segment[4])]
            : [segment[0], s, segment[2], segment[3]],
        );
        unmapped = false;
      } else if (!unmapped) {
        kept.push([segment[0]]);
        unmapped = true;
      }
    }
    return kept;
  });
  const narrowed: BundleSourceMap = { version: 3, sources, names, mappings: encode(lines) };
  if (map.sourceRoot !== undefined) narrowed.sourceRoot = map.sourceRoot;
  return narrowed;
}
