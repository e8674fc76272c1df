/**
 * The fake model for the tRPC family, the only fake in these apps: the same answer for every
 * prompt, one word-token at a time at a steady pace, with "agent agent" split across a token
 * boundary so a text-overlap heuristic that drops a repeated word is caught.
 */
const TEXT =
  'With tRPC subscriptions over server-sent events, each token the model writes is one event ' +
  'on a long response. When that event carries an id from tracked, the browser remembers it, ' +
  'and after a dropped connection the event source reconnects and sends the last id back, so ' +
  'the server can continue right after it. Without ids, the subscription has to begin again. ' +
  'Here the agent agent loop lives on the server under the chat id, so any tab can follow it ' +
  'and any tab can ask it to stop.';

/** The first word bare, every later word with its leading space. */
export const TOKENS: readonly string[] = TEXT.split(' ').map((w, i) => (i === 0 ? w : ' ' + w));

/** 80–100 ms per token (~80 tokens, ~7 s): time enough to drop, join and stop. */
export const delayMs = (i: number): number => 80 + (i % 3) * 10;

export function answerFor(_prompt: string): string {
  return TOKENS.join('');
}

export { sleep } from '../sleep';
