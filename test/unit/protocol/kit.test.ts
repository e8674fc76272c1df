import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SOURCE, createClient, createRouter, type Handlers } from '../../../src/protocol/kit';
import { backgroundPanelSide, panelSide, type PanelEvents, type PanelRequests, type PANEL_REPLIES } from '../../../src/protocol/panel';
import { backgroundToRelay, hookCommands, hookToRelay, relayToBackground } from '../../../src/protocol/page';
import { memoryPair } from '../../../src/protocol/adapters/memory';
import type { FaultSpec } from '../../../src/core/faults/spec';

const drop: FaultSpec = { id: 'f1', kind: 'drop', trigger: { kind: 'after-events', count: 2 }, scope: { kind: 'tab' }, probability: 1, once: true };

describe('parsing messages at the hop where they enter', () => {
  it('accepts what the kit builds, and returns only the fields it checked', () => {
    expect(hookToRelay.parse(hookToRelay.make('capture', { hook: 'a1b2c3d4', records: [] }))).toMatchObject({ type: 'capture', hook: 'a1b2c3d4' });
    expect(relayToBackground.parse(relayToBackground.make('hello', { url: 'http://x/', docId: 'd', firstConnect: true, nextSeq: 1 }))).toMatchObject({ type: 'hello', docId: 'd' });
    const parsed = panelSide.out.parse({ ...panelSide.out.make('subscribe', { tabId: 3 }), url: 'http://evil/', extra: { deep: true } });
    expect(parsed).toEqual({ source: SOURCE, v: PROTOCOL_VERSION, type: 'subscribe', tabId: 3 });
  });

  it('rejects other sources, other versions, unknown types and bad bodies', () => {
    const ok = panelSide.out.make('subscribe', { tabId: 3 });
    expect(panelSide.out.parse({ ...ok, source: 'someone-else' })).toBeNull();
    expect(panelSide.out.parse({ ...ok, v: PROTOCOL_VERSION + 1 })).toBeNull();
    expect(panelSide.out.parse({ ...ok, tabId: '3' })).toBeNull();
    expect(panelSide.out.parse({ source: SOURCE, v: PROTOCOL_VERSION, type: 'open-tab', url: 'http://evil/' })).toBeNull();
    // A type that is only an inherited property name is not a message type.
    expect(panelSide.out.parse({ source: SOURCE, v: PROTOCOL_VERSION, type: 'toString', tabId: 3 })).toBeNull();
    expect(relayToBackground.parse([SOURCE])).toBeNull();
    expect(hookCommands.parse(null)).toBeNull();
    expect(relayToBackground.parse({ ...relayToBackground.make('capture', { seq: 1, records: [] }), seq: 1.5 })).toBeNull();
  });

  it('keeps when a driver pressed stop, only as a number', () => {
    const press = { tabId: 2, found: true, enabled: true, label: 'Stop' };
    expect(panelSide.out.parse(panelSide.out.make('stop-pressed', { ...press, at: 1700000000000 }))).toMatchObject({ at: 1700000000000 });
    expect(panelSide.out.parse({ ...panelSide.out.make('stop-pressed', press), at: 'soon' })).not.toHaveProperty('at');
  });

  it('parses a fault once, dropping what the fault parser does not know', () => {
    const m = hookCommands.parse({ ...hookCommands.make('arm-fault', { fault: drop }), fault: { ...drop, evil: 'x' } });
    expect(m).not.toBeNull();
    expect(m?.type === 'arm-fault' && m.fault).toEqual(drop);
    expect(hookCommands.parse({ ...hookCommands.make('arm-fault', { fault: drop }), fault: { ...drop, kind: 'explode' } })).toBeNull();
    expect(backgroundToRelay.parse(backgroundToRelay.make('resend', { after: 4 }))).toMatchObject({ after: 4 });
  });

  it('keeps the view samples the background forwards only as a list', () => {
    const samples = [{ time: 1, docId: 'd', block: 1, text: 'shown' }];
    expect(panelSide.in.parse(backgroundPanelSide.out.make('view', { tabId: 3, samples }))).not.toBeNull();
    expect(panelSide.in.parse({ ...backgroundPanelSide.out.make('view', { tabId: 3, samples }), samples: 'shown' })).toBeNull();
    expect(panelSide.in.parse({ ...backgroundPanelSide.out.make('view', { tabId: 3, samples }), tabId: 'x' })).toBeNull();
  });
});

