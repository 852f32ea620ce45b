/**
 * The layouts a redrive reads records with: those the function that gave up on them ran with. A
 * stack beside several tables classifies each table's records with its own layout
 * (`MEMORY_CDC_TABLE_LAYOUTS`, else `MEMORY_CDC_LAYOUT`), and event ids include the detail-type, so
 * a record read with another table's layout would be sent as different events with different ids.
 * When no layout is given at all, each table's is detected from its records, as replay does.
 */
import { commonEnv } from '../config/commonEnvironment.js';
import { CONFIG_VALIDATOR_OPTIONS, loadEnvironmentConfig } from '../config/loadEnvironmentConfig.js';
import type { Environment } from '../config/types.js';
import { PRESET_LAYOUTS, resolveLayout } from '../layout/resolveLayout.js';
import { parseTableLayouts, type TableLayouts } from '../layout/tableLayouts.js';
import type { Layout } from '../layout/types.js';
import { unknownLayout, unknownLayoutWarning } from '../layout/unknownLayout.js';
import { chooseLayout } from '../replay/chooseLayout.js';
import { schemaValidator } from '../validation/schemaValidator.js';
import type { TableSamples } from './redrive.js';

/** The layouts given to a redrive, as the functions are given theirs. */
export interface GivenLayouts {
  /** `--layout`, else MEMORY_CDC_LAYOUT; undefined when neither is set (then layouts are detected). */
  layout?: Layout;
  /** `--table-layouts`, else MEMORY_CDC_TABLE_LAYOUTS: layouts of particular tables. */
  tableLayouts: TableLayouts;
}

/** What the options say, before the environment fills in what they leave out. */
export interface LayoutOptions {
  /** `--layout`: a preset name, inline JSON or a layout file. */
  layout?: string;
  /** `--table-layouts`, parsed: table name -> preset name, layout object or layout file. */
  tableLayouts?: unknown;
}

interface LayoutEnvironment {
  layout?: string;
  tableLayouts: Record<string, unknown>;
}

const validateLayoutEnvironment = schemaValidator({
  id: 'redrive-layouts',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { layout: commonEnv.properties.layout, tableLayouts: commonEnv.properties.tableLayouts },
  },
  options: CONFIG_VALIDATOR_OPTIONS,
});

/**
 * Reads the layouts as the functions read theirs (MEMORY_CDC_LAYOUT, MEMORY_CDC_TABLE_LAYOUTS, with
 * the functions' checks and messages); an option given replaces its variable, which is then not read.
 *
 * @example
 * ```ts
 * const given = readGivenLayouts(process.env, { tableLayouts: { turns: 'mastra' } }, process.cwd());
 * given.tableLayouts.get('turns')?.name; // 'mastra'
 * ```
 * @throws ConfigError for a variable that is not valid; LayoutError for a layout that is not
 */
export function readGivenLayouts(env: Environment, options: LayoutOptions, cwd: string): GivenLayouts {
  const config = loadEnvironmentConfig<LayoutEnvironment>(
    {
      MEMORY_CDC_LAYOUT: options.layout === undefined ? env.MEMORY_CDC_LAYOUT : undefined,
      MEMORY_CDC_TABLE_LAYOUTS: options.tableLayouts === undefined ? env.MEMORY_CDC_TABLE_LAYOUTS : undefined,
    },
    {
      component: 'redrive',
      variables: {
        MEMORY_CDC_LAYOUT: commonEnv.variables.MEMORY_CDC_LAYOUT,
        MEMORY_CDC_TABLE_LAYOUTS: commonEnv.variables.MEMORY_CDC_TABLE_LAYOUTS,
      },
      validate: validateLayoutEnvironment,
    },
  );
  const spec = options.layout ?? config.layout;
  const layouts: GivenLayouts = {
    tableLayouts: parseTableLayouts(options.tableLayouts ?? config.tableLayouts, cwd),
  };
  if (spec !== undefined) layouts.layout = resolveLayout(spec, cwd);
  return layouts;
}

/** The layouts a redrive runs with, and how each table's was chosen. */
export interface ChosenLayouts {
  /** Every table's layout unless `tableLayouts` names it. */
  layout: Layout;
  tableLayouts: TableLayouts;
  /** How each table's layout was chosen (`given`, `detected: …`, `no preset fits`), by table name. */
  reasons: Record<string, string>;
}

/**
 * The layout of each table, as the functions would have read its records: the one given for the
 * table, else the one given for every table; neither given, the preset its change-log records name
 * (the vector sync's objects carry the router's classification, by layout name), else the preset
 * its records' keys fit (detection, as replay does). A table that fits none gets the `unknown`
 * layout (every item flows as entity `unknown`, never dropped) and `onWarning` receives the warning
 * replay gives.
 *
 * @param samples what the objects to redrive show of each table
 */
export function chooseRedriveLayouts(
  given: GivenLayouts,
  samples: TableSamples,
  onWarning: (warning: string) => void = () => {},
): ChosenLayouts {
  const tableLayouts = new Map(given.tableLayouts);
  const reasons: Record<string, string> = {};
  const tables = [...new Set([...samples.records.keys(), ...samples.changeLogLayouts.keys()])].sort();
  for (const table of tables) {
    if (given.tableLayouts.has(table) || given.layout) {
      reasons[table] = 'given';
      continue;
    }
    const records = samples.records.get(table) ?? [];
    const named = [...(samples.changeLogLayouts.get(table) ?? [])];
    const preset = named.length === 1 ? PRESET_LAYOUTS[named[0]!] : undefined;
    if (preset) {
      tableLayouts.set(table, preset);
      reasons[table] = `named by its change-log records: ${preset.name}`;
      continue;
    }
    const { layout, reason } =
      named.length > 0
        ? {
            layout: undefined,
            reason: `its change-log records were classified with ${named.join(', ')}, not one preset; pass --layout`,
          }
        : chooseLayout(undefined, records);
    if (layout) {
      tableLayouts.set(table, layout);
      reasons[table] = reason;
      continue;
    }
    tableLayouts.set(table, unknownLayout(records));
    reasons[table] = 'no preset fits';
    // --layout is every table's: beside tables that were detected, the file goes to this one only.
    const only =
      tables.length > 1 && table
        ? ` Beside the other tables, give it for this one only: --table-layouts '${JSON.stringify({ [table]: 'FILE' })}'.`
        : '';
    onWarning(
      `${unknownLayoutWarning(`dead letters of table ${table || '(unnamed)'}`, reason, 'redrive')}${only}`,
    );
  }
  return { layout: given.layout ?? unknownLayout([]), tableLayouts, reasons };
}
