/**
 * Wraps one window's streaming transports and frame getters. The hook runs it for its own
 * window at document_start, and frames.ts for each same-origin child window the page reaches
 * before the child's own content script could run: all of them share one emitter (the child's
 * captures go through the channel of the window that installed there), one fault engine and
 * one set of armed replays.
 */
import type { Emitter } from './emit';
import type { FaultEngine } from './faults';
import type { Replays } from './replay';
import type { HookedRealms } from './hooked-realms';
import { installFetch } from './fetch';
import { installWebSocket } from './websocket';
import { installEventSource } from './eventsource';
import { installXhr } from './xhr';
import { installWorkerSignals } from './page-signals';
import { installFrameReach } from './frames';
import { safely } from './safely';

type G = Window & typeof globalThis;

export interface HookParts {
  emitter: Emitter;
  faults: FaultEngine | null;
  replays: Replays;
  realms: HookedRealms;
}

export function installInto(w: G, parts: HookParts): void {
  const { emitter, faults, replays, realms } = parts;
  // The window's own fetch, before we wrap it: the EventSource emulation reconnects with it.
  const nativeFetch = w.fetch;
  safely(() => installFetch(w, emitter, faults, replays), 'hook:fetch');
  safely(() => installWebSocket(w, emitter, faults), 'hook:websocket');
  safely(() => installEventSource(w, emitter, faults, nativeFetch), 'hook:eventsource');
  safely(() => installXhr(w, emitter), 'hook:xhr');
  safely(() => installWorkerSignals(w, emitter), 'hook:page-signals');
  safely(() => installFrameReach(w, { emitter, realms, install: (child) => installInto(child, parts) }), 'hook:frames');
}
