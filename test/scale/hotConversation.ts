/**
 * The busiest partition key a batch can have: 100 inserts of turns in one conversation, from the
 * fixture generator (its keys rewritten to one user and one conversation).
 */
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import type { StreamRecord } from '../../lib/stream/types.js';

/** `count` turn inserts of conversation `c-hot` of user `u-hot`, in stream order. */
export function hotConversation(count = 100): StreamRecord[] {
  const records = generateFixtures({ count: count * 4, mix: { turn: 1 }, seed: 11 });
  const inserts = records.filter((r) => r.eventName === 'INSERT').slice(0, count);
  return inserts.map((r) => {
    const image = r.dynamodb?.NewImage ?? {};
    const sk = `CONV#c-hot#TS#${(image.sk as { S: string }).S.split('#TS#')[1]}`;
    const keys = { pk: { S: 'USER#u-hot' }, sk: { S: sk } };
    return { ...r, dynamodb: { ...r.dynamodb, Keys: keys, NewImage: { ...image, ...keys } } };
  });
}
