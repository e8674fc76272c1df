/**
 * Replays armed from the panel: the next request of the app that matches a recording (method,
 * origin and path) is answered from it — no network — with the recorded status, headers and
 * body chunks at their recorded times (scaled). The answer goes through the same capture and
 * fault controls as a live response, so a drop can be injected at the same point.
 *
 * Mocks are served the same way: their URL may be a pattern (`*` within a path segment), and
 * their body may end in a drop, which fails the body with the TypeError this browser's own
 * network failure gives (engine.ts), so the app takes the path a real disconnect takes.
 */
import { isUrlPattern, patternMatches, replayKey, type ReplayRecording } from '../core/replay/recording';
import { isSocketRecording, type AnyRecording } from '../core/replay/any';
import type { EsRecording, SocketRecording, WsRecording } from '../core/replay/socket-recording';
import { engineTraits } from './engine';
import { apply, bare } from './define';
import { append, hasOwn, SafeMap } from '../core/builtins';
import { createAbortWatch } from './abort';

const getPrototypeOf = Object.getPrototypeOf;
const create = Object.create;

type G = Window & typeof globalThis;

/** A socket recording taken for one new WebSocket or EventSource. */
export interface SocketReplay<R extends SocketRecording> {
  recording: R;
  scale: number;
}

export interface Replays {
  /** Arms any recording: a socket's is taken by the next matching constructor call, a response's by the next matching request. */
  arm(recording: AnyRecording, scale: number): void;
  /** Takes the armed WebSocket replay for this (absolute) URL, if any. */
  /** Whether any socket recording is armed (the constructors' fast path). */
  socketsArmed(): boolean;
  takeSocket(kind: 'websocket', url: string): SocketReplay<WsRecording> | null;
  takeSocket(kind: 'eventsource', url: string): SocketReplay<EsRecording> | null;
  /** Takes the armed replay for this request, if any (each answers one request). */
  take(method: string, url: string): { recording: ReplayRecording; scale: number } | null;
  /** A Response whose body plays the recording; errors with the signal's reason on abort. */
  respond(r: { recording: ReplayRecording; scale: number }, signal: AbortSignal | null): Response;
}

