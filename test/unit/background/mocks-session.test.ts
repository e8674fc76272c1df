/**
 * A mock the panel arms is kept with the tab's session: in its snapshot and in the stored
 * session the session picker opens. A bad mock is refused.
 */
import { describe, expect, it } from 'vitest';
import { compileMock, templateMock } from '../../../src/core/mock';
import { boot, env, panel, relay, until } from './boot';

const mock = (() => {
  const t = templateMock('vercel-ui', 'kept with the session', { url: 'http://app/api/chat' });
  if (!t.ok) throw new Error(t.error);
  return t.value;
})();

describe('mocks kept with the session', () => {
  it('are in the snapshot and come back with the stored session', async () => {
    const bg = boot(env());
    const r = relay(bg, 4, 'doc-a');
    r.hello();
    const p = panel(bg);
    await p.client.request('subscribe', { tabId: 4 });
    await p.client.request('replay', { tabId: 4, recording: compileMock(mock), scale: 1, mock });
    await until(() => r.got.some((m) => m.type === 'arm-replay'), 'the hook command');
    const { snapshot, sessionId } = await p.client.request('subscribe', { tabId: 4 });
    expect(snapshot.mocks).toEqual([mock]);

    // The session picker reads the stored session back from IndexedDB, once the write is flushed.
    let loaded: { snapshot: { mocks?: unknown } } | null = null;
    for (let i = 0; i < 100 && !loaded?.snapshot.mocks; i++) {
      loaded = await p.client.request('load-session', { tabId: 4, sessionId: sessionId! }).catch(() => null);
      if (!loaded?.snapshot.mocks) await new Promise((res) => setTimeout(res, 20));
    }
    expect(loaded!.snapshot.mocks).toEqual([mock]);
  });

  it('a replay request with a bad mock is refused, and nothing is armed', async () => {
    const bg = boot(env());
    const r = relay(bg, 6, 'doc-a');
    r.hello();
    const p = panel(bg);
    await p.client.request('subscribe', { tabId: 6 });
    const bad = { ...mock, steps: [{ kind: 'drop', delayMs: 0 }, { kind: 'event', delayMs: 0, data: 'x' }] };
    await expect(p.client.request('replay', { tabId: 6, recording: compileMock(mock), scale: 1, mock: bad as never }, { timeoutMs: 500 })).rejects.toThrow();
    expect(r.got.some((m) => m.type === 'arm-replay')).toBe(false);
  });
});
