import { detectLayout, type LayoutDetection } from '../layout/detectLayout.js';
import type { Layout } from '../layout/types.js';
import type { StreamRecord } from '../stream/types.js';

/**
 * The layout records are read with: the one given (`--layout`), else the one their keys fit. The
 * reason is worded as the summary shows it (`given`, `detected: …`), so replay and the live
 * commands report the same; when nothing fits, `layout` is undefined and `reason` says why.
 *
 * @example
 * ```ts
 * const { layout, reason } = chooseLayout(undefined, records);
 * if (!layout) throw new LayoutError(`cannot choose a layout: ${reason}`);
 * ```
 * @param given the layout from `--layout`, if any
 * @param records the records to detect from (a file's, or the first batch of a live source)
 */
export function chooseLayout(given: Layout | undefined, records: readonly StreamRecord[]): LayoutDetection {
  if (given) return { layout: given, reason: 'given' };
  const detection = detectLayout(records);
  return detection.layout ? { layout: detection.layout, reason: `detected: ${detection.reason}` } : detection;
}
