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
import { installFetch, type FetchCall } from './fetch';
import { installWebSocket } from './websocket';
import type { WsControls } from './ws-control';
import { installEventSource } from './eventsource';
import { installXhr } from './xhr';
import { installWorkerSignals } from './page-signals';
import { installFrameReach } from './frames';
import { safely } from './safely';
import { apply, maskToString, replaceValue, standIn } from './define';

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

type G = Window & typeof globalThis;

export interface HookParts {
  emitter: Emitter;
  faults: FaultEngine | null;
  replays: Replays;
  realms: HookedRealms;
  /** The panel's WebSocket control, shared by every window the hook installs in. */
  wsControls: WsControls | null;
}

export function installInto(w: G, parts: HookParts): void {
  const { emitter, faults, replays, realms, wsControls } = parts;
  // First, so that every wrapper installed after it, and it itself, prints native source text.
  safely(() => maskToString(w), 'hook:faces');
  // The window's own fetch, before we wrap it: the EventSource emulation reconnects with it.
  const nativeFetch = w.fetch;
  const call = safely(() => installFetch(w, emitter, faults, replays), 'hook:fetch');
  if (call) safely(() => routeForeignReceivers(w, realms, call, nativeFetch), 'hook:frames');
  safely(() => installWebSocket(w, emitter, faults, wsControls, replays), 'hook:websocket');
  safely(() => installEventSource(w, emitter, faults, nativeFetch, replays), 'hook:eventsource');
  safely(() => installXhr(w, emitter, faults, replays), 'hook:xhr');
  safely(() => installWorkerSignals(w, emitter), 'hook:page-signals');
  safely(() => installFrameReach(w, { emitter, realms, install: (child) => installInto(child, parts) }), 'hook:frames');
}

/**
 * `fetch` called on another window (`frame.contentWindow.fetch.call(window, url)`) runs, in the
 * browser, as that window (its base URL, promise and Response classes) while its errors are
 * still this window's. The call is captured by that window's hook (its FetchCall: same-origin
 * frames all share one hook instance, see hooked-realms.ts) running this window's native
 * fetch: the page gets what it would without us, and the capture sees the stream once. Any
 * other receiver keeps this window's path.
 */
function routeForeignReceivers(w: G, realms: HookedRealms, call: FetchCall, nativeFetch: typeof fetch): void {
  const own = w.fetch;
  const windowOf = getOwnPropertyDescriptor(w, 'window')?.get;
  if (typeof own !== 'function' || !windowOf) return;
  realms.publishFetch(w, call);
  const isOtherWindow = (x: unknown): x is Window => {
    if (x === undefined || x === null || x === w || (typeof x !== 'object' && typeof x !== 'function')) return false;
    try {
      // The unforgeable `window` getter: its brand check refuses anything but a Window, running no page code.
      return apply(windowOf, x, []) === x;
    } catch {
      return false;
    }
  };
  const routed = new Proxy(own, {
    apply(target, thisArg, args: unknown[]) {
      const other = isOtherWindow(thisArg) ? safely(() => realms.fetchOf(thisArg), 'hook:frames') : undefined;
      return other ? other(nativeFetch, thisArg, args) : apply(target, thisArg, args);
    },
  });
  standIn(routed, own);
  replaceValue(w, 'fetch', routed);
}
