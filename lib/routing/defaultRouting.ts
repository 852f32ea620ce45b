import type { EntityKind } from '../layout/types.js';
import type { RoutingConfig, SinkRoute } from './types.js';

/**
 * Defaults: EventBridge gets every entity's events except noise (rate-limit counter bumps and
 * bookkeeping-only modifies, which would drown rule subscribers); Kinesis is the ordered log of every
 * change, noise and rate-limit counters included, so a consumer can rebuild any item from it (turn
 * counters off with `{"kinesis": {"entities": [...]}}` in a routing file); the archive takes every TTL
 * expiry; the vector index follows turns. `memory-cdc routing show` prints these as a routing file.
 */
export const DEFAULT_ROUTING: RoutingConfig = {
  eventbridge: { enabled: true, entities: 'all', includeNoise: false },
  kinesis: { enabled: true, entities: 'all', includeNoise: true },
  archive: { enabled: true, entities: 'all', includeNoise: true },
  vector: { enabled: true, entities: ['turn'], includeNoise: true },
};

/** Merges a partial routing configuration over the defaults, sink by sink. */
export function resolveRouting(
  partial: Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>> = {},
): RoutingConfig {
  return {
    eventbridge: { ...DEFAULT_ROUTING.eventbridge, ...partial.eventbridge },
    kinesis: { ...DEFAULT_ROUTING.kinesis, ...partial.kinesis },
    archive: { ...DEFAULT_ROUTING.archive, ...partial.archive },
    vector: { ...DEFAULT_ROUTING.vector, ...partial.vector },
  };
}

/** True when the route takes this entity. */
export function routeAccepts(route: SinkRoute, entity: EntityKind): boolean {
  return route.enabled && (route.entities === 'all' || route.entities.includes(entity));
}
