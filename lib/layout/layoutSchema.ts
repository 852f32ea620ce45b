import { CONVERSATION_STARTS, ENTITY_KINDS, FIELD_NAMES, IDENTIFIER_NAMES } from './types.js';

const singleFieldRef = {
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      required: ['attribute'],
      additionalProperties: false,
      properties: { attribute: { type: 'string', minLength: 1 }, path: { type: 'string', minLength: 1 } },
    },
  ],
};

const fieldRef = {
  oneOf: [singleFieldRef, { type: 'array', minItems: 1, items: singleFieldRef }],
};

// Every identifier and field names its attribute the same way: one definition, referenced (the
// validator's code checks it in one function instead of a copy per name).
function refsOf(names: readonly string[]) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, { $ref: '#/definitions/fieldRef' }])),
  };
}

/** JSON Schema of a custom layout file (the {@link Layout} type). */
export const layoutSchema = {
  $id: 'https://memory-cdc.dev/schemas/layout.json',
  type: 'object',
  required: ['name', 'partitionKey', 'entities'],
  additionalProperties: false,
  definitions: { fieldRef },
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    partitionKey: { type: 'string', minLength: 1 },
    sortKey: { type: 'string', minLength: 1 },
    ttlAttribute: { type: 'string', minLength: 1 },
    keyTypes: { type: 'object', additionalProperties: { enum: ['S', 'N', 'B'] } },
    discriminator: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    gunzip: { type: 'array', items: { type: 'string', minLength: 1 } },
    bookkeeping: { type: 'array', items: { type: 'string' }, default: [] },
    conversationStart: { enum: [...CONVERSATION_STARTS] },
    secondaryIndexes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'partitionKey'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 3 },
          partitionKey: { type: 'string', minLength: 1 },
          sortKey: { type: 'string', minLength: 1 },
        },
      },
    },
    firstSequence: { type: 'integer' },
    entities: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['entity'],
        additionalProperties: false,
        properties: {
          entity: { enum: [...ENTITY_KINDS] },
          name: { type: 'string', minLength: 1 },
          discriminatorValues: { type: 'array', items: { type: 'string' }, minItems: 1 },
          pk: { type: 'string', minLength: 1 },
          sk: { type: 'string', minLength: 1 },
          discriminatorOnly: { type: 'boolean' },
          identifiers: refsOf(IDENTIFIER_NAMES),
          fields: refsOf(FIELD_NAMES),
          successStatuses: { type: 'array', items: { type: 'string' } },
          failureStatuses: { type: 'array', items: { type: 'string' } },
        },
        anyOf: [{ required: ['discriminatorValues'] }, { required: ['pk'] }, { required: ['sk'] }],
      },
    },
  },
} as const;
