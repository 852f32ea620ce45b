/**
 * Type-checks the archive's example queries against the column definition and evaluates them over
 * rows read by the Hive JSON SerDe reader, with Trino's semantics for what the examples use:
 * `=`/`>=`/BETWEEN on varchar (NULL never matches), map subscript, `json_extract_scalar` (a JSON
 * path of object fields; NULL unless it ends on a scalar; a number as its JSON text), `count(DISTINCT)`
 * (NULLs not counted), GROUP BY, ORDER BY with NULLS LAST (Trino's default in both directions).
 */
import { ARCHIVE_COLUMNS, ARCHIVE_PARTITION_KEYS, type HiveType } from '../../lib/archive/archiveColumns.js';
import type { ArchiveExampleQuery, ArchiveQueryExpr } from '../../lib/archive/archiveExampleQueries.js';
import { type HiveRow, type HiveValue, type JsonNode, parseJson } from './hiveJsonSerDe.js';

/** What an expression yields: a Hive type, or `bigint` for a count. */
type ExprType = HiveType | { kind: 'bigint' };

const JSON_PATH = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

function columnType(name: string): HiveType {
  if (ARCHIVE_PARTITION_KEYS.some((key) => key.name === name)) return { kind: 'string' };
  const column = ARCHIVE_COLUMNS.find((c) => c.name === name);
  if (!column) throw new Error(`no column ${name}`);
  return column.type;
}

/** The type of an expression; throws when a column is missing or a function gets the wrong type. */
export function typeOfExpr(expr: ArchiveQueryExpr): ExprType {
  if ('fn' in expr) {
    const type = columnType(expr.column);
    if (expr.fn === 'count_distinct') {
      if (type.kind !== 'string') throw new Error(`count(DISTINCT ${expr.column}) needs a scalar column`);
      return { kind: 'bigint' };
    }
    // json_extract_scalar(json, json_path) takes varchar or json; a map or struct column would fail.
    if (type.kind !== 'string')
      throw new Error(
        `json_extract_scalar needs a varchar (string) argument; ${expr.column} is a ${type.kind}`,
      );
    if (!JSON_PATH.test(expr.path)) throw new Error(`unsupported JSON path ${expr.path}`);
    return { kind: 'string' };
  }
  const type = columnType(expr.column);
  if ('key' in expr) {
    if (type.kind !== 'map')
      throw new Error(`${expr.column}['${expr.key}'] needs a map column; it is ${type.kind}`);
    return type.value;
  }
  return type;
}

const isAggregate = (expr: ArchiveQueryExpr) => 'fn' in expr && expr.fn === 'count_distinct';

/** Output names of a query's select list (alias, else the column name). */
function outputNames(query: ArchiveExampleQuery): string[] {
  return query.select.map(({ expr, as }) => as ?? ('fn' in expr ? expr.fn : expr.column));
}

/**
 * Checks an example query against the table: every column exists with the type its use needs,
 * comparisons are varchar to varchar, grouping and ordering name what the query selects.
 * @throws Error naming the first problem
 */
export function checkArchiveQuery(query: ArchiveExampleQuery): void {
  for (const { expr } of query.select) typeOfExpr(expr);
  for (const predicate of query.where) {
    if (isAggregate(predicate.expr)) throw new Error('an aggregate in WHERE');
    const type = typeOfExpr(predicate.expr);
    if (type.kind !== 'string') throw new Error(`comparing a ${type.kind} with a varchar literal`);
  }
  if (query.groupBy) {
    for (const name of query.groupBy)
      if (columnType(name).kind !== 'string') throw new Error(`GROUP BY ${name}`);
    for (const { expr } of query.select)
      if (
        !isAggregate(expr) &&
        !('column' in expr && !('key' in expr) && query.groupBy.includes(expr.column))
      )
        throw new Error('a selected expression is neither grouped nor aggregated');
  } else if (query.select.some(({ expr }) => isAggregate(expr)))
    throw new Error('an aggregate without GROUP BY');
  const names = outputNames(query);
  for (const { name } of query.orderBy)
    if (!names.includes(name)) throw new Error(`ORDER BY ${name} is not selected`);
}

