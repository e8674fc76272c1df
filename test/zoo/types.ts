/**
 * The zoo: small chat apps whose streaming is real libraries' own client and server code
 * (npm), each in variants that pass and fail the three validation tests. Every app implements
 * this contract so one oracle (test/zoo/oracle) can measure its truth without the inspector,
 * and the e2e tests compare `durable-sessions check` (given only --prompt) with that truth.
 *
 * Rules every app keeps:
 * - One server on 127.0.0.1, port 0, serving the page and its API from the same origin with
 *   relative URLs only (the oracle loads it through a TCP proxy that cuts connections).
 * - A deterministic fake model: the same prompt gives the same answer, streamed token by token
 *   at a steady pace (about 80 tokens over 6–9 s) so there is time to drop, join and stop.
 * - The server counts its own generations (`counters`); the page renders the latest assistant
 *   answer as plain text in the element at `ui.answer`.
 */
export interface ZooCounters {
  /** Generations the model started (a restart after a reconnect counts again). */
  started: number;
  /** Generations that ran to their natural end. */
  finished: number;
  /** Generations stopped by an explicit cancel request or message from a client. */
  cancelled: number;
  /** Generations the server stopped because the client connection went away. */
  aborted: number;
}

export interface ZooApp {
  /** Library family and variant, e.g. "socket.io (connection-state recovery, rooms)". */
  name: string;
  /** http://127.0.0.1:PORT of the app's own server (no proxy). */
  origin: string;
  /** Path of the chat page, e.g. "/". */
  path: string;
  /** The full answer the fake model streams for this prompt. */
  answer(prompt: string): string;
  counters(): ZooCounters;
  /** Selectors the oracle drives with. The inspector gets none of them. */
  ui: {
    input: string;
    send: string;
    /** The element showing the latest assistant answer (its textContent). */
    answer: string;
    /** The app's stop control, or null when the app has none. */
    stop: string | null;
  };
  close(): Promise<void>;
}

export interface ZooVariant {
  /** Short id used in test names, e.g. "socketio-recovery". */
  id: string;
  start(): Promise<ZooApp>;
}
