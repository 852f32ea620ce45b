import { ConfigError } from '../errors.js';
import { ENTITY_KINDS } from '../layout/types.js';
import { type SchemaValidatorSpec, schemaValidator } from '../validation/schemaValidator.js';
import type { PartialRouting } from './types.js';

/** JSON Schema of one sink's route in a routing file; every field is optional (defaults fill in). */
export const sinkRouteSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    entities: {
      oneOf: [{ const: 'all' }, { type: 'array', items: { enum: [...ENTITY_KINDS] }, uniqueItems: true }],
    },
    includeNoise: { type: 'boolean' },
  },
} as const;

/**
 * JSON Schema of a routing file (`--routing`, `MEMORY_CDC_ROUTING`): per sink, which entities it
 * takes and whether noise goes too. A sink left out keeps its defaults (`memory-cdc routing show`).
 */
export const routingSchema = {
  // Its own id, so the reference below resolves inside it also where the schema is embedded (the
  // functions' configuration); one definition for the four sinks keeps the compiled validators small.
  $id: 'https://memory-cdc.dev/schemas/routing.json',
  type: 'object',
  additionalProperties: false,
  definitions: { sinkRoute: sinkRouteSchema },
  properties: {
    eventbridge: { $ref: '#/definitions/sinkRoute' },
    kinesis: { $ref: '#/definitions/sinkRoute' },
    archive: { $ref: '#/definitions/sinkRoute' },
    vector: { $ref: '#/definitions/sinkRoute' },
  },
} as const;

/** The routing file's check (precompiled in the Lambda bundles). */
export const ROUTING_VALIDATOR: SchemaValidatorSpec = {
  id: 'routing',
  schema: routingSchema,
  options: { allErrors: true, inlineRefs: false },
};

const validate = schemaValidator(ROUTING_VALIDATOR);

/**
 * Validates a parsed routing file.
 *
 * @example
 * ```ts
 * parseRouting({ kinesis: { entities: ['turn', 'run'] } }, 'routing.json');
 * ```
 * @param origin names the file or flag in the message
 * @throws ConfigError naming each problem and where it is, and the sinks and entities allowed
 */
export function parseRouting(value: unknown, origin: string): PartialRouting {
  if (validate(value)) return value as PartialRouting;
  const problems = (validate.errors ?? [])
    .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'const')
    .map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${e.instancePath || '/'} ${e.message}${extra ? ` (${JSON.stringify(extra)})` : ''}`;
    });
  throw new ConfigError(
    `${origin}: invalid routing: ${[...new Set(problems)].join('; ') || 'entities must be "all" or a list of entities'} ` +
      `(sinks: eventbridge, kinesis, archive, vector; fields: enabled, entities, includeNoise; entities: "all" or some of ${ENTITY_KINDS.join(', ')})`,
  );
}
