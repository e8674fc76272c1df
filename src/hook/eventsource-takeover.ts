/**
 * After an injected drop, an EventSource is carried on by this emulation, because a page
 * cannot make the browser's own EventSource lose its connection and reconnect. It does what the
 * HTML spec's reconnection does: readyState CONNECTING and an `error` event, a wait of the
 * reconnection time (the last `retry:` seen, else the browser's default: `engine.ts`), a new request
 * with `Last-Event-ID`, then `open` and the events of the new response dispatched on the
 * app's own EventSource object. So the server's resume logic is what gets tested.
 *
 * Limits (the app could tell): the events are not `isTrusted`, and the first reconnect waits
 * the default time when the server's `retry:` came before the drop (the browser parsed it,
 * the page cannot read it).
 *
 * A replayed EventSource (eventsource.ts) is this emulation from the start, fed from its
 * recording instead of the network.
 *
 * This path runs only during a fault the user injected or a replay they armed, and unlike the rest of the hook it
 * still uses page-visible built-ins (`eventsource-parser`'s string methods, the page's current
 * `Event`, `URL` and `TextDecoder` globals and promise methods): a page that spies on those
 * during a fault test or a replay can notice it.
 */
import { append } from '../core/builtins';
import { createParser } from 'eventsource-parser';
import { apply } from './define';
import { safely } from './safely';
import { internalErrors } from './internal-errors';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

type G = Window & typeof globalThis;

const WHERE = 'hook:eventsource';

export interface TakeoverHost {
  g: G;
  es: EventSource;
  url: string;
  withCredentials: boolean;
  nativeFetch: typeof fetch;
  lastEventId: string;
  retryMs: number;
  setReadyState(state: number): void;
  /** Dispatches an event of ours on the EventSource (marked so our own listeners let it pass). */
  fire(e: Event): void;
  onState(state: 'reconnecting' | 'open', lastEventId: string | null): void;
  onFail(error: string): void;
  /**
   * Connect at once (readyState CONNECTING, no `error` first): a replayed EventSource starts
   * here, its requests answered from its recording (replay.ts) by `nativeFetch`.
   */
  immediate?: boolean;
}

export interface Takeover {
  close(): void;
  /** Held events are dispatched on release (or dropped with a new reconnect when not delivered). */
  hold(): void;
  release(deliver: boolean): void;
  /** Drops the emulated connection too (a second drop). */
  drop(): void;
}

export function startTakeover(h: TakeoverHost): Takeover {
  const { g } = h;
  const setTimeoutFn = g.setTimeout;
  const later = (fn: () => void, ms: number) => apply(setTimeoutFn, g, [() => safely(fn, WHERE), ms]);
  const origin = new g.URL(h.url).origin;
  let lastEventId = h.lastEventId;
  let retryMs = h.retryMs;
  let closed = false;
  let controller: AbortController | null = null;
  let held: Event[] | null = null;
  let generation = 0;

  const dispatch = (e: Event) => {
    if (held) append(held, e);
    else h.fire(e);
  };

  const lose = () => {
    if (closed) return;
    generation += 1;
    controller?.abort();
    controller = null;
    h.setReadyState(CONNECTING);
    h.onState('reconnecting', lastEventId || null);
    later(() => h.fire(new g.Event('error')), 0);
    const mine = generation;
    later(() => {
      if (!closed && mine === generation) connect(mine);
    }, retryMs);
  };

  const fail = (why: string) => {
    if (closed) return;
    closed = true;
    h.setReadyState(CLOSED);
    h.onFail(why);
    later(() => h.fire(new g.Event('error')), 0);
  };

  const connect = (mine: number) => {
    controller = new g.AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const request = apply(h.nativeFetch, g, [h.url, { headers, credentials: h.withCredentials ? 'include' : 'same-origin', cache: 'no-store', signal: controller.signal }]) as Promise<Response>;
    request.then(
      // A failure of ours here would otherwise reject the promise `then` returns, which nobody
      // handles: the page would see an unhandledrejection.
      (res) => safely(() => {
        // A superseded response: its cancel may reject (the body already errored), which
        // changes nothing for a connection nobody reads any more.
        if (closed || mine !== generation) return void res.body?.cancel().catch(() => undefined);
        const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (res.status !== 200 || type !== 'text/event-stream' || !res.body) return fail(`reconnect answered ${res.status} ${type || 'without a content type'}`);
        h.setReadyState(OPEN);
        h.onState('open', null);
        h.fire(new g.Event('open'));
        const parser = createParser({
          onEvent(ev) {
            if (ev.id !== undefined) lastEventId = ev.id;
            dispatch(new g.MessageEvent(ev.event ?? 'message', { data: ev.data, lastEventId, origin }));
          },
          onRetry(ms) {
            retryMs = ms;
          },
        });
        const reader = res.body.getReader();
        const decoder = new g.TextDecoder();
        const pump = (): Promise<void> =>
          reader.read().then((r) => {
            if (closed || mine !== generation) return;
            if (r.done) return lose();
            try {
              parser.feed(decoder.decode(r.value, { stream: true }));
            } catch (err) {
              // Not the network's failure but ours: counted, then handled like the lost
              // connection it leaves behind.
              internalErrors.record(WHERE, err);
              throw err;
            }
            return pump();
          });
        // A read that fails is the connection lost: reconnect, as the browser does.
        pump().catch(() => {
          if (mine === generation) lose();
        });
      }, WHERE),
      // The request failed (network, abort): reconnect after the retry time, as the browser does.
      () => {
        if (mine === generation) lose();
      },
    );
  };

  if (h.immediate) {
    h.setReadyState(CONNECTING);
    connect(generation);
  } else lose();
  return {
    close() {
      closed = true;
      generation += 1;
      controller?.abort();
      h.setReadyState(CLOSED);
    },
    hold() {
      held ??= [];
    },
    release(deliver) {
      const events = held ?? [];
      held = null;
      if (!deliver) return lose();
      for (let i = 0; i < events.length; i++) h.fire(events[i]!);
    },
    drop: lose,
  };
}
