/**
 * The fake model for the Durable Streams family, the only fake in these apps: the same answer
 * for every prompt, one word-token at a time at a steady pace, with "agent agent" split across
 * a token boundary so a text-overlap heuristic that drops a repeated word is caught.
 */
const TEXT =
  'A durable stream is an append-only log with a URL. The server appends every token the model ' +
  'writes, and each read answers with the offset to continue from, so a reader that loses its ' +
  'connection asks again from that offset and misses nothing. Any number of readers can follow ' +
  'the same stream, from the start or from where they stopped. The generation itself runs on ' +
  'the server, and only a cancel sent to the app makes the agent agent loop stop writing to the log.';

/** The first word bare, every later word with its leading space. */
export const TOKENS: readonly string[] = TEXT.split(' ').map((w, i) => (i === 0 ? w : ' ' + w));

/** 80–100 ms per token (~85 tokens, ~7.5 s): time enough to drop, join and stop. */
export const delayMs = (i: number): number => 80 + (i % 3) * 10;

export function answerFor(_prompt: string): string {
  return TOKENS.join('');
}

export { sleep } from '../sleep';
