/**
 * Layouts per table, for a stack (or a CLI session) beside several tables: the session-memory design
 * keeps session state and turns in two tables, each with its own layout. Records and change-log
 * details name their table (`origin.table`, read from the stream ARN), so one router, archiver and
 * vector-sync function serve every table.
 */
import { LayoutError } from '../errors.js';
import { parseLayout, resolveLayout } from './resolveLayout.js';
import type { Layout } from './types.js';

/** Layouts by table name. */
export type TableLayouts = ReadonlyMap<string, Layout>;

/**
 * Reads `MEMORY_CDC_TABLE_LAYOUTS`: a JSON object from table name to a preset name
 * (`session-state`), a layout object, or a layout file path.
 *
 * @example
 * ```ts
 * const layouts = parseTableLayouts({ 'ai-session-state': 'session-state', 'ai-conversation-turns': 'session-turns' });
 * layouts.get('ai-conversation-turns')?.name; // 'session-turns'
 * ```
 * @throws LayoutError naming the table whose layout is invalid
 */
export function parseTableLayouts(value: unknown, cwd = process.cwd()): TableLayouts {
  const layouts = new Map<string, Layout>();
  if (value === undefined || value === null) return layouts;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LayoutError(
      `table layouts must be an object of table name -> layout (given ${JSON.stringify(value)})`,
    );
  }
  for (const [table, spec] of Object.entries(value)) {
    try {
      if (typeof spec === 'string') layouts.set(table, resolveLayout(spec, cwd));
      else layouts.set(table, parseLayout(spec, `layout of table ${table}`));
    } catch (error) {
      if (!(error instanceof LayoutError)) throw error;
      throw new LayoutError(`table ${table}: ${error.message}`, { cause: error });
    }
  }
  return layouts;
}

/** The layout of `table`: its own when `layouts` names it, else `fallback`. */
export function layoutForTable(table: string, layouts: TableLayouts | undefined, fallback: Layout): Layout {
  return layouts?.get(table) ?? fallback;
}
