/**
 * Frames the page creates and uses before their own content script could run there. The hook
 * in a window installs itself into a same-origin child window at the moment the page gets hold
 * of it: through `contentWindow` / `contentDocument` of iframe, frame and object elements, and
 * through `window.open`'s result; and, after any DOM change, into every same-origin child in
 * `window.frames` not yet hooked. Captures of such a child go through this hook's emitter.
 *
 * Measured in Chromium 156 and Firefox ESR 153, with `match_about_blank` and
 * `match_origin_as_fallback` on both content scripts:
 * - an iframe without `src` (about:blank), a frame nested in it, a `document.write` into it, and
 *   `window.open()`: the frame's own content scripts run synchronously while the element is
 *   inserted, before `append` returns. The frame's hook then joins this one (hook.iife.ts).
 * - `document.open()` removes every listener on the frame's window (a page listener added
 *   before it never fires), so a frame's own hook↔relay handover, a message that arrives a task
 *   later, would be lost in a frame written in the task that created it: joining avoids it.
 * - an iframe with `srcdoc`, a `javascript:` URL, a `data:` URL or any `src`: until the
 *   navigation commits (a later task), its window is an initial about:blank of the parent's
 *   origin that no content script ever runs in, and the page can call its `fetch`. The
 *   getters below install into that window before the page gets it. The srcdoc document then
 *   reuses the same window (hooked-realms.ts says why that is not a double capture).
 * - `data:` URLs and sandboxed frames without `allow-same-origin` (opaque origins): the
 *   content scripts run there too, and their own relay reports their streams; the parent
 *   cannot reach into them, and does not need to.
 * - `frames[i]` / `window[i]` cannot be intercepted: a page using a navigating frame's first
 *   window that way in the task that created it is ahead of every hook. The window is hooked
 *   at the next DOM change or getter read; requests it made before are then told from its
 *   resource timeline and reported as a 'frame' page signal, so the panel says what it missed.
 */
import { contains } from '../core/builtins';
import type { Emitter } from './emit';
import type { HookedRealms } from './hooked-realms';
import { apply, bare, get, getterOf, method, replaceGetter, replaceValue } from './define';
import { safely } from './safely';

type G = Window & typeof globalThis;

const WHERE = 'hook:frames';
const FRAME_ELEMENTS = ['HTMLIFrameElement', 'HTMLFrameElement', 'HTMLObjectElement'] as const;
/** Resource-timing initiators of what a page streams with (EventSource shows as 'other'). */
const STREAM_INITIATORS = ['fetch', 'xmlhttprequest', 'other'];

export interface FrameReach {
  emitter: Emitter;
  realms: HookedRealms;
  /** Installs the hook into a child window claimed for it (install.ts). */
  install(child: G): void;
}

export function installFrameReach(w: G, reach: FrameReach): void {
  const defaultViewOf = getterOf(w.Document.prototype, 'defaultView');
  const lengthOf = getterOf(w, 'length');

  const enter = (child: unknown): void => {
    if (child === null || typeof child !== 'object') return;
    if (reach.realms.claim(child as Window) !== 'claimed') return;
    reach.install(child as G);
    safely(() => reportEarlierRequests(child as G, reach.emitter), WHERE);
  };
  // A child frame's own hook joins this one through it (hook.iife.ts).
  reach.realms.publishEnter(w, (child) => safely(() => enter(child), WHERE));

  for (const name of FRAME_ELEMENTS) {
    const proto = (w[name] as { prototype?: object } | undefined)?.prototype;
    if (!proto) continue;
    const windowOf = getterOf(proto, 'contentWindow');
    const documentOf = getterOf(proto, 'contentDocument');
    replaceGetter(proto, 'contentWindow', (self) => {
      const win = apply(windowOf!, self, []);
      safely(() => enter(win), WHERE);
      return win;
    });
    replaceGetter(proto, 'contentDocument', (self) => {
      const doc = apply(documentOf!, self, []) as Document | null;
      safely(() => enter(doc && get(defaultViewOf, doc)), WHERE);
      return doc;
    });
  }

  const open = w.open;
  if (typeof open === 'function') {
    replaceValue(w, 'open', method(open, (self, args) => {
      const opened = apply(open, self, args);
      safely(() => enter(opened), WHERE);
      return opened;
    }));
  }

  // A frame reached only through `frames[i]`: hooked at the next DOM change, at the latest.
  const Observer = w.MutationObserver;
  if (typeof Observer !== 'function' || !lengthOf) return;
  const observe = Observer.prototype.observe;
  const observer = new Observer(() =>
    safely(() => {
      const n = get(lengthOf, w) as number;
      for (let i = 0; i < n; i++) enter((w as unknown as Record<number, unknown>)[i]);
    }, WHERE),
  );
  apply(observe, observer, [w.document, bare({ childList: true, subtree: true })]);
}

/**
 * Requests of a window that started before we installed there (through `frames[i]`): its
 * resource timeline lists each when its response ends. Said once each, as a 'frame' signal.
 */
function reportEarlierRequests(child: G, emitter: Emitter): void {
  const Observer = child.PerformanceObserver;
  const perf = child.performance;
  if (typeof Observer !== 'function' || !perf) return;
  const since = apply(child.Performance.prototype.now, perf, []) as number;
  const where = String(child.location.href);
  const observer = new Observer((list) =>
    safely(() => {
      const entries = list.getEntries() as PerformanceResourceTiming[];
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (e.startTime >= since || !contains(STREAM_INITIATORS, e.initiatorType)) continue;
        emitter.emit('page', { type: 'page', signal: 'frame', detail: `${e.initiatorType} ${e.name} in a frame (${where}) before the hook could reach it` });
      }
    }, WHERE),
  );
  apply(Observer.prototype.observe, observer, [bare({ type: 'resource', buffered: true })]);
}
