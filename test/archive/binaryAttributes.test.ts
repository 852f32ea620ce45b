import { describe, expect, it } from 'vitest';
import {
  InvalidAttributeError,
  toArchiveAttributeMap,
  toSdkAttributeMap,
} from '../../lib/archive/binaryAttributes.js';
import type { AttributeMap } from '../../lib/stream/types.js';

describe('binary attributes', () => {
  const bytes = new Uint8Array([0, 255, 128, 7]);
  const asLambda: AttributeMap = {
    b: { B: 'AP+ABw==' },
    bs: { BS: ['AP+ABw==', ''] },
    m: { M: { deep: { L: [{ B: 'AP+ABw==' }, { N: '1' }] } } },
    s: { S: 'AP+ABw==' },
  };

  it('turns bytes into base64 text for the archive, leaving base64 text and other types alone', () => {
    const fromSdk: AttributeMap = {
      b: { B: bytes },
      bs: { BS: [bytes, new Uint8Array()] },
      m: { M: { deep: { L: [{ B: bytes }, { N: '1' }] } } },
      s: { S: 'AP+ABw==' },
    };
    expect(toArchiveAttributeMap(fromSdk)).toEqual(asLambda);
    expect(toArchiveAttributeMap(asLambda)).toEqual(asLambda);
  });

  it('gives the SDK bytes for base64 binary, at any depth, and strings stay strings', () => {
    const sdk = toSdkAttributeMap(asLambda);
    expect(sdk.b).toEqual({ B: bytes });
    expect(sdk.bs).toEqual({ BS: [bytes, new Uint8Array()] });
    expect(sdk.m).toEqual({ M: { deep: { L: [{ B: bytes }, { N: '1' }] } } });
    expect(sdk.s).toEqual({ S: 'AP+ABw==' });
  });

  it('refuses binary that is not base64 and values of no DynamoDB type, naming the attribute path', () => {
    expect(() => toSdkAttributeMap({ m: { M: { raw: { B: 'not base64!' } } } })).toThrow(
      InvalidAttributeError,
    );
    expect(() => toSdkAttributeMap({ m: { M: { raw: { B: 'not base64!' } } } })).toThrow(
      /m\.raw: binary value/,
    );
    expect(() => toSdkAttributeMap({ x: { DATE: '2026' } } as unknown as AttributeMap)).toThrow(
      /x: unknown attribute type \["DATE"\]/,
    );
  });

  it('keeps attributes named __proto__ as attributes, at the top and inside maps, both ways', () => {
    // JSON.parse (how Lambda's event arrives) makes `__proto__` an own property.
    const image = JSON.parse(
      '{"__proto__":{"B":"AP+ABw=="},"m":{"M":{"__proto__":{"S":"x"}}}}',
    ) as AttributeMap;
    for (const converted of [toArchiveAttributeMap(image), toSdkAttributeMap(image)]) {
      expect(Object.keys(converted)).toEqual(['__proto__', 'm']);
      expect(Object.getPrototypeOf(converted)).toBe(Object.prototype);
      const inner = (Object.getOwnPropertyDescriptor(converted, 'm')!.value as { M: object }).M;
      expect(Object.keys(inner)).toEqual(['__proto__']);
    }
    expect(JSON.stringify(toArchiveAttributeMap(image))).toBe(JSON.stringify(image));
  });
});
