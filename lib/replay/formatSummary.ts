import type { ReplayError, ReplaySummary } from './types.js';

/**
 * One error as a line: `file Records[3] eventID abc: message` (position and eventID when known).
 *
 * @example
 * ```ts
 * formatReplayError({ file: 'a.json', index: 3, message: 'record is null, not an object' });
 * // 'a.json Records[3]: record is null, not an object'
 * ```
 */
export function formatReplayError(error: ReplayError): string {
  const where = error.index !== undefined ? ` Records[${error.index}]` : '';
  const id = error.eventId ? ` eventID ${error.eventId}` : '';
  return `${error.file}${where}${id}: ${error.message}`;
}

/** Options for {@link formatSummary}. */
export interface FormatSummaryOptions {
  /**
   * The first line's lead, before the record counts: a live command names itself and its one
   * source is listed below.
   * @default `memory-cdc replay: <n> file(s),`
   */
  title?: string;
  /** Heading of the section that lists where the records came from (`Stream`, `Table`). @default 'Files' */
  sourceHeading?: string;
  /** Lines added after the counts (e.g. where the archive was written). */
  extra?: readonly string[];
  /** List the errors at the end (off when the caller prints them on stderr). @default true */
  errors?: boolean;
}

function table(rows: string[][], indent = '  '): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/**
 * The readable summary of a replay, or of a live command's records (`tail`, `backfill`), which
 * differs only in its first line and source heading.
 *
 * @example
 * ```ts
 * process.stdout.write(formatSummary(await replay({ files })));
 * process.stdout.write(formatSummary(summary, { title: 'memory-cdc tail:', sourceHeading: 'Stream' }));
 * ```
 */
export function formatSummary(summary: ReplaySummary, options: FormatSummaryOptions = {}): string {
  const { title = `memory-cdc replay: ${summary.files.length} file(s),`, sourceHeading = 'Files' } = options;
  const lines: string[] = [];
  const unreadable = summary.filesFailed ? `; ${summary.filesFailed} file(s) could not be read` : '';
  lines.push(
    `${title} ${summary.records} record(s), ${summary.replayed} replayed, ${summary.failed} failed${unreadable}`,
    '',
  );
  lines.push(sourceHeading);
  lines.push(
    table(
      summary.files.map((f) => [
        f.file,
        `${f.records} records`,
        f.failed ? `${f.failed} failed` : '',
        f.layout ? `layout ${f.layout} (${f.layoutReason})` : f.error ? 'not read to the end' : '',
      ]),
    ),
  );
  const entities = Object.entries(summary.byEntity).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entities.length) {
    lines.push('', 'Changes by entity');
    lines.push(table(entities.map(([e, n]) => [e, String(n)])));
  }
  lines.push('', 'Outputs by sink');
  lines.push(table(Object.entries(summary.bySink).map(([s, n]) => [s, String(n)])));
  const types = Object.entries(summary.byDetailType).sort((a, b) => a[0].localeCompare(b[0]));
  if (types.length) {
    const withRules = Object.keys(summary.byRule).length > 0;
    lines.push('', 'EventBridge events by detail-type');
    const header = withRules ? [['detail-type', 'events', 'rules']] : [['detail-type', 'events']];
    lines.push(
      table([
        ...header,
        ...types.map(([t, n]) =>
          withRules ? [t, String(n), (summary.rulesByDetailType[t] ?? []).join(', ') || '-'] : [t, String(n)],
        ),
      ]),
    );
  }
  const rules = Object.entries(summary.byRule);
  if (rules.length) {
    lines.push('', 'Rules');
    lines.push(
      table(rules.map(([r, n]) => [r, String(n), n === 0 ? 'matched nothing: check the pattern' : ''])),
    );
  }
  lines.push(
    '',
    `Noise kept off EventBridge: ${summary.noise.entity} counter change(s), ${summary.noise.bookkeeping} bookkeeping-only modify(s)`,
  );
  lines.push(`Unknown items (flowed as entity "unknown"): ${summary.unknownItems}`);
  lines.push(...(options.extra ?? []));
  if (summary.warnings.length) {
    lines.push('', `Warnings (${summary.warnings.length})`);
    for (const w of summary.warnings) lines.push(`  ${w}`);
  }
  if (summary.errors.length && options.errors === false) {
    lines.push('', `Errors (${summary.errors.length}): listed on stderr`);
  } else if (summary.errors.length) {
    lines.push('', `Errors (${summary.errors.length})`);
    for (const e of summary.errors) lines.push(`  ${formatReplayError(e)}`);
  }
  return `${lines.join('\n')}\n`;
}
