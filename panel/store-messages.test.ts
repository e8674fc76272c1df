/** The store's handling of every background message beyond the capture itself, and the actions. */
import { describe, expect, it } from 'vitest';
import { backgroundPanelSide, type PanelEvents } from '../src/protocol/panel';
import type { CaptureRecord } from '../src/core/trace/records';
import { foldRecords, snapshotOf, type TabSnapshot } from '../src/core/trace/model';
import { eventWeight, splitSnapshot } from '../src/core/trace/snapshot-parts';
import type { SessionInfo, TestRunRecord } from '../src/core/trace/session';
import type { PanelConnection } from './connect';
import { armFromForm, cancelTest, disarm, firedCount, loadSession, openSessions, release, startTest } from './actions';
import { applyMessage, backToLive, createPanelStore, selectEvidence, showSource } from './store';

const TAB = 3;
type EventBody = { [K in keyof PanelEvents]: { type: K } & Omit<PanelEvents[K], 'tabId'> }[keyof PanelEvents];
/** A background event as the kit builds it, for this store's tab. */
const send = (store: ReturnType<typeof createPanelStore>, { type, ...body }: EventBody) => applyMessage(store, backgroundPanelSide.out.make(type, { tabId: TAB, ...body } as never));
const chunk = (t: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })}\n\n`;

/** A trapped-sse style generation: POST answered with id-less SSE. */
function trapped(conn = '1', t = 1000): CaptureRecord[] {
  return [
    { type: 'open', conn, time: t, kind: 'fetch', url: 'http://h/trapped-sse/api/chat', method: 'POST', requestHeaders: [['authorization', 'Bearer sk-secret']], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
    { type: 'response', conn, time: t + 10, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
    ...['a', 'b', 'c', 'd'].map((x, i): CaptureRecord => ({ type: 'data', conn, time: t + 20 + i, dir: 'in', text: chunk(x), base64: null, size: 10, event: null, id: null })),
    { type: 'end', conn, time: t + 100, cause: 'clean', error: null, code: null, reason: null },
  ];
}

function manualStore() {
  const queue: (() => void)[] = [];
  const store = createPanelStore(TAB, { schedule: (fn) => queue.push(fn) });
  return { store, flush: () => queue.splice(0).forEach((f) => f()) };
}

function recordingConnection() {
  const sent: [string, ...unknown[]][] = [];
  const conn: PanelConnection = {
    clear: async () => (sent.push(['clear']), true),
    setRecordOnLoad: async (e) => (sent.push(['set-record-on-load', e]), true),
    setDeepCapture: async (e) => (sent.push(['set-deep-capture', e]), true),
    listSessions: async () => (sent.push(['list-sessions']), true),
    loadSession: async (id) => (sent.push(['load-session', id]), true),
    armFault: async (f) => (sent.push(['arm-fault', f]), true),
    disarmFault: async (id) => (sent.push(['disarm-fault', id]), true),
    releaseFault: async (id, d) => (sent.push(['release-fault', id, d]), true),
    replay: async (r, scale) => (sent.push(['replay', r, scale]), true),
    runTest: async (t, o) => (sent.push(['run-test', t, o]), true),
    cancelTest: async () => (sent.push(['cancel-test']), true),
    wsControl: async (c, a) => (sent.push(['ws-control', c, a]), true),
  };
  return { conn, sent };
}

const info = (id: string): SessionInfo => ({ id, tabId: TAB, browserRun: 'r', url: 'http://h/old', startedAt: 1, updatedAt: 2, connections: 1, events: 4, bytes: 40, correlationIds: [], signals: [], faults: [], testRuns: [] });
const run = (verdict: 'pass' | 'fail'): TestRunRecord => ({ id: `run-${verdict}`, test: 'reconnect-resume', startedAt: 1, endedAt: 2, verdict: { test: 'reconnect-resume', verdict, reason: 'why', evidence: [{ label: 'stream', connectionId: 'doc:1', eventSeqs: [2] }], advice: null } });

describe('capture state and page signals', () => {
  it('keeps the capture state, and learns from a navigation that hooks recorded from load', () => {
    const { store } = manualStore();
    send(store, { type: 'capture-state', recording: true, recordOnLoad: false, origin: 'http://h', storage: { ok: false, error: 'QuotaExceededError', lostEvents: 3, pendingEvents: 0 }, linkedTabs: [], armedFaults: [], internalErrors: [], deepCapture: { unavailable: null, on: false, offReason: null, workers: [] } });
    expect(store.captureState.state.value).toMatchObject({ recording: true, origin: 'http://h', storage: { lostEvents: 3 } });
    expect(store.captureState.loadedBeforePanel.value).toBe(true);
    send(store, { type: 'reset', sessionId: 's2', reason: 'cleared' });
    expect(store.captureState.loadedBeforePanel.value).toBe(true);
    send(store, { type: 'reset', sessionId: 's3', reason: 'navigated' });
    expect(store.captureState.loadedBeforePanel.value).toBe(false);
    expect(store.sessions.liveId.value).toBe('s3');
  });

  it('folds page signals and page-wide faults into the tab lists, connection faults into both', () => {
    const { store } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: [
      ...trapped(),
      { type: 'page', conn: 'page', time: 1200, signal: 'offline', detail: null },
      { type: 'fault', conn: 'page', time: 1200, faultId: 'f-off', fault: 'offline', detail: 'offline for 1 s' },
      { type: 'fault', conn: '1', time: 1050, faultId: 'f-drop', fault: 'drop', detail: null },
    ] });
    expect(store.data.signals.map((s) => s.signal)).toEqual(['offline']);
    expect(store.data.faults.map((f) => [f.id, f.connectionId])).toEqual([['f-off', null], ['f-drop', 'doc:1']]);
    expect(store.capture.get('doc:1')!.summary.faults.map((f) => f.id)).toEqual(['f-drop']);
  });
});

describe('findings', () => {
  it('flags a trapped stream after the deferral, and says the trap is present', () => {
    const { store, flush } = manualStore();
    expect(store.findings.flags.value).toEqual([]);
    send(store, { type: 'records', docId: 'doc', records: trapped() });
    // Not re-analyzed per batch: the flags catch up when the deferral runs.
    expect(store.findings.flags.value).toEqual([]);
    flush();
    expect(store.findings.flags.value.map((f) => f.id)).toEqual(['request-bound-stream', 'sse-without-ids']);
    expect(store.findings.summary.value.trapped).toBe(true);
  });

  it('shows test progress, then the verdict, which the summary uses at once', () => {
    const { store } = manualStore();
    send(store, { type: 'test-progress', runId: 'r1', test: 'reconnect-resume', step: 'dropping the stream', elapsedMs: 1500 });
    expect(store.tests.running.value).toEqual({ runId: 'r1', test: 'reconnect-resume', step: 'dropping the stream', elapsedMs: 1500 });
    send(store, { type: 'test-result', run: run('fail') });
    send(store, { type: 'test-result', run: run('fail') });
    expect(store.tests.running.value).toBeNull();
    expect(store.live.testRuns).toHaveLength(1);
    expect(store.findings.verdicts.value.map((v) => v.verdict)).toEqual(['fail']);
    expect(store.findings.summary.value.text).toBe('Single-Connection Trap: yes — missing Resilient Delivery');
  });

  it('follows evidence to the connection and its event', () => {
    const { store } = manualStore();
    send(store, { type: 'records', docId: 'doc', records: trapped() });
    store.view.value = 'findings';
    expect(selectEvidence(store, { label: 'x', connectionId: 'doc:1', eventSeqs: [2] })).toBe(true);
    expect(store.view.value).toBe('connections');
    expect(store.selection.connectionId.value).toBe('doc:1');
    expect(store.selection.tab.value).toBe('events');
    expect(store.eventRows.value[store.selection.eventIndex.value!]!.first).toBe(2);
    expect(selectEvidence(store, { label: 'tab B', connectionId: 'other:9' })).toBe(false);
  });
});

describe('stored sessions and imports are shown read-only while live capture continues', () => {
  it('lists sessions, loads the one asked for, and goes back to live', () => {
    const { store } = manualStore();
    const { conn, sent } = recordingConnection();
    send(store, { type: 'records', docId: 'doc', records: trapped() });
    openSessions(store, conn);
    send(store, { type: 'sessions', sessions: [info('old')] });
    expect(store.sessions.list.value!.map((s) => s.id)).toEqual(['old']);
    // A stored session nobody asked for (a stale answer) is ignored.
    const snapshot: TabSnapshot = { connections: [], signals: [], faults: [], testRuns: [run('pass')] };
    send(store, { type: 'stored-session', session: info('other'), snapshot });
    expect(store.source.value.kind).toBe('live');
    loadSession(store, conn, 'old');
    send(store, { type: 'stored-session', session: info('old'), snapshot });
    expect(sent).toEqual([['list-sessions'], ['load-session', 'old']]);
    expect(store.readOnly.value).toBe(true);
    expect(store.sessions.open.value).toBe(false);
    expect(store.rows.value).toHaveLength(0);
    expect(store.findings.verdicts.value.map((v) => v.verdict)).toEqual(['pass']);
    // Live records keep arriving and are kept, not shown.
    send(store, { type: 'records', docId: 'doc', records: trapped('2', 3000) });
    expect(store.rows.value).toHaveLength(0);
    backToLive(store);
    expect(store.rows.value).toHaveLength(2);
  });

  it('shows one imported session at a time', () => {
    const { store } = manualStore();
    showSource(store, { kind: 'imported', fileName: 'x.json', warnings: [], index: 0, sessions: [{ info: info('a'), data: { capture: new Map(), signals: [], faults: [], testRuns: [], view: [] } }] });
    expect(store.readOnly.value).toBe(true);
    expect(store.data.capture.size).toBe(0);
  });
});

describe('actions', () => {
  it('arms, fires, releases and disarms faults through the connection', () => {
    const { store } = manualStore();
    const { conn, sent } = recordingConnection();
    store.faults.form.value = { ...store.faults.form.value, kind: 'stall', stallSeconds: '0' };
    expect(armFromForm(store, conn, false)).toBeNull();
    const [armed] = store.faults.armed.value;
    expect(sent[0]).toEqual(['arm-fault', armed!.spec]);
    send(store, { type: 'records', docId: 'doc', records: [...trapped().slice(0, 3), { type: 'fault', conn: '1', time: 1030, faultId: armed!.spec.id, fault: 'stall', detail: 'held' }] });
    expect(firedCount(store, armed!.spec.id)).toBe(1);
    release(store, conn, armed!.spec.id, false);
    expect(store.faults.armed.value[0]!.released).toBe(true);
    disarm(store, conn, armed!.spec.id);
    expect(store.faults.armed.value).toEqual([]);
    expect(sent.slice(1)).toEqual([['release-fault', armed!.spec.id, false], ['disarm-fault', armed!.spec.id]]);
    store.faults.form.value = { ...store.faults.form.value, scope: 'connection' };
    expect(armFromForm(store, conn, true)).toBe('Select a connection first to target only it.');
    expect(store.faults.error.value).toBe('Select a connection first to target only it.');
  });

  it('starts and cancels a test with the options of the form', () => {
    const { store } = manualStore();
    const { conn, sent } = recordingConnection();
    expect(startTest(store, conn, 'multi-surface')).toBeNull();
    expect(store.tests.running.value).toMatchObject({ test: 'multi-surface', step: 'starting' });
    cancelTest(store, conn);
    expect(sent).toEqual([['run-test', 'multi-surface', { timeoutMs: 15000, dropAfterEvents: 5 }], ['cancel-test']]);
  });
});

describe('preserve log', () => {
  it('keeps earlier page loads across a navigation only when asked, never across a clear', () => {
    const { store } = manualStore();
    send(store, { type: 'records', docId: 'docA', records: trapped() });
    send(store, { type: 'reset', sessionId: 's2', reason: 'navigated' });
    expect([...store.capture.keys()]).toEqual([]);

    store.filter.preserveLog.value = true;
    send(store, { type: 'records', docId: 'docB', records: trapped() });
    send(store, { type: 'reset', sessionId: 's3', reason: 'navigated' });
    send(store, { type: 'records', docId: 'docC', records: trapped() });
    expect([...store.capture.keys()]).toEqual(['docB:1', 'docC:1']);

    send(store, { type: 'reset', sessionId: 's4', reason: 'cleared' });
    expect([...store.capture.keys()]).toEqual([]);
    store.filter.preserveLog.value = false;
  });
});

describe('a snapshot too large for one message', () => {
  it('takes its events from the parts that follow, and the records that arrived meanwhile after them, in order', () => {
    // The whole capture as the background holds it: two chat streams of 4 events each.
    const state = { capture: new Map(), signals: [], faults: [] } as unknown as Parameters<typeof foldRecords>[0];
    foldRecords(state, 'd', [...trapped('1', 1000), ...trapped('2', 2000)]);
    const whole: TabSnapshot = snapshotOf(state.capture);
    const { snapshot, parts } = splitSnapshot(whole, 500);
    expect(parts.length).toBeGreaterThan(1);
    const store = createPanelStore(TAB);
    send(store, { type: 'snapshot', sessionId: 's', snapshot, parts: parts.length });
    // A record captured while the parts travel: it must land after them.
    const late: CaptureRecord = { type: 'open', conn: '3', time: 3000, kind: 'websocket', url: 'ws://h/x', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null };
    send(store, { type: 'records', docId: 'd', records: [late] });
    expect(store.live.capture.size).toBe(2);
    for (const p of parts) send(store, { type: 'snapshot-part', sessionId: 's', connectionId: p.connectionId, events: p.events });
    const events = (id: string) => store.live.capture.get(id)!.events.map((e) => e.text);
    expect(events('d:1')).toEqual(whole.connections[0]!.events.map((e) => e.text));
    expect(events('d:2')).toEqual(whole.connections[1]!.events.map((e) => e.text));
    expect(store.live.capture.size).toBe(3);
  });

  it('reads its findings once whole, not from its first events, without waiting for a deferral', () => {
    const state = { capture: new Map(), signals: [], faults: [] } as unknown as Parameters<typeof foldRecords>[0];
    foldRecords(state, 'd', trapped('1', 1000));
    const whole: TabSnapshot = snapshotOf(state.capture);
    const first = whole.connections[0]!.events.slice(0, 2).reduce((w, e) => w + eventWeight(e), 0);
    const { snapshot, parts } = splitSnapshot(whole, 500, first);
    expect(snapshot.connections[0]!.events).toHaveLength(2);
    const { store } = manualStore();
    // Read before, as the panel's first render reads them.
    expect(store.findings.flags.value).toEqual([]);
    send(store, { type: 'snapshot', sessionId: 's', snapshot, parts: parts.length });
    // Listed from its summary meanwhile.
    expect(store.rows.value.map((r) => r.id)).toEqual(['d:1']);
    // Not read from its first events (they alone would flag the request-bound stream only).
    expect(store.findings.flags.value).toEqual([]);
    for (const p of parts) send(store, { type: 'snapshot-part', sessionId: 's', connectionId: p.connectionId, events: p.events });
    expect(store.findings.flags.value.map((f) => f.id)).toEqual(['request-bound-stream', 'sse-without-ids']);
  });

  it('a stored session too large for one message opens only once its parts are in, whole', () => {
    const state = { capture: new Map(), signals: [], faults: [] } as unknown as Parameters<typeof foldRecords>[0];
    foldRecords(state, 'd', [...trapped('1', 1000), ...trapped('2', 2000)]);
    const whole: TabSnapshot = snapshotOf(state.capture);
    const { snapshot, parts } = splitSnapshot(whole, 500);
    expect(parts.length).toBeGreaterThan(1);
    const store = createPanelStore(TAB);
    const info = { id: 'old', tabId: TAB, browserRun: 'r', url: 'http://h/', startedAt: 1, updatedAt: 2, correlationIds: [], signals: [], events: 8, connections: 2 } as unknown as SessionInfo;
    store.sessions.loading.value = 'old';
    send(store, { type: 'stored-session', session: info, snapshot, parts: parts.length });
    // Not shown while parts are due: what it would show is not the stored capture yet.
    expect(store.source.value.kind).toBe('live');
    for (const p of parts) send(store, { type: 'stored-session-part', sessionId: 'old', connectionId: p.connectionId, events: p.events });
    const source = store.source.value;
    expect(source.kind).toBe('stored');
    if (source.kind !== 'stored') return;
    const events = (id: string) => source.data.capture.get(id)!.events.map((e) => e.text);
    expect(events('d:1')).toEqual(whole.connections[0]!.events.map((e) => e.text));
    expect(events('d:2')).toEqual(whole.connections[1]!.events.map((e) => e.text));
    expect(store.sessions.loading.value).toBeNull();
  });
});

