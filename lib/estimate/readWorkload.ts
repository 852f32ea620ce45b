/**
 * Reads the inputs of `memory-cdc estimate`: a workload file, `--changes entity=rate,…`, a price
 * override file. Each bad value is a ConfigError that names the file or flag and the value.
 */
import { ConfigError } from '../errors.js';
import { ENTITY_KINDS, type EntityKind } from '../layout/types.js';
import type { PriceTable, QuotaTable, Workload } from './types.js';

type Rates = Partial<Record<EntityKind, number>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegative(origin: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${origin}: ${name} must be a number >= 0 (given ${JSON.stringify(value)})`);
  }
  return value;
}

function rates(origin: string, value: unknown): Rates {
  if (!isRecord(value))
    throw new ConfigError(`${origin}: changesPerSecond must be an object of entity: rate`);
  const out: Rates = {};
  for (const [entity, rate] of Object.entries(value)) {
    if (!ENTITY_KINDS.includes(entity as EntityKind)) {
      throw new ConfigError(
        `${origin}: unknown entity ${JSON.stringify(entity)} (one of ${ENTITY_KINDS.join(', ')})`,
      );
    }
    out[entity as EntityKind] = nonNegative(origin, `changesPerSecond.${entity}`, rate);
  }
  return out;
}

/**
 * Parses `turn=50,run=5,rate_limit=20` (changes per second by entity).
 * @throws ConfigError naming the bad part
 */
export function parseChanges(text: string): Rates {
  const value: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, rate] = part.split('=');
    if (name === undefined || rate === undefined || rate === '') {
      throw new ConfigError(`--changes: expected entity=rate (given ${JSON.stringify(part)})`);
    }
    value[name.trim()] = Number(rate);
  }
  return rates('--changes', value);
}

const ENUMS: Partial<Record<keyof Workload, readonly string[]>> = {
  embeddings: ['bedrock', 'item'],
  kinesisMode: ['on-demand', 'provisioned'],
  source: ['one-reader', 'two-readers', 'kinesis'],
};

/**
 * Validates a workload file's object: every field optional except where the caller has no other
 * source; unknown fields are refused (a typo would otherwise fall back to a default silently).
 * @throws ConfigError naming the file and the field
 */
export function parseWorkload(origin: string, value: unknown): Partial<Workload> {
  if (!isRecord(value)) throw new ConfigError(`${origin}: expected a JSON object`);
  const out: Partial<Workload> = {};
  for (const [key, v] of Object.entries(value)) {
    switch (key) {
      case 'changesPerSecond':
        out.changesPerSecond = rates(origin, v);
        break;
      case 'embeddings':
      case 'kinesisMode':
      case 'source': {
        const allowed = ENUMS[key] ?? [];
        if (typeof v !== 'string' || !allowed.includes(v)) {
          throw new ConfigError(
            `${origin}: ${key} must be one of ${allowed.join(', ')} (given ${JSON.stringify(v)})`,
          );
        }
        (out as Record<string, unknown>)[key] = v;
        break;
      }
      case 'region':
        if (typeof v !== 'string' || v === '')
          throw new ConfigError(`${origin}: region must be a Region name`);
        out.region = v;
        break;
      case 'parallelizationFactor': {
        const n = nonNegative(origin, key, v);
        if (!Number.isInteger(n) || n < 1 || n > 10) {
          throw new ConfigError(
            `${origin}: parallelizationFactor must be a whole number from 1 to 10 (given ${n})`,
          );
        }
        out.parallelizationFactor = n;
        break;
      }
      case 'expiriesPerDay':
      case 'itemBytes':
      case 'vectorDimensions':
      case 'vectorRetentionDays':
      case 'otherStreamReaders':
      case 'routerMemoryMb':
      case 'routerCpuMsPerRecord':
      case 'callLatencyMs':
        (out as Record<string, unknown>)[key] = nonNegative(origin, key, v);
        break;
      default:
        throw new ConfigError(`${origin}: unknown field ${JSON.stringify(key)}`);
    }
  }
  return out;
}

/**
 * Merges a price override file over the default prices and quotas. Unknown keys are refused.
 * @throws ConfigError naming the file and the key
 */
export function applyPriceOverrides(
  origin: string,
  value: unknown,
  prices: PriceTable,
  quotas: QuotaTable,
): { prices: PriceTable; quotas: QuotaTable } {
  if (!isRecord(value)) throw new ConfigError(`${origin}: expected a JSON object`);
  const nextPrices = { ...prices };
  const nextQuotas = { ...quotas };
  for (const [key, v] of Object.entries(value)) {
    if (key === 'quotas') {
      if (!isRecord(v)) throw new ConfigError(`${origin}: quotas must be an object`);
      for (const [q, n] of Object.entries(v)) {
        if (!Object.hasOwn(quotas, q)) throw new ConfigError(`${origin}: unknown quota ${JSON.stringify(q)}`);
        (nextQuotas as Record<string, number>)[q] = nonNegative(origin, `quotas.${q}`, n);
      }
    } else if (key === 'asOf' || key === 'region' || key === 'currency') {
      if (typeof v !== 'string') throw new ConfigError(`${origin}: ${key} must be a string`);
      nextPrices[key] = v;
    } else if (Object.hasOwn(prices, key)) {
      (nextPrices as unknown as Record<string, number>)[key] = nonNegative(origin, key, v);
    } else {
      throw new ConfigError(`${origin}: unknown price ${JSON.stringify(key)}`);
    }
  }
  return { prices: nextPrices, quotas: nextQuotas };
}
