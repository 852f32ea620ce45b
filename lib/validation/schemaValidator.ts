/**
 * One JSON Schema check (ajv) that costs nothing until it runs. Under Node (CLI, library, tests)
 * the schema is compiled on its first use; the Lambda bundles carry every validator precompiled
 * (ajv standalone code generated from the same schema and options when `npm run build` bundles,
 * see `scripts/precompiledValidators.ts`), so a function's start neither loads nor runs ajv's
 * compiler. Both run the same generated code: results and error objects are the same.
 */
import { Ajv, type ErrorObject, type Options, type SchemaObject, type ValidateFunction } from 'ajv';

/** A schema memory-cdc validates against, with the ajv options it is compiled with. */
export interface SchemaValidatorSpec {
  /** Unique name; the Lambda bundles carry the precompiled validator under it. */
  readonly id: string;
  /** The JSON Schema (draft-07). */
  readonly schema: SchemaObject;
  /** ajv options (`allErrors`, `useDefaults`: defaults are written into the validated value). */
  readonly options: Options;
}

/** A compiled check: `true` for a valid value; otherwise `errors` (ajv's error objects) says why. */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  /** The last call's errors (`null` after a valid value). */
  errors?: ErrorObject[] | null;
}

/**
 * The validator of a schema, compiled on its first call.
 *
 * @example
 * ```ts
 * const validateRouting = schemaValidator({ id: 'routing', schema: routingSchema, options: { allErrors: true } });
 * if (!validateRouting(value)) console.log(validateRouting.errors);
 * ```
 */
export function schemaValidator(spec: SchemaValidatorSpec): SchemaValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate: SchemaValidateFunction = (data) => {
    compiled ??= new Ajv(spec.options).compile(spec.schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  return validate;
}
