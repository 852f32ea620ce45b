import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { schemaFileName } from '../../lib/catalog/eventSchemas.js';
import { toEventBridgeEvent } from '../../lib/replay/eventBridgeEvent.js';
import { BUNDLED_EVENTS_DIR, findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { replay } from '../../lib/replay/replay.js';
import type { EventBridgeOutput, KinesisOutput, RoutedOutput } from '../../lib/routing/types.js';

const SCHEMA_DIR = join(import.meta.dirname, '../../catalog/schemas');

/** Every published schema, compiled once. */
function compileSchemas(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true });
  addFormats.default(ajv);
  const compiled = new Map<string, ValidateFunction>();
  for (const file of readdirSync(SCHEMA_DIR)) {
    compiled.set(file, ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'))));
  }
  return compiled;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
}

describe('the published schemas', () => {
  let schemas: ReturnType<typeof compileSchemas>;
  const outputs: RoutedOutput[] = [];

  beforeAll(async () => {
    schemas = compileSchemas();
    const summary = await replay({
      files: await findFixtureFiles([BUNDLED_EVENTS_DIR], BUNDLED_EVENTS_DIR),
      onOutput: (output) => outputs.push(output),
    });
    expect(summary.errors).toEqual([]);
  });

  it('validate every EventBridge event replay produces from the bundled fixtures', () => {
    const events = outputs.filter((o): o is EventBridgeOutput => o.sink === 'eventbridge');
    expect(events.length).toBeGreaterThan(50);
    const invalid: string[] = [];
    for (const output of events) {
      const validate = schemas.get(schemaFileName(output.detailType));
      if (!validate) invalid.push(`${output.detailType}: no schema`);
      else if (!validate(JSON.parse(JSON.stringify(toEventBridgeEvent(output.payload))))) {
        invalid.push(`${output.detailType} (${output.record}): ${describeErrors(validate)}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it("validate every Kinesis change-log record's data against its detail-type's detail schema", () => {
    const records = outputs.filter((o): o is KinesisOutput => o.sink === 'kinesis');
    expect(records.length).toBeGreaterThan(50);
    const invalid: string[] = [];
    for (const output of records) {
      const validate = schemas.get(schemaFileName(output.detailType));
      // The schema describes the EventBridge envelope; the change log carries its detail as the data.
      const data = JSON.parse(JSON.stringify(output.payload.Data));
      const envelope = {
        'detail-type': output.detailType,
        source: 'memory-cdc',
        time: '2026-11-22T10:00:00Z',
        detail: data,
      };
      if (!validate) invalid.push(`${output.detailType}: no schema`);
      else if (!validate(envelope)) {
        invalid.push(`${output.detailType} (${output.record}): ${describeErrors(validate)}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('reject an event whose detail-type does not match the schema', () => {
    const output = outputs.find(
      (o): o is EventBridgeOutput => o.sink === 'eventbridge' && o.detailType === 'Turn Created',
    )!;
    const event = { ...toEventBridgeEvent(output.payload), 'detail-type': 'Turn Updated' };
    expect(schemas.get('turn-created.json')!(event)).toBe(false);
  });

  it('reject an event whose detail has a field the catalog does not define', () => {
    const output = outputs.find(
      (o): o is EventBridgeOutput => o.sink === 'eventbridge' && o.detailType === 'Turn Created',
    )!;
    const event = toEventBridgeEvent(output.payload);
    const tampered = { ...event, detail: { ...event.detail, surprise: true } };
    expect(schemas.get('turn-created.json')!(tampered)).toBe(false);
  });

  it('cover every detail-type replay produced', () => {
    const produced = new Set(
      outputs.flatMap((o) => ('detailType' in o ? [schemaFileName(o.detailType)] : [])),
    );
    expect([...produced].filter((f) => !schemas.has(f))).toEqual([]);
  });
});
