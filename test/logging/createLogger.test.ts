import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logging/createLogger.js';

/** A destination keeping every line pino writes. */
function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

const SECRET = 'my passport number is X1234567';

/** Item contents in every place a log call of memory-cdc can nest them. */
const contents = {
  before: { text: SECRET },
  after: { text: SECRET },
  item: { text: SECRET },
  plain: { text: SECRET },
  text: SECRET,
  record: { dynamodb: { NewImage: { text: { S: SECRET } }, OldImage: { text: { S: SECRET } } } },
  entry: { Detail: { before: { text: SECRET }, after: { text: SECRET } } },
  output: { item: { text: SECRET }, text: SECRET },
};

describe('createLogger', () => {
  it('redacts item contents wherever a log call nests them, by default', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'router', destination }).warn(contents, 'batch');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      function: 'router',
      msg: 'batch',
      before: '[redacted]',
      after: '[redacted]',
      item: '[redacted]',
      plain: '[redacted]',
      text: '[redacted]',
      record: { dynamodb: { NewImage: '[redacted]', OldImage: '[redacted]' } },
      entry: { Detail: { before: '[redacted]', after: '[redacted]' } },
      output: { item: '[redacted]', text: '[redacted]' },
    });
  });

  it('keeps counts, reasons and keys that are not contents', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'archiver', destination }).info({ records: 3, reason: 'throttled' }, 'batch');
    expect(JSON.parse(lines[0]!)).toMatchObject({ records: 3, reason: 'throttled' });
  });

  it('logs contents only when asked to (MEMORY_CDC_LOG_CONTENTS=true)', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'router', logContents: true, destination }).warn(contents, 'batch');
    expect(JSON.parse(lines[0]!)).toMatchObject({ text: SECRET, before: { text: SECRET } });
  });

  it('writes nothing below its level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'router', level: 'warn', destination });
    logger.info({ text: SECRET }, 'hidden');
    expect(lines).toEqual([]);
  });
});
