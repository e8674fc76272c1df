/** Firefox unloads an idle event page even with ports open: the background keeps itself loaded while needed. */
import { describe, expect, it, vi } from 'vitest';
import { KEEPALIVE_INTERVAL_MS, isEventPage, startEventPageKeepAlive } from '../../../src/background/keepalive.firefox';

function setup(isEventPageValue: boolean) {
  let tick: (() => void) | null = null;
  let needed = false;
  const ping = vi.fn(() => Promise.resolve({ os: 'linux' }));
  const setIntervalFn = vi.fn((fn: () => void, ms: number) => {
    expect(ms).toBe(KEEPALIVE_INTERVAL_MS);
    tick = fn;
    return 1;
  });
  const started = startEventPageKeepAlive({ isEventPage: isEventPageValue, needed: () => needed, ping, setInterval: setIntervalFn });
  return { started, ping, setIntervalFn, tick: () => tick?.(), need: (v: boolean) => (needed = v) };
}

describe('event-page keep-alive', () => {
  it('does nothing in a service worker (Chrome): no timer, no calls', () => {
    const s = setup(false);
    expect(s.started).toBe(false);
    expect(s.setIntervalFn).not.toHaveBeenCalled();
  });

  it('pings only while something needs the background', () => {
    const s = setup(true);
    expect(s.started).toBe(true);
    s.tick();
    expect(s.ping).not.toHaveBeenCalled();
    s.need(true);
    s.tick();
    s.tick();
    expect(s.ping).toHaveBeenCalledTimes(2);
    s.need(false);
    s.tick();
    expect(s.ping).toHaveBeenCalledTimes(2);
  });

  it('pings well within Firefox\'s default idle timeout (30 s)', () => {
    expect(KEEPALIVE_INTERVAL_MS).toBeLessThanOrEqual(10_000);
  });

  it('swallows a failing ping (the extension is shutting down)', async () => {
    const s = setup(true);
    s.ping.mockImplementationOnce(() => Promise.reject(new Error('context unloaded')));
    s.need(true);
    expect(() => s.tick()).not.toThrow();
    await Promise.resolve();
  });

  it('tells an event page (a document) from a service worker', () => {
    expect(isEventPage({ document: {} })).toBe(true);
    expect(isEventPage({})).toBe(false);
  });
});
