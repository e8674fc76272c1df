/**
 * The whole background, built in Node over in-memory transports and a real IndexedDB
 * implementation (fake-indexeddb): relays and panels talk to it with the very messages the
 * extension's pieces send, and a "worker restart" is a new background over the same storage.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/protocol/kit';
import { panelSide } from '../../../src/protocol/panel';
import { memoryPair } from '../../../src/protocol/adapters/memory';
import type { CaptureRecord } from '../../../src/core/trace/records';
import type { FaultSpec } from '../../../src/core/faults/spec';
import type { Verdict } from '../../../src/core/analysis/types';
import type { ScenarioDeps } from '../../../src/background/scenarios/context';
import { boot, env, panel, relay, until } from './boot';

const open = (conn: string, url: string): CaptureRecord => ({ type: 'open', conn, time: 1, kind: 'fetch', url, method: 'POST', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null });
const data = (conn: string, text: string): CaptureRecord => ({ type: 'data', conn, time: 2, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
const sessionDrop = (id: string, scope: FaultSpec['scope'] = { kind: 'session' }): FaultSpec => ({ id, kind: 'drop', trigger: { kind: 'after-events', count: 1 }, scope, probability: 1, once: true });
const CONVERSATION = 'http://app/api/conversations/c_7f3a9b2e41/runs';

describe('the background over in-memory transports', () => {
  it('records a tab while a panel watches it, and sends its capture to the panel live and in the snapshot', async () => {
    const bg = boot(env());
    const r = relay(bg, 5, 'doc-a');
    r.hello();
    await until(() => r.got.find((m) => m.type === 'set-recording'), 'the recording state');
    expect(r.got.filter((m) => m.type === 'set-recording').at(-1)).toMatchObject({ recording: false });
    const { client } = panel(bg);
    const live: CaptureRecord[] = [];
    client.on('records', (m) => live.push(...m.records));
    await client.request('subscribe', { tabId: 5 });
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'recording after the panel subscribed');
    r.capture([open('h-1', CONVERSATION), data('h-1', 'data: hi\n\n')]);
    await until(() => live.length === 2, 'the records in the panel');
    const { snapshot } = await client.request('subscribe', { tabId: 5 });
    expect(snapshot.connections.map((c) => [c.summary.id, c.events.length])).toEqual([['doc-a:h-1', 1]]);
  });

  it('a capture flush answers after what each document held is folded in, so the next snapshot has it', async () => {
    const bg = boot(env());
    const top = relay(bg, 6, 'doc-top');
    const frame = relay(bg, 6, 'doc-frame', 'http://widget/', 3);
    top.hello();
    frame.hello();
    const { client } = panel(bg);
    await client.request('subscribe', { tabId: 6 });
    await until(() => top.got.some((m) => m.type === 'set-recording' && m.recording) && frame.got.some((m) => m.type === 'set-recording' && m.recording), 'recording');
    // As the relay does: the batches its hook held go out first, then the answer.
    const held = { top: [open('h-1', CONVERSATION), data('h-1', 'data: one\n\n')], frame: [open('w-1', 'http://widget/stream'), data('w-1', 'data: two\n\n')] };
    for (const [r, records] of [[top, held.top], [frame, held.frame]] as const) {
      r.answer((m) => {
        if (m.type !== 'flush') throw new Error(`unexpected ${m.type}`);
        r.capture(records);
        return { type: 'flushed', body: {} };
      });
    }
    await client.request('flush-capture', { tabId: 6 });
    const { snapshot } = await client.request('subscribe', { tabId: 6 });
    expect(snapshot.connections.map((c) => [c.summary.id, c.events.length]).sort()).toEqual([['doc-frame:w-1', 1], ['doc-top:h-1', 1]]);
  });

  it('a capture flush does not wait for ever on a document that never answers', async () => {
    const bg = boot(env());
    const r = relay(bg, 8, 'doc-silent');
    r.hello();
    const { client } = panel(bg);
    await client.request('subscribe', { tabId: 8 });
    r.capture([open('h-1', CONVERSATION)]);
    // The relay's wait for an answer is bounded; the flush then gives what did arrive.
    await expect(client.request('flush-capture', { tabId: 8 }, { timeoutMs: 20_000 })).resolves.toMatchObject({ type: 'ack' });
    expect(r.got.some((m) => m.type === 'flush')).toBe(true);
    const { snapshot } = await client.request('subscribe', { tabId: 8 });
    expect(snapshot.connections.map((c) => c.summary.id)).toEqual(['doc-silent:h-1']);
  });

  it('lets only the extension’s own pages read captures', async () => {
    const bg = boot(env());
    const pair = memoryPair();
    let closed = false;
    pair.a.onDisconnect(() => (closed = true));
    bg.connectPanel(pair.b, { url: 'http://evil.example/' });
    const client = createClient(panelSide, pair.a);
    await expect(client.request('subscribe', { tabId: 5 }, { timeoutMs: 200 })).rejects.toThrow();
    expect(closed).toBe(true);
  });

  it('sends a stored session too large for one message in parts, and all of it arrives', async () => {
    const bg = boot(env());
    const r = relay(bg, 9, 'doc-a');
    r.hello();
    const { client } = panel(bg);
    const { sessionId } = await client.request('subscribe', { tabId: 9 });
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'recording');
    // 20 MiB of payload: past the 16 MiB a message carries (snapshot-parts.ts).
    const mib = 'x'.repeat(1024 * 1024);
    r.capture([open('big', CONVERSATION), ...Array.from({ length: 20 }, (_, i) => data('big', `${i}${mib}`))]);
    const parts: Array<{ connectionId: string; events: number }> = [];
    client.on('stored-session-part', (m) => parts.push({ connectionId: m.connectionId, events: m.events.length }));
    // Stored once the batched write is flushed.
    for (let i = 0; ; i++) {
      const stored = (await client.request('list-sessions', { tabId: 9 })).sessions.find((x) => x.id === sessionId);
      if (stored && stored.events >= 20) break;
      if (i > 1000) throw new Error(`the session was never stored whole: ${JSON.stringify(stored)}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    const loaded = await client.request('load-session', { tabId: 9, sessionId: sessionId! });
    const inline = loaded.snapshot.connections[0]!.events.length;
    expect(inline).toBeLessThan(20);
    expect(loaded.parts).toBeGreaterThan(0);
    await until(() => parts.length >= loaded.parts!, 'every part');
    expect(inline + parts.reduce((n, p) => n + p.events, 0)).toBe(20);
    expect(new Set(parts.map((p) => p.connectionId))).toEqual(new Set(['doc-a:big']));
  });

  it('gives a panel that lists first only the first events of a long capture in the reply, the rest in parts; others get it whole', async () => {
    const bg = boot(env());
    const r = relay(bg, 10, 'doc-a');
    r.hello();
    const { client } = panel(bg);
    await client.request('subscribe', { tabId: 10 });
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'recording');
    // 2 MiB: one message would carry it, but not within the 256 KiB a listing-first reply holds.
    const kib = 'y'.repeat(64 * 1024);
    r.capture([open('long', CONVERSATION), ...Array.from({ length: 32 }, (_, i) => data('long', `${i}${kib}`))]);
    const texts = Array.from({ length: 32 }, (_, i) => `${i}${kib}`);
    const eventsOf = (snapshot: { connections: { summary: { id: string }; events: { text: string | null }[] }[] }) => snapshot.connections.find((c) => c.summary.id === 'doc-a:long')?.events ?? [];
    for (let i = 0; eventsOf((await client.request('subscribe', { tabId: 10 })).snapshot).length < 32; i++) {
      if (i > 1000) throw new Error('the capture never came whole in a plain reply');
      await new Promise((res) => setTimeout(res, 10));
    }
    const parts: string[][] = [];
    client.on('snapshot-part', (m) => parts.push(m.events.map((e) => e.text ?? '')));
    const listed = await client.request('subscribe', { tabId: 10, listFirst: true });
    const inline = eventsOf(listed.snapshot).map((e) => e.text ?? '');
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.length).toBeLessThan(8);
    expect(listed.parts).toBeGreaterThan(0);
    await until(() => parts.length >= listed.parts!, 'every part');
    expect([...inline, ...parts.flat()]).toEqual(texts);
  });

  it('answers a request it cannot carry out with a reason, not silence', async () => {
    const bg = boot(env());
    const { client } = panel(bg);
    await expect(client.request('load-session', { tabId: 1, sessionId: 'gone' })).rejects.toThrow('no stored session gone');
    await expect(client.request('set-record-on-load', { tabId: 1, enabled: true })).rejects.toThrow('shows no page');
  });

  it('disarms a session-scoped fault in every linked tab after a worker restart, and the panel sees the one list', async () => {
    const storage = env();
    let bg = boot(storage);
    const a = relay(bg, 1, 'doc-a');
    const b = relay(bg, 2, 'doc-b');
    const pa = panel(bg);
    const links: number[][] = [];
    pa.client.on('capture-state', (m) => links.push(m.linkedTabs.map((l) => l.tabId)));
    await pa.client.request('subscribe', { tabId: 1 });
    const pb = panel(bg);
    await pb.client.request('subscribe', { tabId: 2 });
    a.hello();
    b.hello();
    a.capture([open('h-1', CONVERSATION)]);
    b.capture([open('h-1', CONVERSATION)]);
    // Both tabs show the same conversation: a session fault armed in tab 1 reaches tab 2.
    await until(() => links.some((l) => l.includes(2)), 'tab 2 linked to tab 1');
    const states: Array<{ armed: string[] }> = [];
    pb.client.on('capture-state', (m) => states.push({ armed: m.armedFaults.map((f) => f.spec.id) }));
    await pa.client.request('arm-fault', { tabId: 1, fault: sessionDrop('f-session') });
    expect(a.faults('arm-fault')).toEqual(['f-session']);
    expect(b.faults('arm-fault')).toEqual(['f-session']);
    await until(() => states.some((s) => s.armed.includes('f-session')), 'the fault in tab 2’s panel');

    // The worker restarts: every port drops, a new background starts over the same storage.
    for (const t of [a.pair, b.pair, pa.pair, pb.pair]) t.cut();
    bg = boot({ ...storage });
    const a2 = relay(bg, 1, 'doc-a');
    const b2 = relay(bg, 2, 'doc-b');
    a2.hello(false);
    b2.hello(false);
    const pa2 = panel(bg);
    await pa2.client.request('subscribe', { tabId: 1 });
    // A reconnecting document still has its faults: it is not armed twice.
    expect(a2.faults('arm-fault')).toEqual([]);
    await pa2.client.request('disarm-fault', { tabId: 1, faultId: 'f-session' });
    expect(a2.faults('disarm-fault')).toEqual(['f-session']);
    expect(b2.faults('disarm-fault')).toEqual(['f-session']);
  });

  it('forgets a tab’s faults when it loads a new page (its hook holds none), and the panel’s list says so', async () => {
    const bg = boot(env());
    const p = panel(bg);
    const armed: string[][] = [];
    p.client.on('capture-state', (m) => armed.push(m.armedFaults.map((f) => f.spec.id)));
    await p.client.request('subscribe', { tabId: 3 });
    const first = relay(bg, 3, 'doc-1');
    first.hello();
    await until(() => first.got.some((m) => m.type === 'resend'), 'the first page load said hello');
    await p.client.request('arm-fault', { tabId: 3, fault: sessionDrop('tab-wide', { kind: 'tab' }) });
    await until(() => armed.at(-1)?.includes('tab-wide'), 'the fault listed');
    const next = relay(bg, 3, 'doc-2', 'http://app/chat?reloaded');
    next.hello(true);
    await until(() => armed.at(-1)?.length === 0, `the list emptied by the new page load: ${JSON.stringify(armed)}`);
    expect(next.faults('arm-fault')).toEqual([]);
  });

  it('shows the hook’s own failures in the capture state', async () => {
    const bg = boot(env());
    const p = panel(bg);
    const reports: string[] = [];
    p.client.on('capture-state', (m) => reports.push(...m.internalErrors.map((e) => `${e.where} ×${e.count}: ${e.message}`)));
    await p.client.request('subscribe', { tabId: 4 });
    const r = relay(bg, 4, 'doc-1');
    r.hello();
    await until(() => r.got.some((m) => m.type === 'set-recording' && m.recording), 'recording');
    r.capture([], [{ where: 'hook:fetch', message: 'TypeError: x is not a function', count: 2 }, { where: 'x'.repeat(500), message: 5, count: 1 }]);
    await until(() => reports.includes('hook:fetch ×2: TypeError: x is not a function'), 'the report in the panel');
  });

  it('has a test’s stop press and URL read carried out by the top document’s relay of the tab it names, and nobody else', async () => {
    let deps!: ScenarioDeps;
    let finish!: (v: Verdict) => void;
    const bg = boot(env({ runScenario: (_tab, _test, _options, d) => ((deps = d), new Promise((r) => (finish = r))) }));
    const p = panel(bg);
    await p.client.request('subscribe', { tabId: 6 });
    const run = p.client.request('run-test', { tabId: 6, test: 'second-tab-cancel', options: {} });
    await until(() => deps, 'the scenario started');
    const top = relay(bg, 7, 'doc-b', 'http://app/chat');
    const frame = relay(bg, 7, 'doc-frame', 'http://ads.example/frame', 3);
    const other = relay(bg, 8, 'doc-c');
    for (const r of [top, frame, other]) r.hello();
    top.answer((m) => (m.type === 'press-stop' ? { type: 'stop-control', body: { found: true, enabled: !m.press, label: `Stop in ${m.docId}` } } : { type: 'location', body: { url: 'http://app/chat/c_42' } }));
    expect(await deps.pressStop(7, null, false)).toEqual({ found: true, enabled: true, label: 'Stop in doc-b' });
    expect(await deps.pressStop(7, '#stop', true)).toEqual({ found: true, enabled: false, label: 'Stop in doc-b' });
    // The URL now (the app pushed a conversation path since its hello), not the one it connected with.
    expect(await deps.tabUrl(7)).toBe('http://app/chat/c_42');
    expect(top.got.filter((m) => m.type === 'press-stop')).toEqual([expect.objectContaining({ docId: 'doc-b', selector: null, press: false }), expect.objectContaining({ docId: 'doc-b', selector: '#stop', press: true })]);
    expect([...frame.got, ...other.got].map((m) => m.type)).not.toContain('press-stop');
    finish({ test: 'second-tab-cancel', verdict: 'inconclusive', reason: 'done', evidence: [], advice: null });
    await run;
  });

  it('refuses a stop press in a tab with no page of ours, with the reason', async () => {
    let deps!: ScenarioDeps;
    const bg = boot(env({ runScenario: (_tab, _test, _options, d) => ((deps = d), new Promise(() => undefined)) }));
    const p = panel(bg);
    void p.client.request('run-test', { tabId: 6, test: 'second-tab-cancel', options: {} }).catch(() => undefined);
    await until(() => deps, 'the scenario started');
    await expect(deps.pressStop(9, null, true)).rejects.toThrow('the page in tab 9 has no relay of this extension');
  }, 15_000);

  it('finds the tabs whose top document shows a URL, as their relays say it now', async () => {
    const bg = boot(env());
    const a = relay(bg, 1, 'doc-a', 'http://app/chat');
    const b = relay(bg, 2, 'doc-b', 'http://app/chat');
    const frame = relay(bg, 3, 'doc-f', 'http://app/chat/c_1', 2);
    for (const r of [a, b, frame]) r.hello();
    await until(() => [a, b, frame].every((r) => r.got.some((m) => m.type === 'resend')), 'the hellos answered');
    a.answer(() => ({ type: 'location', body: { url: 'http://app/chat/c_1' } }));
    b.answer(() => ({ type: 'location', body: { url: 'http://app/chat' } }));
    const { client } = panel(bg);
    expect((await client.request('find-tabs', { url: 'http://app/chat/c_1' })).tabIds).toEqual([1]);
    expect((await client.request('find-tabs', { url: 'http://app/chat' })).tabIds).toEqual([2]);
  });

  it('runs one test at a time per tab: a second one is refused with the reason', async () => {
    let finish!: (v: Verdict) => void;
    const bg = boot(env({ runScenario: () => new Promise((r) => (finish = r)) }));
    const p = panel(bg);
    await p.client.request('subscribe', { tabId: 6 });
    const first = p.client.request('run-test', { tabId: 6, test: 'reconnect-resume', options: {} });
    await until(() => finish, 'the scenario started');
    await expect(p.client.request('run-test', { tabId: 6, test: 'multi-surface', options: {} })).rejects.toThrow('a test is already running in tab 6');
    finish({ test: 'reconnect-resume', verdict: 'fail', reason: 'lost', evidence: [], advice: null });
    expect((await first).run.verdict.verdict).toBe('fail');
  });
});

describe('records from deep capture', () => {
  it('get the limits the hook’s records get, keep their worker origin, and a long body arrives whole in pieces', async () => {
    const bg = boot(env());
    const { client } = panel(bg);
    await client.request('subscribe', { tabId: 3 });
    const longUrl = `http://app/${'p'.repeat(40_000)}`;
    const body = `${'é'.repeat(3 * 1024 * 1024)}😀${'z'.repeat(1024 * 1024)}`;
    bg.deepRecords(3, 'w-1', [
      { ...open('s', longUrl), deep: { via: 'deep-capture', workerType: 'worker', workerUrl: 'http://app/w.js' } } as CaptureRecord,
      { type: 'data', conn: 's', time: 2, dir: 'in', text: body, base64: null, size: new TextEncoder().encode(body).length, event: null, id: null },
    ]);
    let conn: { summary: { url: string; deep?: unknown }; events: { text: string | null; size: number }[] } | undefined;
    for (let i = 0; i < 500 && !conn?.events.length; i++) {
      conn = (await client.request('subscribe', { tabId: 3 })).snapshot.connections.find((c) => c.summary.id === 'w-1:s');
      if (!conn?.events.length) await new Promise((r) => setTimeout(r, 10));
    }
    expect(conn!.summary.url.length).toBe(16 * 1024);
    expect(conn!.summary.deep).toEqual({ via: 'deep-capture', workerType: 'worker', workerUrl: 'http://app/w.js' });
    expect(conn!.events.length).toBeGreaterThan(1);
    expect(conn!.events.map((e) => e.text).join('')).toBe(body);
    expect(conn!.events.reduce((n, e) => n + e.size, 0)).toBe(new TextEncoder().encode(body).length);
  });
});
