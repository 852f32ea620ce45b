import type { ConversationStart, Layout } from './types.js';

/**
 * Which change of a layout means "a conversation started" — the rule behind `Conversation Started`,
 * chosen so the event fires exactly once per conversation without the pipeline keeping state:
 *
 * - the layout's own {@link Layout.conversationStart} when it sets one;
 * - else `first-turn` when a turn rule maps a `sequence` field (the agent-memory preset: the turn
 *   whose `seq` is {@link Layout.firstSequence}, default 1);
 * - else `conversation` when the layout has a `conversation` rule (the Mastra preset: a thread's
 *   creation; a custom layout's ticket or session item);
 * - else `none`: nothing in the table marks a conversation's beginning, so the event is never emitted.
 *
 * Only inserts count; snapshot reads (`backfill`) never start a conversation.
 *
 * @example
 * ```ts
 * import { conversationStartRule, mastraLayout } from 'memory-cdc';
 *
 * conversationStartRule(mastraLayout); // 'conversation'
 * ```
 */
export function conversationStartRule(layout: Layout): ConversationStart {
  if (layout.conversationStart) return layout.conversationStart;
  if (layout.entities.some((r) => r.entity === 'turn' && r.fields?.sequence !== undefined))
    return 'first-turn';
  if (layout.entities.some((r) => r.entity === 'conversation')) return 'conversation';
  return 'none';
}

/** The sequence value of a conversation's first turn under a layout. */
export function firstSequenceOf(layout: Layout): number {
  return layout.firstSequence ?? 1;
}

/** The rule in one sentence, for the generated layout docs and `layout show`. */
export function describeConversationStart(layout: Layout): string {
  switch (conversationStartRule(layout)) {
    case 'first-turn':
      return `the insert of a turn whose sequence field is ${firstSequenceOf(layout)}`;
    case 'conversation':
      return 'the insert of a conversation item';
    default:
      return layout.conversationStart === 'none'
        ? 'never (the layout turns it off: another table of its design marks the start)'
        : 'never (the layout has neither a turn sequence field nor conversation items)';
  }
}
