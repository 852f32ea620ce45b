/**
 * Every event-pattern example of the EventBridge documentation pages (event patterns, comparison
 * operators, content filtering, null values, arrays, best practices, TestEventPattern, …) with the
 * documented event or a built hit and miss. The data, with the page of each example, is in
 * fixtures/doc-examples.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../lib/patterns/index.js';

interface DocCase {
  event: string | Record<string, unknown>;
  matches: boolean;
}
interface DocExample {
  page: string;
  section: string;
  verbatim?: boolean;
  pattern?: Record<string, unknown>;
  patternText?: string;
  cases: DocCase[];
}
interface DocExamples {
  pages: Record<string, string>;
  events: Record<string, Record<string, unknown>>;
  examples: DocExample[];
}

const docs = JSON.parse(
  readFileSync(new URL('./fixtures/doc-examples.json', import.meta.url), 'utf8'),
) as DocExamples;

function eventOf(event: DocCase['event']): Record<string, unknown> {
  if (typeof event !== 'string') return event;
  const named = docs.events[event];
  if (!named) throw new Error(`doc-examples.json: no event named ${event}`);
  return named;
}

describe('EventBridge documentation examples', () => {
  it('cite a known page for every example', () => {
    for (const example of docs.examples)
      expect(docs.pages[example.page], example.section).toMatch(/^https:\/\//);
  });

  // Both builds of a pattern: generated code (the default) and plain closures.
  for (const generateCode of [true, false]) {
    describe(generateCode ? 'generated matchers' : 'closure matchers', () => {
      for (const example of docs.examples) {
        describe(`${example.section} — ${docs.pages[example.page]}`, () => {
          const pattern = compilePattern(example.patternText ?? example.pattern, { generateCode });
          example.cases.forEach((docCase, index) => {
            const name = typeof docCase.event === 'string' ? docCase.event : `#${index + 1}`;
            it(`${docCase.matches ? 'matches' : 'does not match'} event ${name}`, () => {
              expect(pattern.matches(eventOf(docCase.event))).toBe(docCase.matches);
            });
          });
        });
      }
    });
  }
});
