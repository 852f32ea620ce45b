import type { EntityKind } from '../layout/types.js';
import { ENTITY_KINDS } from '../layout/types.js';
import type { RoutingConfig, SinkRoute } from './types.js';

/**
 * Defaults: EventBridge gets every entity's events except noise; Kinesis keeps a change log of every
 * entity except rate-limit counters (their bumps dwarf everything else and nobody replays them);
 * the archive takes every TTL expiry; the vector index follows turns.
 */
export const DEFAULT_ROUTING: RoutingConfig = {
  eventbridge: { enabled: true, entities: 'all', includeNoise: false },
  kinesis: {
    enabled: true,
    entities: ENTITY_KINDS.filter((e): e is Exclude<EntityKind, 'rate_limit'> => e !== 'rate_limit'),
    includeNoise: true,
  },
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
