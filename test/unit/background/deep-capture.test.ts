import { describe, expect, it } from 'vitest';
import { createDeepCapture, type DebuggerApi, type DebuggerTarget } from '../../../src/background/deep-capture';
import type { CaptureRecord } from '../../../src/core/trace/records';

/** A stand-in for chrome.debugger that records commands and lets the test fire its events. */
function fakeDebugger() {
  const sent: Array<{ target: DebuggerTarget; method: string }> = [];
  const eventFns: Array<(s: DebuggerTarget, m: string, p?: object) => void> = [];
  const detachFns: Array<(s: DebuggerTarget, r: string) => void> = [];
  const api: DebuggerApi = {
    attach: async () => undefined,
    detach: async () => undefined,
    sendCommand: async (target, method) => {
      sent.push({ target, method });
      return method === 'Network.streamResourceContent' ? { bufferedData: '' } : {};
    },
    onEvent: { addListener: (fn) => void eventFns.push(fn) },
    onDetach: { addListener: (fn) => void detachFns.push(fn) },
  };
  return { api, sent, fire: (s: DebuggerTarget, m: string, p: object) => eventFns.forEach((f) => f(s, m, p)), detach: (s: DebuggerTarget, r: string) => detachFns.forEach((f) => f(s, r)) };
}

function setup() {
  const dbg = fakeDebugger();
  const records: Array<{ docId: string; records: CaptureRecord[] }> = [];
  const deep = createDeepCapture({ debugger: dbg.api, unavailable: null, now: () => 5, onRecords: (_t, docId, r) => records.push({ docId, records: r }), onChange: () => undefined, onError: (w, e) => { throw new Error(`${w}: ${String(e)}`); } });
  return { dbg, deep, records };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('deep capture: attach, targets, detach', () => {
  it('enables Network in a worker only, never in the page or a frame', async () => {
    const { dbg, deep } = setup();
    await deep.set(1, true);
    dbg.fire({ tabId: 1 }, 'Target.attachedToTarget', { sessionId: 'W', targetInfo: { type: 'worker', url: 'http://a/w.js', targetId: 'T1' } });
    dbg.fire({ tabId: 1 }, 'Target.attachedToTarget', { sessionId: 'F', targetInfo: { type: 'iframe', url: 'http://b/', targetId: 'T2' } });
    await flush();
    const network = dbg.sent.filter((s) => s.method === 'Network.enable').map((s) => s.target.sessionId);
    expect(network).toEqual(['W']);
    // Both were let run: a frame waiting for the debugger would hang the page otherwise.
    expect(dbg.sent.filter((s) => s.method === 'Runtime.runIfWaitingForDebugger').map((s) => s.target.sessionId).sort()).toEqual(['F', 'W']);
    expect(deep.state(1).workers).toEqual([{ type: 'worker', url: 'http://a/w.js' }]);
  });

  it('goes off and says why when the user closes the browser\'s debugging banner, ending what the worker had open', async () => {
    const { dbg, deep, records } = setup();
    await deep.set(1, true);
    dbg.fire({ tabId: 1 }, 'Target.attachedToTarget', { sessionId: 'W', targetInfo: { type: 'worker', url: 'http://a/w.js', targetId: 'T1' } });
    await flush();
    dbg.fire({ tabId: 1, sessionId: 'W' }, 'Network.webSocketCreated', { requestId: 'r1', url: 'ws://a/ws' });
    dbg.detach({ tabId: 1 }, 'canceled_by_user');
    const state = deep.state(1);
    expect(state.on).toBe(false);
    expect(state.offReason).toContain('"started debugging this browser" banner');
    expect(records.flatMap((r) => r.records).map((r) => r.type)).toEqual(['open', 'end']);
    expect(records[0]!.docId).toBe('deep-T1');
  });

  it('is off by default and stops with the panel', async () => {
    const { deep } = setup();
    expect(deep.state(3)).toEqual({ unavailable: null, on: false, offReason: null, workers: [] });
    await deep.set(3, true);
    deep.stop(3, 'The panel closed.');
    expect(deep.state(3)).toMatchObject({ on: false, offReason: 'The panel closed.' });
  });

  it('refuses to turn on where it is unavailable, with the reason', async () => {
    const deep = createDeepCapture({ debugger: null, unavailable: 'Firefox has no debugger API for extensions.', now: () => 0, onRecords: () => undefined, onChange: () => undefined, onError: () => undefined });
    await expect(deep.set(1, true)).rejects.toThrow('Firefox has no debugger API');
  });
});

import { deepCaptureUnavailable } from '../../../src/background/deep-availability';

describe('where deep capture can run', () => {
  it('only in a Chromium build that holds the debugger permission', () => {
    expect(deepCaptureUnavailable(false, { permissions: ['storage'] })).toContain('does not let an extension ask for the debugger permission later');
    expect(deepCaptureUnavailable(false, { permissions: ['storage'], browser_specific_settings: {} })).toContain('Firefox has no debugger API');
    expect(deepCaptureUnavailable(true, { permissions: ['storage', 'debugger'] })).toBeNull();
  });
});
