// @vitest-environment happy-dom
/**
 * The marker that keeps a window from being wrapped twice, between two hook instances (the
 * window's own content script and its parent's hook) that share nothing but the window.
 */
import { describe, expect, it } from 'vitest';
import { createHookedRealms } from '../../../src/hook/hooked-realms';
import type { FetchCall } from '../../../src/hook/fetch';

type G = Window & typeof globalThis;
const g = window as unknown as G;
/** A stand-in for a child window (happy-dom's window refuses EventTarget's own methods): one realm per class. */
const newRealm = () => new (class ChildWindow extends EventTarget {})() as unknown as Window;

describe('hooked realms', () => {
  it('claims a window once: the same instance, and any other instance, then find it taken', () => {
    const win = newRealm();
    const first = createHookedRealms(g);
    const second = createHookedRealms(g);
    expect(first.claim(win)).toBe('claimed');
    expect(first.claim(win)).toBe('ours');
    expect(second.claim(win)).toBe('ours');
    expect(second.claim(newRealm())).toBe('claimed');
  });

  it('keeps its fetch captures to itself, and tells another instance how to join its window', () => {
    const win = newRealm();
    const owner = createHookedRealms(g);
    const stranger = createHookedRealms(g);
    expect(stranger.enterOf(win)).toBeUndefined();
    expect(owner.claim(win)).toBe('claimed');
    const call: FetchCall = () => 'captured';
    owner.publishFetch(win, call);
    expect(owner.fetchOf(win)).toBe(call);
    expect(stranger.fetchOf(win)).toBeUndefined();
    const entered: Window[] = [];
    owner.publishEnter(win, (child) => void entered.push(child));
    const child = newRealm();
    stranger.enterOf(win)?.(child);
    expect(entered).toEqual([child]);
  });

  it('hides its marker event from the page’s own listeners on a claimed window', () => {
    const win = newRealm();
    const seen: string[] = [];
    expect(createHookedRealms(g).claim(win)).toBe('claimed');
    win.addEventListener('durable-sessions-inspector:hooked', (e) => seen.push(e.type), true);
    expect(createHookedRealms(g).claim(win)).toBe('ours');
    expect(createHookedRealms(g).enterOf(win)).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('says a window it cannot look into is unreachable', () => {
    const realms = createHookedRealms(g);
    const opaque = new Proxy({}, { getPrototypeOf: () => { throw new DOMException('Blocked a frame', 'SecurityError'); } });
    expect(realms.claim(opaque as Window)).toBe('unreachable');
  });
});
