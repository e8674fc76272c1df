/** The openai family's fake model: deterministic tokens at a steady pace (the only fake in these apps). */

// " agent" " agent" straddles a token boundary on purpose: it catches text-overlap heuristics.
const TEXT =
  'Of course. Streaming from a chat completion sends each token as a server-sent event, and the official client turns those events into an async iterator. ' +
  'The agent agent here is only a fake model, but the wire format is the real one: chunks, deltas, a finish reason and a final done marker. ' +
  'Background responses go further, because the server keeps generating and numbering events after the client goes away.';

export const TOKEN_MS = 90;
export const MODEL = 'zoo-1';

export function tokensOf(_prompt: string): string[] {
  return TEXT.split(/(?= )/);
}

export const answerOf = (prompt: string): string => tokensOf(prompt).join('');
