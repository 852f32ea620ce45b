/**
 * JSON Schemas of the catalog, one per detail-type, describing the event as EventBridge delivers it
 * to rule targets. Written with keywords common to draft-04 (EventBridge's schema registry) and
 * draft-07 (ajv), so one file serves both.
 */
import { ENTITY_KINDS, IDENTIFIER_NAMES } from '../layout/types.js';
import { DETAIL_TYPES, type DetailTypeInfo } from './detailTypes.js';
import { DETAIL_VERSION, EVENT_SOURCE } from './types.js';

/** File name of a detail-type's schema: `Turn Created` -> `turn-created.json`. */
export function schemaFileName(detailType: string): string {
  return `${detailType.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.json`;
}

const NUMBER_RULE =
  'Item values are plain JSON. DynamoDB numbers are JSON numbers when the double nearest to them prints back as ' +
  'the same decimal (whole numbers: within ±2^53), else strings holding the exact decimal (up to 38 digits). ' +
  'Binary is base64 text; sets are arrays.';

const plainItem = { type: ['object', 'null'], description: NUMBER_RULE, additionalProperties: true };

/** The schema of one detail-type. */
export function eventSchemaFor(info: DetailTypeInfo): Record<string, unknown> {
  // Semantic events never come from snapshot reads; `… Created` covers inserts and snapshot reads.
  const changeOps =
    info.kind === 'semantic'
      ? ['insert', 'modify']
      : info.detailType.endsWith('Created')
        ? ['insert', 'read']
        : [info.detailType.endsWith('Updated') ? 'modify' : 'remove'];
  const detailRequired = [
    'version',
    'eventId',
    'detailType',
    'op',
    'entity',
    'expired',
    'ids',
    'keys',
    'changed',
    'layout',
    'origin',
  ];
  // Every status-derived semantic event carries the transition; Conversation Started carries one only
  // under the first-turn rule (a conversation item's creation has no field that moved).
  if (info.kind === 'semantic' && info.detailType !== 'Conversation Started')
    detailRequired.push('transition');
  return {
    $id: `https://memory-cdc.dev/schemas/${schemaFileName(info.detailType)}`,
    title: info.detailType,
    description: info.description,
    type: 'object',
    required: ['detail-type', 'source', 'time', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [info.detailType] },
      source: { type: 'string', enum: [EVENT_SOURCE] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: {
        type: 'object',
        required: detailRequired,
        additionalProperties: false,
        properties: {
          version: { type: 'string', enum: [DETAIL_VERSION] },
          eventId: {
            type: 'string',
            pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
            description:
              'Deterministic: the same stream record always yields the same id. Deduplicate on it.',
          },
          detailType: { type: 'string', enum: [info.detailType] },
          op: {
            type: 'string',
            enum: changeOps,
            description:
              'insert / modify / remove as the stream reports them; read = a backfill snapshot read (Debezium op r): the item already existed, and no transition or semantic event is derived from it.',
          },
          entity: { type: 'string', enum: [info.entity, ...(info.alsoEntities ?? [])] },
          sourceEntity: {
            type: 'string',
            description: "The table's own name for the entity (e.g. Mastra's).",
          },
          expired: { type: 'boolean', enum: info.detailType.endsWith('Expired') ? [true] : [false] },
          ids: {
            type: 'object',
            additionalProperties: false,
            description:
              'Identifiers found in the item; never empty strings (an empty attribute counts as absent).',
            properties: Object.fromEntries(
              IDENTIFIER_NAMES.map((n) => [n, { type: 'string', minLength: 1 }]),
            ),
          },
          keys: { type: 'object', description: NUMBER_RULE },
          changed: { type: 'array', items: { type: 'string' } },
          before: plainItem,
          after: plainItem,
          transition: {
            type: 'object',
            description:
              'The value that moved: on every change event of a run, run step or ledger entry whose status changed (read through the layout, JSON-string attributes included), on the semantic events derived from it, and on a first-turn Conversation Started. Rules can match e.g. {"transition": {"to": ["suspended"]}}.',
            required: ['field', 'from', 'to'],
            additionalProperties: false,
            properties: {
              field: { type: 'string' },
              from: { type: ['string', 'null'] },
              to: { type: ['string', 'null'] },
            },
          },
          layout: { type: 'string' },
          time: {
            type: 'string',
            format: 'date-time',
            description:
              'Absent when the stream record has no ApproximateCreationDateTime; EventBridge then stamps the time it received the event.',
          },
          origin: {
            type: 'object',
            required: ['table', 'streamArn', 'region', 'eventId', 'sequenceNumber'],
            additionalProperties: false,
            properties: {
              table: { type: 'string' },
              streamArn: { type: 'string' },
              region: { type: 'string' },
              eventId: { type: 'string' },
              sequenceNumber: { type: 'string', pattern: '^[0-9]+$' },
              approximateCreationTime: { type: 'string', format: 'date-time' },
            },
          },
          claimCheck: {
            type: 'object',
            required: ['bucket', 'key', 'bytes'],
            additionalProperties: false,
            properties: { bucket: { type: 'string' }, key: { type: 'string' }, bytes: { type: 'integer' } },
            description: 'Present when before/after were moved to S3 because the event was too large.',
          },
        },
      },
    },
  };
}

/** Every schema, by file name. */
export function catalogSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    DETAIL_TYPES.map((info) => [schemaFileName(info.detailType), eventSchemaFor(info)]),
  );
}

/** Entity kinds, re-exported for the docs generator. */
export const CATALOG_ENTITIES = ENTITY_KINDS;