function scalarOf(node: JsonNode | undefined): string | null {
  if (!node) return null;
  if (node.kind === 'string' || node.kind === 'number' || node.kind === 'boolean') return node.text;
  return null;
}

function jsonExtractScalar(text: HiveValue, path: string): string | null {
  if (typeof text !== 'string') return null;
  let node: JsonNode | undefined;
  try {
    node = parseJson(text);
  } catch {
    return null; // Trino returns NULL for text that is not JSON
  }
  for (const name of path.slice(2).split('.')) {
    if (node?.kind !== 'object') return null;
    node = node.fields.findLast(([field]) => field === name)?.[1];
  }
  return scalarOf(node);
}

function evaluateExpr(expr: ArchiveQueryExpr, row: HiveRow): HiveValue {
  if ('fn' in expr) {
    if (expr.fn === 'json_extract_scalar') return jsonExtractScalar(row.get(expr.column) ?? null, expr.path);
    throw new Error('aggregates are evaluated per group');
  }
  const value = row.get(expr.column) ?? null;
  if ('key' in expr) return value instanceof Map ? (value.get(expr.key) ?? null) : null;
  return value;
}

/** Trino's varchar order: UTF-8 bytes, i.e. code points. */
function compareText(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The result of a query: column names and rows of text (NULL as `null`). */
export interface QueryResult {
  columns: string[];
  rows: (string | null)[][];
}

/** Runs a (checked) example query over rows read from the archive. */
export function evaluateArchiveQuery(query: ArchiveExampleQuery, rows: readonly HiveRow[]): QueryResult {
  checkArchiveQuery(query);
  const matching = rows.filter((row) =>
    query.where.every((predicate) => {
      const value = evaluateExpr(predicate.expr, row);
      if (typeof value !== 'string') return false;
      if (predicate.op === 'between')
        return compareText(value, predicate.low) >= 0 && compareText(value, predicate.high) <= 0;
      const order = compareText(value, predicate.value);
      return predicate.op === '=' ? order === 0 : order >= 0;
    }),
  );
  let out: (string | null)[][];
  if (query.groupBy) {
    const groups = new Map<string, HiveRow[]>();
    for (const row of matching) {
      const key = JSON.stringify(query.groupBy.map((name) => row.get(name) ?? null));
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    out = [...groups.values()].map((group) =>
      query.select.map(({ expr }) => {
        if ('fn' in expr && expr.fn === 'count_distinct') {
          const distinct = new Set(
            group.map((row) => row.get(expr.column)).filter((v) => typeof v === 'string'),
          );
          return String(distinct.size);
        }
        const value = evaluateExpr(expr, group[0]!);
        return typeof value === 'string' ? value : null;
      }),
    );
  } else {
    out = matching.map((row) =>
      query.select.map(({ expr }) => {
        const value = evaluateExpr(expr, row);
        if (value instanceof Map) throw new Error('selecting a map or struct is not supported here');
        return value;
      }),
    );
  }
  const names = outputNames(query);
  out.sort((a, b) => {
    for (const { name, desc } of query.orderBy) {
      const i = names.indexOf(name);
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === y) continue;
      if (x === null) return 1; // NULLS LAST, ascending or descending
      if (y === null) return -1;
      // Counts are bigint: compare as numbers.
      const order = isAggregate(query.select[i]!.expr) ? Number(x) - Number(y) : compareText(x, y);
      if (order !== 0) return desc ? -order : order;
    }
    return 0;
  });
  return { columns: names, rows: out };
}

/** A result as an aligned text table (NULL shown as `NULL`), as the README shows it. */
export function formatQueryResult(result: QueryResult): string {
  const cells = [result.columns, ...result.rows.map((row) => row.map((v) => v ?? 'NULL'))];
  const widths = result.columns.map((_, i) => Math.max(...cells.map((row) => [...row[i]!].length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
