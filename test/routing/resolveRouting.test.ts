import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING, resolveRouting, routeAccepts } from '../../lib/routing/defaultRouting.js';

describe('resolveRouting', () => {
  it('returns the defaults when given nothing', () => {
    expect(resolveRouting()).toEqual(DEFAULT_ROUTING);
  });

  it('defaults to every entity on EventBridge without noise', () => {
    expect(DEFAULT_ROUTING.eventbridge).toEqual({ enabled: true, entities: 'all', includeNoise: false });
  });

  it('defaults to every change of every entity on Kinesis, rate-limit counters and noise included', () => {
    expect(DEFAULT_ROUTING.kinesis).toEqual({ enabled: true, entities: 'all', includeNoise: true });
  });

  it('defaults to turns for the vector index', () => {
    expect(DEFAULT_ROUTING.vector.entities).toEqual(['turn']);
  });

  it('merges a partial sink route over the defaults of that sink', () => {
    const routing = resolveRouting({ kinesis: { includeNoise: false } });
    expect(routing.kinesis).toEqual({ ...DEFAULT_ROUTING.kinesis, includeNoise: false });
  });

  it('leaves the sinks it is not given at their defaults', () => {
    const routing = resolveRouting({ vector: { enabled: false } });
    expect([routing.eventbridge, routing.kinesis, routing.archive]).toEqual([
      DEFAULT_ROUTING.eventbridge,
      DEFAULT_ROUTING.kinesis,
      DEFAULT_ROUTING.archive,
    ]);
  });

  it('does not change the defaults', () => {
    const before = structuredClone(DEFAULT_ROUTING);
    resolveRouting({ eventbridge: { entities: ['turn'] } });
    expect(DEFAULT_ROUTING).toEqual(before);
  });
});

describe('routeAccepts', () => {
  it('accepts listed entities and refuses the others', () => {
    const route = { enabled: true, entities: ['turn' as const], includeNoise: true };
    expect([routeAccepts(route, 'turn'), routeAccepts(route, 'run')]).toEqual([true, false]);
  });

  it('refuses everything on a disabled route', () => {
    expect(routeAccepts({ enabled: false, entities: 'all', includeNoise: true }, 'turn')).toBe(false);
  });
});
