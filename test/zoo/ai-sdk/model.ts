/**
 * The only fake in the AI SDK zoo app: a language model built on the SDK's own test helpers
 * (`MockLanguageModelV3` from `ai/test`, `simulateReadableStream` from `ai`) that streams a fixed
 * answer one word every ~90 ms. Everything above it — streamText, the UI message stream, SSE,
 * resumable-stream, useChat — is the libraries' real code.
 *
 * The model is also where the app's counters come from: it is the source of the generation, so
 * whether it ran to its end or was stopped early (and why) is observed here, not inferred from
 * what a client saw.
 */
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';

// About 80 words. "agent agent" straddles two tokens on purpose: a reconnect heuristic that
// de-duplicates by text overlap would wrongly swallow one of them.
const TEXT =
  'Durable sessions keep a conversation alive across the network. When the connection drops, the client reconnects and ' +
  'resumes the same generation from where it stopped, so nothing is lost and nothing is repeated. A second tab on the ' +
  'same chat joins the stream while it is still running. The agent agent loop keeps working on the server even when ' +
  'every tab goes away, and a Stop pressed anywhere reaches the model. That is the difference between a chat ' +
  'that survives networks and one that breaks on a train.';

export const TOKENS: string[] = TEXT.split(' ').map((w, i, all) => (i < all.length - 1 ? `${w} ` : w));

/** The full answer for any prompt: the fake model ignores the prompt, so it is deterministic. */
export function answerFor(_prompt: string): string {
  return TOKENS.join('');
}

/** How a generation ended at its source. */
export type ModelEnd = 'finished' | 'stopped';

export interface ModelHooks {
  /** The model was asked to generate (one call per generation). */
  onStart(): void;
  /** The model's stream ended: it emitted every token, or it was stopped early by its abort signal or its consumer. */
  onEnd(end: ModelEnd, tokensEmitted: number): void;
}

/** A model for one request: the server makes one per generation so each knows its own hooks. */
export function fakeModel(h: ModelHooks, tokenMs = 90): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doStream: async ({ abortSignal }) => {
      h.onStart();
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 'txt-0' },
        ...TOKENS.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 'txt-0', delta })),
        { type: 'text-end', id: 'txt-0' },
        {
          type: 'finish',
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: TOKENS.length, text: TOKENS.length, reasoning: 0 },
          },
        },
      ];
      const source = simulateReadableStream({ chunks: parts, initialDelayInMs: 150, chunkDelayInMs: tokenMs }).getReader();
      let emitted = 0;
      let ended = false;
      const end = (how: ModelEnd) => {
        if (ended) return;
        ended = true;
        h.onEnd(how, emitted);
      };
      let ctrl: ReadableStreamDefaultController<LanguageModelV3StreamPart> | undefined;
      // A real provider's fetch is torn down the moment its abort signal fires, whether or not
      // anyone is still reading; so is this one.
      const onAbort = () => {
        end('stopped');
        void source.cancel().catch(() => {});
        try {
          ctrl?.error(new DOMException('The generation was aborted.', 'AbortError'));
        } catch {
          // already closed
        }
      };
      if (abortSignal?.aborted) onAbort();
      else abortSignal?.addEventListener('abort', onAbort, { once: true });
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        start(c) {
          ctrl = c;
        },
        async pull(c) {
          if (ended) return;
          const { done, value } = await source.read();
          if (ended) return;
          if (done) {
            end('finished');
            abortSignal?.removeEventListener('abort', onAbort);
            c.close();
            return;
          }
          if (value.type === 'text-delta') emitted++;
          c.enqueue(value);
        },
        cancel() {
          // The SDK cancels the model stream when its consumer goes away without an abort signal.
          end('stopped');
          abortSignal?.removeEventListener('abort', onAbort);
          void source.cancel().catch(() => {});
        },
      });
      return { stream };
    },
  });
}
