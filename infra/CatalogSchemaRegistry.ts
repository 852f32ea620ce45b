/**
 * The event catalog in an EventBridge schema registry: one schema per JSON Schema file in
 * `catalog/schemas/`, read at synth time, so subscribers can browse the events and generate code
 * bindings in the console or with the Schemas API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { ConfigError } from '../lib/errors.js';

/** Properties of a {@link CatalogSchemaRegistry}. */
export interface CatalogSchemaRegistryProps {
  /** Folder of JSON Schema files (`*.json`); a missing folder yields an empty registry. */
  readonly schemasDirectory: string;
  /** Description of the registry. */
  readonly description: string;
}

/** Schema name for a catalog file: `memory-cdc@<file name without .json>`. */
export function catalogSchemaName(file: string): string {
  return `memory-cdc@${basename(file, '.json')}`;
}

/** An EventBridge schema registry holding the event catalog's JSON Schemas. */
export class CatalogSchemaRegistry extends Construct {
  /** The registry. */
  readonly registry: eventschemas.CfnRegistry;
  /** The schemas, by schema name. */
  readonly schemas: ReadonlyMap<string, eventschemas.CfnSchema>;

  constructor(scope: Construct, id: string, props: CatalogSchemaRegistryProps) {
    super(scope, id);
    this.registry = new eventschemas.CfnRegistry(this, 'Registry', { description: props.description });
    const schemas = new Map<string, eventschemas.CfnSchema>();
    for (const file of schemaFiles(props.schemasDirectory)) {
      const name = catalogSchemaName(file);
      const content = readSchema(file);
      const title = typeof content.title === 'string' ? content.title : undefined;
      const schema = new eventschemas.CfnSchema(this, basename(file, '.json'), {
        registryName: this.registry.attrRegistryName,
        schemaName: name,
        type: 'JSONSchemaDraft4',
        content: JSON.stringify(content),
        ...(title ? { description: title } : {}),
      });
      schemas.set(name, schema);
    }
    this.schemas = schemas;
  }
}

/** The `*.json` files of a folder in name order, or none when the folder does not exist. */
function schemaFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(directory, name));
}

function readSchema(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not a JSON Schema file: ${(error as Error).message}`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: a JSON Schema must be an object (given ${JSON.stringify(value)})`);
  }
  return value as Record<string, unknown>;
}
