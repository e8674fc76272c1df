/**
 * The MCP family's fake model and the generation it runs: deterministic tokens at a steady
 * pace, with listeners so one generation can be followed by several tool calls (the shared
 * variant) and counters that move only when a generation really starts or ends.
 */
import type { ZooCounters } from '../types';

// " agent" " agent" straddles a token boundary on purpose: it catches text-overlap heuristics.
const TEXT =
  'Sure. A tool call over MCP can stream its work as progress notifications, one short message per step, and return the whole result at the end. ' +
  'The agent agent loop in this demo sends each token as the message of a progress notification, so the page can render it at once. ' +
  'Whether a dropped stream comes back depends on the transport: with an event store the server keeps every event and the client resumes after the last id it saw.';

export const TOKEN_MS = 90;

export function tokensOf(_prompt: string): string[] {
  return TEXT.split(/(?= )/);
}

export const answerOf = (prompt: string): string => tokensOf(prompt).join('');

export type End = 'finished' | 'cancelled' | 'aborted';

export class Generation {
  readonly tokens: string[] = [];
  end: End | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake = new Set<() => void>();

  constructor(readonly prompt: string, private readonly counters: ZooCounters) {
    counters.started++;
    const all = tokensOf(prompt);
    const step = () => {
      this.tokens.push(all[this.tokens.length]!);
      if (this.tokens.length === all.length) this.stop('finished');
      else this.timer = setTimeout(step, TOKEN_MS);
      this.notify();
    };
    this.timer = setTimeout(step, TOKEN_MS);
  }

  get text(): string {
    return this.tokens.join('');
  }

  /** Ends the generation once; the counter says why (natural end, explicit cancel, lost connection). */
  stop(why: End): void {
    if (this.end) return;
    clearTimeout(this.timer);
    this.end = why;
    this.counters[why]++;
    this.notify();
  }

  /** Server shutdown: stop the timer without counting anything. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Calls `onToken` for every token from index `from` (those already made, then live ones), in order, until the end. */
  async follow(from: number, onToken: (token: string, index: number) => Promise<void>): Promise<void> {
    for (let i = from; ; ) {
      while (i < this.tokens.length) await onToken(this.tokens[i]!, i++);
      if (this.end) return;
      await new Promise<void>((r) => this.wake.add(r));
    }
  }

  private notify(): void {
    const w = [...this.wake];
    this.wake.clear();
    for (const r of w) r();
  }
}
