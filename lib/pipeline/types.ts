/**
 * The pipeline: one stream record in, its change, classification, domain events and routed outputs
 * out. Pure and synchronous; the Lambdas, the CLI and the tests all run this same code.
 */
import type { MemoryEvent } from '../catalog/types.js';
import type { TableLayouts } from '../layout/tableLayouts.js';
import type { Classification, Layout } from '../layout/types.js';
import type { PartialRouting, RoutedOutput, RoutingConfig } from '../routing/types.js';
import type { Change, StreamRecord } from '../stream/types.js';

/** Options for {@link createPipeline}. */
export interface PipelineOptions {
  /** How the table stores its entities (every table's, unless `tableLayouts` names it). */
  layout: Layout;
  /**
   * Layouts of particular tables, by name, for a pipeline beside several tables: a record is read
   * with its table's layout (`origin.table`, from the stream ARN), else with `layout`.
   * @default none: every record is read with `layout`
   */
  tableLayouts?: TableLayouts;
  /** Which entities go to which sink. @default DEFAULT_ROUTING */
  routing?: PartialRouting;
  /** EventBridge `source`. @default 'memory-cdc' */
  source?: string;
}

/** Everything the pipeline derives from one stream record. */
export interface ProcessedRecord {
  change: Change;
  classification: Classification;
  events: MemoryEvent[];
  outputs: RoutedOutput[];
}

/** A configured pipeline. */
export interface Pipeline {
  readonly layout: Layout;
  /** Layouts of particular tables (see {@link PipelineOptions.tableLayouts}). */
  readonly tableLayouts?: TableLayouts;
  readonly routing: RoutingConfig;
  /**
   * Decode, classify, build events and route one record.
   * @throws DecodeError when the record is malformed (a typed error for that record only)
   */
  process(record: StreamRecord): ProcessedRecord;
}