type Ctx = { calls: string[] };

function serve(handlers: Partial<Handlers<PanelRequests, PanelEvents, typeof PANEL_REPLIES, Ctx>>) {
  const pair = memoryPair();
  const errors: string[] = [];
  const ctx: Ctx = { calls: [] };
  const router = createRouter(backgroundPanelSide, handlers as Handlers<PanelRequests, PanelEvents, typeof PANEL_REPLIES, Ctx>, (type, e) => errors.push(`${type}: ${String(e)}`));
  pair.b.onMessage((raw) => void router.handle(raw, ctx, (m) => pair.b.post(m)));
  const client = createClient(panelSide, pair.a);
  return { pair, client, errors, ctx, pushEvent: <K extends keyof PanelEvents & string>(type: K, body: PanelEvents[K]) => pair.b.post(backgroundPanelSide.out.make(type, body)) };
}

describe('a client and a router over an in-memory transport', () => {
  it('answers each request with its reply, matched by id even when replies come out of order', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { client } = serve({
      'list-sessions': async (m) => {
        await slow;
        return { tabId: m.tabId, sessions: [] };
      },
      subscribe: (m) => ({ tabId: m.tabId, sessionId: `s${m.tabId}`, snapshot: { connections: [], signals: [], faults: [], testRuns: [] } as never }),
    });
    const sessions = client.request('list-sessions', { tabId: 1 });
    const snapshots = await Promise.all([client.request('subscribe', { tabId: 7 }), client.request('subscribe', { tabId: 8 })]);
    expect(snapshots.map((s) => s.sessionId)).toEqual(['s7', 's8']);
    release();
    expect((await sessions).type).toBe('sessions');
  });

  it('rejects with the handler’s error, and the router reports it', async () => {
    const { client, errors } = serve({ 'load-session': () => Promise.reject(new Error('no stored session x')) });
    await expect(client.request('load-session', { tabId: 1, sessionId: 'x' })).rejects.toThrow('no stored session x');
    expect(errors).toEqual(['load-session: Error: no stored session x']);
  });

  it('times out a request nobody answers, and aborts on a signal', async () => {
    const { client } = serve({ clear: () => new Promise(() => undefined) });
    await expect(client.request('clear', { tabId: 1 }, { timeoutMs: 20 })).rejects.toThrow('no ack answered clear within 20 ms');
    const ctl = new AbortController();
    const p = client.request('clear', { tabId: 1 });
    ctl.abort(new Error('user closed the panel'));
    const q = client.request('clear', { tabId: 1 }, { signal: ctl.signal });
    await expect(q).rejects.toThrow('user closed the panel');
    void p.catch(() => undefined);
  });

  it('fails requests in flight when the connection closes (a worker restart), instead of hanging', async () => {
    const { client, pair } = serve({ clear: () => new Promise(() => undefined) });
    const p = client.request('clear', { tabId: 1 });
    await Promise.resolve();
    pair.cut();
    await expect(p).rejects.toThrow('closed before it answered');
  });

  it('delivers events to listeners of their type, and replies to listeners too', async () => {
    const { client, pushEvent } = serve({ subscribe: (m) => ({ tabId: m.tabId, sessionId: null, snapshot: {} as never }) });
    const seen: string[] = [];
    client.onAny((m) => seen.push(m.type));
    const resets: number[] = [];
    const off = client.on('reset', (m) => resets.push(m.tabId));
    pushEvent('reset', { tabId: 4, sessionId: null, reason: 'cleared' });
    await client.request('subscribe', { tabId: 4 });
    off();
    pushEvent('reset', { tabId: 5, sessionId: null, reason: 'cleared' });
    await new Promise((r) => setTimeout(r, 0));
    expect(resets).toEqual([4]);
    expect(seen).toEqual(['reset', 'snapshot', 'reset']);
  });

  it('ignores a reply to a request it did not make', async () => {
    const { client, pair } = serve({ clear: () => new Promise(() => undefined) });
    const p = client.request('clear', { tabId: 1 }, { timeoutMs: 50 });
    pair.b.post(backgroundPanelSide.out.make('sessions', { tabId: 1, sessions: [] }, { replyTo: 'someone-else-1' }));
    await expect(p).rejects.toThrow('within 50 ms');
  });
});
