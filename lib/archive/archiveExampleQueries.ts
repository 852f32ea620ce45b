/**
 * The example Athena queries over the archive table, as data: the DDL header and the README show
 * them rendered by {@link renderArchiveQuery}, and the tests type-check each against the column
 * definition and run it over real archive lines, so an example cannot name a column that does not
 * exist or hand a function a value of the wrong type.
 */

/** The table name the stack creates and the DDL declares. */
export const ARCHIVE_TABLE_NAME = 'memory_cdc_archive';

/** An expression an example query uses. */
export type ArchiveQueryExpr =
  /** A data or partition column. */
  | { column: string }
  /** A value of a `map` column: `ids['userId']`. */
  | { column: string; key: string }
  /** `json_extract_scalar(column, path)`: the column must be a string holding JSON. */
  | { fn: 'json_extract_scalar'; column: string; path: string }
  /** `count(DISTINCT column)` (an aggregate). */
  | { fn: 'count_distinct'; column: string };

/** A condition of the WHERE clause (they are joined with AND). */
export type ArchiveQueryPredicate =
  | { expr: ArchiveQueryExpr; op: '=' | '>='; value: string }
  | { expr: ArchiveQueryExpr; op: 'between'; low: string; high: string };

/** One example query. */
export interface ArchiveExampleQuery {
  /** What it answers, one line. */
  title: string;
  select: { expr: ArchiveQueryExpr; as?: string }[];
  where: ArchiveQueryPredicate[];
  /** Column names to group by (then every other selected expression must be an aggregate). */
  groupBy?: string[];
  /** Selected names (alias or column) to sort by. */
  orderBy: { name: string; desc?: boolean }[];
}

/** The examples, in the order the DDL header and the README show them. */
export const ARCHIVE_EXAMPLE_QUERIES: readonly ArchiveExampleQuery[] = [
  {
    title: 'everything user u-42 had expire in November, newest first',
    select: [
      { expr: { column: 'expiredat' } },
      { expr: { column: 'entity' } },
      { expr: { column: 'ids', key: 'conversationId' }, as: 'conversation' },
      { expr: { fn: 'json_extract_scalar', column: 'plain', path: '$.text' }, as: 'text' },
    ],
    where: [
      { expr: { column: 'table' }, op: '=', value: 'agent-memory' },
      { expr: { column: 'dt' }, op: 'between', low: '2026-11-01', high: '2026-11-30' },
      { expr: { column: 'ids', key: 'userId' }, op: '=', value: 'u-42' },
    ],
    orderBy: [{ name: 'expiredat', desc: true }],
  },
  {
    title:
      'expiries per entity and day (each item is in exactly one object; DISTINCT also covers archives written before that)',
    select: [
      { expr: { column: 'dt' } },
      { expr: { column: 'entity' } },
      { expr: { fn: 'count_distinct', column: 'eventid' }, as: 'expired' },
    ],
    where: [
      { expr: { column: 'table' }, op: '=', value: 'agent-memory' },
      { expr: { column: 'dt' }, op: '>=', value: '2026-11-01' },
    ],
    groupBy: ['dt', 'entity'],
    orderBy: [{ name: 'dt' }, { name: 'entity' }],
  },
];

/** Names Athena (Trino) reserves, which must be double-quoted as identifiers. */
const RESERVED = new Set(['table', 'keys', 'values', 'order', 'group', 'select', 'from', 'where']);

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
const identifier = (name: string) => (RESERVED.has(name) ? `"${name}"` : name);

/** The SQL of one expression. */
export function renderArchiveQueryExpr(expr: ArchiveQueryExpr): string {
  if ('fn' in expr) {
    return expr.fn === 'json_extract_scalar'
      ? `json_extract_scalar(${identifier(expr.column)}, ${literal(expr.path)})`
      : `count(DISTINCT ${identifier(expr.column)})`;
  }
  if ('key' in expr) return `${identifier(expr.column)}[${literal(expr.key)}]`;
  return identifier(expr.column);
}

function renderPredicate(predicate: ArchiveQueryPredicate): string {
  const expr = renderArchiveQueryExpr(predicate.expr);
  return predicate.op === 'between'
    ? `${expr} BETWEEN ${literal(predicate.low)} AND ${literal(predicate.high)}`
    : `${expr} ${predicate.op} ${literal(predicate.value)}`;
}

/**
 * The SQL of an example query, one clause a line, ending with `;`.
 *
 * @example
 * renderArchiveQuery(ARCHIVE_EXAMPLE_QUERIES[0]!);
 * // SELECT expiredat, entity, ids['conversationId'] AS conversation, json_extract_scalar(plain, '$.text') AS text
 * // FROM memory_cdc_archive
 * // WHERE "table" = 'agent-memory' AND dt BETWEEN '2026-11-01' AND '2026-11-30' AND ids['userId'] = 'u-42'
 * // ORDER BY expiredat DESC;
 */
export function renderArchiveQuery(query: ArchiveExampleQuery): string {
  const select = query.select
    .map(({ expr, as }) => (as ? `${renderArchiveQueryExpr(expr)} AS ${as}` : renderArchiveQueryExpr(expr)))
    .join(', ');
  const lines = [
    `SELECT ${select}`,
    `FROM ${ARCHIVE_TABLE_NAME}`,
    `WHERE ${query.where.map(renderPredicate).join(' AND ')}`,
  ];
  if (query.groupBy) lines.push(`GROUP BY ${query.groupBy.map(identifier).join(', ')}`);
  lines.push(
    `ORDER BY ${query.orderBy.map((o) => `${identifier(o.name)}${o.desc ? ' DESC' : ''}`).join(', ')};`,
  );
  return lines.join('\n');
}
