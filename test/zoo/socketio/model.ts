/**
 * The fake model for the Socket.IO family: the only fake in these apps. The answer is the same
 * for every prompt (deterministic), one word-token at a time, and contains "agent agent" split
 * across a token boundary so text-overlap heuristics that drop a repeated word are caught.
 */
const TEXT =
  'A durable chat keeps the answer alive when the network is not. The server owns the ' +
  'generation, so a dropped socket is only a pause: the client reconnects, tells the server ' +
  'the last offset it saw, and the missed tokens arrive in order. A second tab joins the same ' +
  'conversation room and watches the answer grow live. When any tab presses ' +
  'stop, the cancel reaches the agent agent loop at the source, and nothing more is generated ' +
  'for anyone watching this conversation.';

/** Tokens: the first word bare, every later word with its leading space. */
export const TOKENS: readonly string[] = TEXT.split(' ').map((w, i) => (i === 0 ? w : ' ' + w));

/** One token every 90 ms: ~80 tokens over ~7 s, time enough to drop, join and stop. */
export const TOKEN_INTERVAL_MS = 90;

export function answerFor(_prompt: string): string {
  return TOKENS.join('');
}
