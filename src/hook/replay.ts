/**
 * Replays armed from the panel: the next request of the app that matches a recording (method,
 * origin and path) is answered from it — no network — with the recorded status, headers and
 * body chunks at their recorded times (scaled). The answer goes through the same capture and
 * fault controls as a live response, so a drop can be injected at the same point.
 */
import { replayKey, type ReplayRecording } from '../core/replay/recording';
import { apply } from './define';

type G = Window & typeof globalThis;

export interface Replays {
  arm(recording: ReplayRecording, scale: number): void;
  /** Takes the armed replay for this request, if any (each answers one request). */
  take(method: string, url: string): { recording: ReplayRecording; scale: number } | null;
  /** A Response whose body plays the recording; errors with the signal's reason on abort. */
  respond(r: { recording: ReplayRecording; scale: number }, signal: AbortSignal | null): Response;
}

export function createReplays(g: G): Replays {
  const armed = new Map<string, Array<{ recording: ReplayRecording; scale: number }>>();
  const setTimeoutFn = g.setTimeout;
  const clearTimeoutFn = g.clearTimeout;
  const Encoder = g.TextEncoder;
  return {
    arm(recording, scale) {
      const key = replayKey(recording.method, recording.url);
      const list = armed.get(key) ?? [];
      list.push({ recording, scale });
      armed.set(key, list);
    },
    take(method, url) {
      if (armed.size === 0) return null;
      const key = replayKey(method, url);
      const list = armed.get(key);
      const next = list?.shift() ?? null;
      if (list && list.length === 0) armed.delete(key);
      return next;
    },
    respond({ recording, scale }, signal) {
      const encoder = new Encoder();
      const timers: number[] = [];
      const body = new g.ReadableStream<Uint8Array>({
        start(controller) {
          recording.chunks.forEach((chunk, i) => {
            timers.push(apply(setTimeoutFn, g, [() => {
              controller.enqueue(encoder.encode(chunk.text));
              if (i === recording.chunks.length - 1) controller.close();
            }, chunk.at * scale]) as unknown as number);
          });
          if (recording.chunks.length === 0) controller.close();
          signal?.addEventListener('abort', () => {
            for (const t of timers) apply(clearTimeoutFn, g, [t]);
            controller.error(signal.reason);
          });
        },
        cancel() {
          for (const t of timers) apply(clearTimeoutFn, g, [t]);
        },
      });
      return new g.Response(body, { status: recording.status, statusText: recording.statusText, headers: recording.headers });
    },
  };
}