export function createReplays(g: G): Replays {
  const armed = new SafeMap<string, Array<{ recording: ReplayRecording; scale: number }>>();
  /**
   * Socket recordings, oldest first, kept apart from the responses: a fetch of a ws:// URL's
   * http twin never takes a WebSocket's recording, nor a WebSocket a response's.
   */
  let sockets: Array<{ kind: SocketRecording['kind']; key: string; pattern: boolean; entry: SocketReplay<SocketRecording> }> = [];
  // Pattern-armed ones, oldest first, scanned after the exact keys.
  let patterns: Array<{ key: string; entry: { recording: ReplayRecording; scale: number } }> = [];
  const TypeErrorCtor = g.TypeError;
  const { bodyDropped } = engineTraits(g);
  const setTimeoutFn = g.setTimeout;
  const clearTimeoutFn = g.clearTimeout;
  const Encoder = g.TextEncoder;
  const encode = g.TextEncoder.prototype.encode;
  const ReadableStreamCtor = g.ReadableStream;
  const ResponseCtor = g.Response;
  const controllerProto = (() => {
    let proto: ReadableStreamDefaultController<Uint8Array> | null = null;
    new ReadableStreamCtor(bare({ start: (c: ReadableStreamDefaultController<Uint8Array>) => void (proto = getPrototypeOf(c)) }));
    return proto as ReadableStreamDefaultController<Uint8Array> | null;
  })();
  const enqueue = controllerProto!.enqueue;
  const close = controllerProto!.close;
  const error = controllerProto!.error;
  const watchAbort = createAbortWatch(g, 'hook:replay');
  const takePattern = (key: string): { recording: ReplayRecording; scale: number } | null => {
    for (let i = 0; i < patterns.length; i++) {
      if (!patternMatches(patterns[i]!.key, key)) continue;
      const found = patterns[i]!.entry;
      const rest: typeof patterns = [];
      for (let j = 0; j < patterns.length; j++) if (j !== i) append(rest, patterns[j]!);
      patterns = rest;
      return found;
    }
    return null;
  };
  const takeSocket = (kind: SocketRecording['kind'], url: string): SocketReplay<SocketRecording> | null => {
    if (sockets.length === 0) return null;
    const key = replayKey('GET', url);
    for (let i = 0; i < sockets.length; i++) {
      const s = sockets[i]!;
      if (s.kind !== kind || !(s.pattern ? patternMatches(s.key, key) : s.key === key)) continue;
      const rest: typeof sockets = [];
      for (let j = 0; j < sockets.length; j++) if (j !== i) append(rest, sockets[j]!);
      sockets = rest;
      return s.entry;
    }
    return null;
  };
  return {
    takeSocket: takeSocket as Replays['takeSocket'],
    socketsArmed: () => sockets.length > 0,
    arm(recording, scale) {
      if (isSocketRecording(recording)) {
        return append(sockets, { kind: recording.kind, key: replayKey('GET', recording.url), pattern: isUrlPattern(recording.url), entry: { recording, scale } });
      }
      const key = replayKey(recording.method, recording.url);
      if (isUrlPattern(recording.url)) return append(patterns, { key, entry: { recording, scale } });
      const list = armed.get(key) ?? [];
      append(list, { recording, scale });
      armed.set(key, list);
    },
    take(method, url) {
      if (armed.size === 0 && patterns.length === 0) return null;
      const key = replayKey(method, url);
      const list = armed.get(key);
      if (!list || list.length === 0) return takePattern(key);
      // The oldest first; the rest move up (no `shift`: see core/builtins.ts).
      const next = list[0]!;
      const rest: Array<{ recording: ReplayRecording; scale: number }> = [];
      for (let i = 1; i < list.length; i++) append(rest, list[i]!);
      if (rest.length === 0) armed.delete(key);
      else armed.set(key, rest);
      return next;
    },
    respond({ recording, scale }, signal) {
      const encoder = new Encoder();
      const timers: number[] = [];
      const clearAll = () => {
        for (let i = 0; i < timers.length; i++) apply(clearTimeoutFn, g, [timers[i]]);
      };
      const chunks = recording.chunks;
      const end = recording.end;
      const body = new ReadableStreamCtor<Uint8Array>(bare({
        start(controller: ReadableStreamDefaultController<Uint8Array>) {
          for (let i = 0; i < chunks.length; i++) {
            const chunk = chunks[i]!;
            append(timers, apply(setTimeoutFn, g, [() => {
              apply(enqueue, controller, [apply(encode, encoder, [chunk.text])]);
              if (i === chunks.length - 1 && !end) apply(close, controller, []);
            }, chunk.at * scale]) as unknown as number);
          }
          if (end) {
            // Timers of equal delay run in order, so the end never overtakes the last chunk.
            append(timers, apply(setTimeoutFn, g, [() => {
              if (end.kind === 'close') apply(close, controller, []);
              else if (end.kind === 'drop') apply(error, controller, [new TypeErrorCtor(bodyDropped)]);
            }, end.at * scale]) as unknown as number);
          } else if (chunks.length === 0) apply(close, controller, []);
          if (signal) {
            watchAbort(signal, (reason) => {
              clearAll();
              apply(error, controller, [reason]);
            });
          }
        },
        cancel() {
          clearAll();
        },
      }) as UnderlyingDefaultSource<Uint8Array>);
      // A prototype-less record rather than the pairs: the browser iterates a list of pairs with
      // the page's Array iterator. Repeated names are joined, as Headers joins them.
      const headers = create(null) as Record<string, string>;
      for (let i = 0; i < recording.headers.length; i++) {
        const name = recording.headers[i]![0];
        const value = recording.headers[i]![1];
        headers[name] = hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
      }
      return new ResponseCtor(body, bare({ status: recording.status, statusText: recording.statusText, headers }));
    },
  };
}
