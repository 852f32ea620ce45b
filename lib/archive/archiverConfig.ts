/**
 * Configuration of the archiver Lambda, read from its environment once at start-up and validated
 * (ajv), with errors that name the variable and its bad value.
 */
import { bucketNameSchema, commonEnv, deadLetterEnv, deliveryEnv } from '../config/commonEnvironment.js';
import { CONFIG_VALIDATOR_OPTIONS, loadEnvironmentConfig } from '../config/loadEnvironmentConfig.js';
import type { Environment, EnvironmentTable, FunctionConfig } from '../config/types.js';
import { type SchemaValidatorSpec, schemaValidator } from '../validation/schemaValidator.js';

/**
 * The archiver's settings: the common ones (only the `archive` route matters here; dead letters under
 * `dead-letter/archiver/`; delivery attempts per archive object) and where the archive goes.
 */
export interface ArchiverConfig extends FunctionConfig {
  /** ARCHIVE_BUCKET: where the archive objects go. */
  archiveBucket: string;
  /** ARCHIVE_PREFIX: key prefix of the archive root. @default 'archive/' */
  archivePrefix: string;
}

/** Every environment variable the archiver reads, its config field, and how to parse it. */
const VARIABLES = {
  ...commonEnv.variables,
  ARCHIVE_BUCKET: { field: 'archiveBucket', type: 'string' },
  ARCHIVE_PREFIX: { field: 'archivePrefix', type: 'string' },
  ...deadLetterEnv.variables,
  ...deliveryEnv.variables,
} as const satisfies EnvironmentTable<ArchiverConfig>;

/** JSON Schema of {@link ArchiverConfig}, defaults included. */
export const archiverConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'archiveBucket', 'deadLetterBucket'],
  properties: {
    ...commonEnv.properties,
    archiveBucket: bucketNameSchema,
    // A relative key prefix: no leading slash, no `..`, at most 512 characters.
    archivePrefix: {
      type: 'string',
      maxLength: 512,
      pattern: '^(?!/)(?!.*\\.\\.)[^\\\\]*$',
      default: 'archive/',
    },
    ...deadLetterEnv.properties,
    ...deliveryEnv.properties,
  },
} as const;

/** The check of {@link archiverConfigSchema} (precompiled in the Lambda bundles). */
export const ARCHIVER_CONFIG_VALIDATOR: SchemaValidatorSpec = {
  id: 'archiver-config',
  schema: archiverConfigSchema,
  options: CONFIG_VALIDATOR_OPTIONS,
};

const validateArchiverConfig = schemaValidator(ARCHIVER_CONFIG_VALIDATOR);

/**
 * Reads and validates the archiver's configuration from environment variables.
 *
 * @example
 * const config = loadArchiverConfig(process.env); // once, outside the handler
 *
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadArchiverConfig(env: Environment): ArchiverConfig {
  return loadEnvironmentConfig<ArchiverConfig>(env, {
    component: 'archiver',
    variables: VARIABLES,
    validate: validateArchiverConfig,
  });
}
