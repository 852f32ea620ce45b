import type { ReplaySummary } from './replay.js';

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

/** The readable replay summary. */
export function formatSummary(summary: ReplaySummary, extra: string[] = []): string {
  const lines: string[] = [];
  const ok = summary.records - summary.failed;
  lines.push(
    `memory-cdc replay: ${summary.files.length} file(s), ${summary.records} record(s), ${ok} replayed, ${summary.failed} failed`,
    '',
  );
  lines.push('Files');
  lines.push(
    table(
      summary.files.map((f) => [
        f.file,
        `${f.records} records`,
        f.failed ? `${f.failed} failed` : '',
        f.layout ? `layout ${f.layout} (${f.layoutReason})` : '',
      ]),
    ),
  );
  const entities = Object.entries(summary.byEntity).sort((a, b) => b[1] - a[1]);
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
  lines.push(...extra);
  if (summary.errors.length) {
    lines.push('', `Errors (${summary.errors.length})`);
    for (const e of summary.errors)
      lines.push(`  ${e.file}${e.eventId ? ` [${e.eventId}]` : ''}: ${e.message}`);
  }
  return `${lines.join('\n')}\n`;
}
