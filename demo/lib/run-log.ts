/**
 * In-memory, append-only event log of one durable stream, with live
 * subscribers. Sequence numbers start at 1, so "after 0" means everything.
 */
import type { ServerResponse } from 'node:http';
import { formatSse, safeEnd, safeWrite } from './http.js';

export interface LogEvent {
  seq: number;
  event: string;
  data: Record<string, unknown>;
}

type Subscriber = (ev: LogEvent) => void;

export class RunLog {
  readonly events: LogEvent[] = [];
  private subs = new Set<Subscriber>();
  private endSubs = new Set<() => void>();
  ended = false;

  append(event: string, data: Record<string, unknown>): LogEvent {
    const ev: LogEvent = { seq: this.events.length + 1, event, data: { ...data, seq: this.events.length + 1 } };
    this.events.push(ev);
    for (const s of [...this.subs]) s(ev);
    return ev;
  }

  /** Marks the log complete (after a terminal event); ends all subscribers. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const s of [...this.endSubs]) s();
    this.subs.clear();
    this.endSubs.clear();
  }

  /** Replays events with seq > after, then live ones. Returns an unsubscribe function. */
  subscribe(after: number, onEvent: Subscriber, onEnd: () => void): () => void {
    for (const ev of this.events) if (ev.seq > after) onEvent(ev);
    if (this.ended) {
      onEnd();
      return () => {};
    }
    this.subs.add(onEvent);
    this.endSubs.add(onEnd);
    return () => {
      this.subs.delete(onEvent);
      this.endSubs.delete(onEnd);
    };
  }
}

export interface PipeOptions {
  after: number;
  withIds: boolean;
  /** Sent first (e.g. `retry: 1000`). */
  preamble?: string;
  pingMs?: number;
}

/**
 * Pipes a RunLog to an already-started SSE response: `id: <seq>` (if withIds),
 * `event: <name>`, `data: <json>`; `: ping` after pingMs of silence; ends the
 * response when the log ends; unsubscribes when the client goes away.
 */
export function pipeLogToSse(log: RunLog, res: ServerResponse, opts: PipeOptions): void {
  let lastWrite = Date.now();
  let ping: NodeJS.Timeout | undefined;
  const write = (text: string): void => {
    lastWrite = Date.now();
    safeWrite(res, text);
  };
  if (opts.preamble) write(opts.preamble);
  const cleanup = (): void => {
    if (ping) clearInterval(ping);
    unsubscribe();
  };
  let unsubscribe: () => void = () => {};
  unsubscribe = log.subscribe(
    opts.after,
    (ev) => write(formatSse({ id: opts.withIds ? ev.seq : undefined, event: ev.event, data: JSON.stringify(ev.data) })),
    () => {
      cleanup();
      safeEnd(res);
    },
  );
  if (res.writableEnded) return;
  const pingMs = opts.pingMs ?? 5000;
  ping = setInterval(() => {
    if (Date.now() - lastWrite >= pingMs) write(': ping\n\n');
  }, Math.min(pingMs, 1000));
  ping.unref();
  res.on('close', cleanup);
}
