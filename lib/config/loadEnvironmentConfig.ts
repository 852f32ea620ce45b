import { ConfigError } from '../errors.js';
import type { SchemaValidateFunction } from '../validation/schemaValidator.js';
import type { Environment, EnvironmentTable, EnvironmentVariable } from './types.js';

/** What {@link loadEnvironmentConfig} reads and how it checks it. */
export interface EnvironmentConfigSpec<Config> {
  /** Names the function in the error message (`invalid router configuration: …`). */
  component: string;
  /** Every variable the function reads, the field it fills and how it is parsed. */
  variables: EnvironmentTable<Config>;
  /**
   * The check of `Config` against its JSON Schema, keyed by field: `schemaValidator` with
   * {@link CONFIG_VALIDATOR_OPTIONS}, so the schema's defaults fill what the environment leaves out.
   */
  validate: SchemaValidateFunction;
}

/**
 * ajv options of every function's configuration check: all problems at once, defaults filled in,
 * referenced definitions (the routing file's sinks) checked by one function each.
 */
export const CONFIG_VALIDATOR_OPTIONS = { allErrors: true, useDefaults: true, inlineRefs: false } as const;

/**
 * Reads a Lambda function's configuration from environment variables: parses each variable of the
 * table into its field (an unset or empty variable is left to the schema's default), validates the
 * result against the schema, and reports every problem at once, naming the variable and its value.
 * Each function declares its table and schema and calls this once at start-up, outside the handler.
 *
 * @example
 * ```ts
 * import { CONFIG_VALIDATOR_OPTIONS, loadEnvironmentConfig } from '../lib/config/loadEnvironmentConfig.js';
 * import { schemaValidator } from '../lib/validation/schemaValidator.js';
 *
 * interface GreeterConfig { greeting: string; repeat: number }
 *
 * const validateGreeterConfig = schemaValidator({
 *   id: 'greeter-config',
 *   schema: {
 *     type: 'object',
 *     additionalProperties: false,
 *     required: ['greeting'],
 *     properties: {
 *       greeting: { type: 'string', minLength: 1 },
 *       repeat: { type: 'integer', minimum: 1, default: 1 },
 *     },
 *   },
 *   options: CONFIG_VALIDATOR_OPTIONS,
 * });
 *
 * const config = loadEnvironmentConfig<GreeterConfig>(process.env, {
 *   component: 'greeter',
 *   variables: {
 *     GREETING: { field: 'greeting', type: 'string' },
 *     GREETING_REPEAT: { field: 'repeat', type: 'integer' },
 *   },
 *   validate: validateGreeterConfig,
 * });
 *
 * export const handler = async () => ({ body: config.greeting.repeat(config.repeat) });
 * ```
 * @param env the environment, usually `process.env`
 * @param spec the function's name, variable table and schema check
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadEnvironmentConfig<Config>(env: Environment, spec: EnvironmentConfigSpec<Config>): Config {
  const { component, variables } = spec;
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { field, type }] of Object.entries(variables)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (type === 'string') raw[field] = text;
    else if (type === 'boolean') {
      if (/^(true|1|yes)$/i.test(text)) raw[field] = true;
      else if (/^(false|0|no)$/i.test(text)) raw[field] = false;
      else problems.push(`${name} must be true or false (given ${JSON.stringify(text)})`);
    } else if (type === 'integer') {
      if (/^\d+$/.test(text.trim())) raw[field] = Number(text.trim());
      else problems.push(`${name} must be a whole number (given ${JSON.stringify(text)})`);
    } else {
      try {
        raw[field] = JSON.parse(text);
      } catch (error) {
        problems.push(`${name} is not valid JSON (${(error as Error).message})`);
      }
    }
  }
  const { validate } = spec;
  if (problems.length === 0 && !validate(raw)) {
    for (const error of validate.errors ?? []) {
      const field =
        error.instancePath.split('/')[1] ?? (error.params as { missingProperty?: string }).missingProperty;
      const name = field ? variableOf(variables, field) : 'environment';
      if (error.keyword === 'required') {
        problems.push(`${name} is required`);
        continue;
      }
      const given = field ? env[name] : undefined;
      const where = error.instancePath.split('/').slice(2).join('.');
      problems.push(
        `${name}${where ? ` (${where})` : ''} ${error.message}${given !== undefined ? ` (given ${JSON.stringify(given)})` : ''}`,
      );
    }
  }
  if (problems.length > 0)
    throw new ConfigError(`invalid ${component} configuration: ${problems.join('; ')}`);
  return raw as Config;
}

/** The environment variable of a config field, for error messages. */
function variableOf(variables: Record<string, EnvironmentVariable>, field: string): string {
  return Object.entries(variables).find(([, v]) => v.field === field)?.[0] ?? field;
}
