/** Renders an {@link Estimate} as the text `memory-cdc estimate` prints. */
import type { Estimate } from './types.js';

function usd(n: number): string {
  if (n === 0) return '$0.00';
  if (n < 0.01) return `$${n.toPrecision(2)}`;
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function num(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Text form: rates, cost per component with its arithmetic, the Pipes comparison, quotas. */
export function formatEstimate(estimate: Estimate): string {
  const { rates, prices, workload } = estimate;
  const out: string[] = [];
  out.push(
    `memory-cdc estimate · ${workload.source} · change log ${workload.kinesisMode} · prices ${prices.region} as of ${prices.asOf} (${prices.currency})`,
    '',
    `stream records ${num(rates.streamRecords)}/s (of which TTL expiries ${num(rates.expiries)}/s) · stream shards ≥ ${rates.streamShards}`,
    `EventBridge events ${num(rates.eventBridgeEvents)}/s after noise suppression · change-log records ${num(rates.kinesisRecords)}/s (${num(rates.kinesisBytes)} B/s) · vector upserts ${num(rates.vectorUpserts)}/s`,
    '',
    'monthly cost (730 h)',
  );
  for (const c of estimate.components) {
    out.push(`  ${c.component.padEnd(44)} ${usd(c.usd).padStart(12)}`);
    for (const l of c.lines) {
      out.push(`      ${l.item}: ${num(l.quantity)} ${l.unit} × ${usd(l.unitPrice)} = ${usd(l.usd)}`);
    }
  }
  out.push(`  ${'total'.padEnd(44)} ${usd(estimate.totalUsd).padStart(12)}`, '');
  out.push(
    `the same stream on EventBridge Pipes to a plain bus: ${usd(estimate.pipes.totalUsd)}/month for events alone (every record an event, raw images, no change log, archive or index);`,
    `memory-cdc's router plus events cost ${usd(estimate.pipes.eventBridgeSavingUsd)} less than that`,
    '',
    'quotas, the first to bind on top',
  );
  for (const q of estimate.quotas) {
    out.push(
      `  ${(q.utilization * 100).toFixed(q.utilization < 0.01 ? 3 : 1).padStart(7)}%  ${q.quota}: ${num(q.used)} of ${num(q.limit)} ${q.unit}${q.utilization >= 1 ? ` — EXCEEDED: ${q.remedy}` : ''}`,
    );
  }
  out.push(
    `binds first: ${estimate.binding.quota} (${(estimate.binding.utilization * 100).toFixed(1)}%) — ${estimate.binding.remedy}`,
  );
  return `${out.join('\n')}\n`;
}
