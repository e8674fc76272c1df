/**
 * Which windows our hook already wraps, so that no window is wrapped twice (a stream would
 * then be captured twice). A window can be reached by two installs: its own content script
 * (document_start) and the hook of its parent, which installs into a same-origin child the page
 * reaches before that child's content script ran (frames.ts). Each hook instance is its own
 * closure, so the marker they share must live on the window itself without the page being
 * able to see or fake it:
 *
 * - Within one hook instance (a parent and every child it installed into), a WeakSet of the
 *   windows' realms: a window is keyed by its `Window.prototype`, which is per realm and which
 *   the page cannot swap (a window's prototype is immutable). The WindowProxy would be the wrong
 *   key: an iframe keeps it across navigations that replace the window.
 * - Between instances, a cancelable event of ours dispatched on the window: every install
 *   registers a capture listener for it first (at document_start, or in the getter that hands
 *   the page the window), which cancels it and stops it before any page listener. The page
 *   only ever sees it if it listened on a window before any hook could (then it could make us
 *   skip a window it could use unhooked anyway: the `frames[i]` gap frames.ts reports).
 *
 * The same event answers a second question, for a child frame's own hook at document_start:
 * whether its parent is hooked, and how to join it. The child then has its parent's hook
 * install into it (`enter`, frames.ts) instead of opening a channel of its own, so all
 * same-origin frames capture through the parent's channel, handed over long before. A child's
 * own channel would be lost to a page that rewrites the frame at once: `document.open()`
 * removes every listener on the window, the relay's handover listener too, before the
 * handover message arrives (measured in Chromium 156 with an about:blank iframe written to
 * in the task that created it).
 *
 * Measured in Chromium 156 and Firefox ESR 153: the window of a srcdoc frame first read in the
 * task that created it is reused by the srcdoc document (a property the page set on it
 * survives), and the frame's own content script then runs in that same window — the case the
 * event exists for.
 */
import { apply, bare, get, getterOf } from './define';
import type { FetchCall } from './fetch';

type G = Window & typeof globalThis;

const EVENT = 'durable-sessions-inspector:hooked';

export type Claim = 'claimed' | 'ours' | 'unreachable';

/** Claims and installs into a child window, unless it is already hooked (frames.ts). */
export type Enter = (child: Window) => void;

export interface HookedRealms {
  /**
   * 'claimed': nobody of ours wraps `win` yet; it is now marked, and the caller must install.
   * 'ours': already wrapped. 'unreachable': another origin (or an opaque one).
   */
  claim(win: Window): Claim;
  /** Records how this instance's hook in `win` captures a fetch, for `fetchOf`. */
  publishFetch(win: Window, call: FetchCall): void;
  /** How this instance's hook in `win` captures a fetch, if it installed there. */
  fetchOf(win: Window): FetchCall | undefined;
  /** Records how this instance's hook in `win` installs into a child of it, for `enterOf`. */
  publishEnter(win: Window, enter: Enter): void;
  /** How the hook in `win` (of any instance) installs into a child of it, if `win` is hooked. */
  enterOf(win: Window): Enter | undefined;
}

export function createHookedRealms(g: G): HookedRealms {
  const seen = new WeakSet<object>();
  const fetches = new WeakMap<object, FetchCall>();
  const enters = new WeakMap<object, Enter>();
  const mapGet = WeakMap.prototype.get;
  const mapSet = WeakMap.prototype.set;
  const CustomEventCtor = g.CustomEvent;
  const detailOf = getterOf(g.CustomEvent.prototype, 'detail');
  const getPrototypeOf = Object.getPrototypeOf;
  const has = WeakSet.prototype.has;
  const add = WeakSet.prototype.add;
  const EventCtor = g.Event;
  const dispatchEvent = g.EventTarget.prototype.dispatchEvent;
  const addEventListener = g.EventTarget.prototype.addEventListener;
  const preventDefault = g.Event.prototype.preventDefault;
  const stopImmediatePropagation = g.Event.prototype.stopImmediatePropagation;
  const realmOf = (win: Window): object | null => {
    try {
      // Null or a throw for a cross-origin window: its own content script hooks it, not us.
      return getPrototypeOf(win) as object | null;
    } catch {
      return null;
    }
  };
  const responder = (realm: object) => (e: Event) => {
    apply(stopImmediatePropagation, e, []);
    apply(preventDefault, e, []);
    // A child's hook asks with a prototype-less detail to write the answer into. A page asking
    // the same only learns how to have us hook its own same-origin windows, which we would anyway.
    const detail = get(detailOf, e) as { enter?: Enter } | null;
    if (detail !== null && typeof detail === 'object') detail.enter = apply(mapGet, enters, [realm]) as Enter | undefined;
  };

  return {
    claim(win) {
      const realm = realmOf(win);
      if (realm === null) return 'unreachable';
      if (apply(has, seen, [realm])) return 'ours';
      apply(add, seen, [realm]);
      const ping = new EventCtor(EVENT, bare({ cancelable: true }));
      if (!(apply(dispatchEvent, win, [ping]) as boolean)) return 'ours';
      apply(addEventListener, win, [EVENT, responder(realm), true]);
      return 'claimed';
    },
    publishFetch(win, call) {
      const realm = realmOf(win);
      if (realm) apply(mapSet, fetches, [realm, call]);
    },
    fetchOf(win) {
      const realm = realmOf(win);
      return realm === null ? undefined : (apply(mapGet, fetches, [realm]) as FetchCall | undefined);
    },
    publishEnter(win, enter) {
      const realm = realmOf(win);
      if (realm) apply(mapSet, enters, [realm, enter]);
    },
    enterOf(win) {
      const realm = realmOf(win);
      if (realm === null) return undefined;
      const mine = apply(mapGet, enters, [realm]) as Enter | undefined;
      if (mine) return mine;
      const detail = { __proto__: null } as { enter?: Enter };
      apply(dispatchEvent, win, [new CustomEventCtor(EVENT, bare({ cancelable: true, detail }))]);
      return typeof detail.enter === 'function' ? detail.enter : undefined;
    },
  };
}
