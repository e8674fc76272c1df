// @vitest-environment happy-dom
/** Timing and search across streams in the panel store: the remembered settings, the figures, the jump to a hit. */
import { afterEach, describe, expect, it } from 'vitest';
import { backgroundPanelSide } from '../src/protocol/panel';
import type { CaptureRecord } from '../src/core/trace/records';
import { applyMessage, createPanelStore, setEventMode } from './store';
import { jumpToHit, stepHit } from './stream-search';
import { createTimingStore, toggleColumn, DEFAULT_COLUMNS } from './timing';

const TAB = 3;
const records = (conn: string, url: string, tokens: string[], t0: number, step: number): CaptureRecord[] => [
  { type: 'open', conn, time: t0, kind: 'fetch', url, method: 'POST', requestHeaders: [], requestBodySize: 2, requestBodyPreview: '{}', detail: null },
  { type: 'response', conn, time: t0 + 5, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
  ...tokens.map((tok, i): CaptureRecord => {
    const text = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: tok }, finish_reason: null }] })}\n\n`;
    return { type: 'data', conn, time: t0 + 400 + i * step, dir: 'in', text, base64: null, size: text.length, event: null, id: null };
  }),
  { type: 'end', conn, time: t0 + 400 + tokens.length * step, cause: 'clean', error: null, code: null, reason: null },
];

function storeWith(...recs: CaptureRecord[][]) {
  const store = createPanelStore(TAB, { schedule: () => {} });
  applyMessage(store, backgroundPanelSide.out.make('records', { tabId: TAB, docId: 'doc', records: recs.flat() }));
  return store;
}

afterEach(() => globalThis.localStorage?.clear());

describe('timing settings', () => {
  it('shows and hides columns in the list’s order, never hiding the URL', () => {
    expect(toggleColumn(DEFAULT_COLUMNS, 'ttft')).toEqual([...DEFAULT_COLUMNS, 'ttft']);
    expect(toggleColumn(['url', 'ttft', 'events'], 'kind')).toEqual(['url', 'kind', 'events', 'ttft']);
    expect(toggleColumn(['url', 'kind'], 'kind')).toEqual(['url']);
    expect(toggleColumn(['url', 'kind'], 'url')).toEqual(['url', 'kind']);
  });

  it('remembers the columns and the stall threshold, and ignores what it cannot read', () => {
    const a = createTimingStore();
    a.columns.value = toggleColumn(a.columns.value, 'stalls');
    a.stallMs.value = 2500;
    const b = createTimingStore();
    expect(b.columns.value).toEqual([...DEFAULT_COLUMNS, 'stalls']);
    expect(b.stallMs.value).toBe(2500);
    localStorage.setItem('durable-sessions.columns', '{"not":"a list"}');
    localStorage.setItem('durable-sessions.stallMs', '-3');
    const c = createTimingStore();
    expect(c.columns.value).toEqual([...DEFAULT_COLUMNS]);
    expect(c.stallMs.value).toBe(1000);
  });

  it('recomputes stalls with the threshold the user set', () => {
    const store = storeWith(records('1', 'http://h/chat', ['a', 'b', 'c', 'd'], 1000, 700));
    const conn = store.capture.get('doc:1')!;
    expect(store.timings.of(conn).stalls).toHaveLength(0);
    store.timing.stallMs.value = 600;
    expect(store.timings.of(conn).stalls).toHaveLength(3);
    expect(store.timings.of(conn).firstTokenMs).toBe(400);
  });
});

describe('search across streams in the store', () => {
  it('searches every connection only while the drawer is open, and a hit selects its event in the Events view', () => {
    const store = storeWith(records('1', 'http://h/one', ['alpha', ' beta'], 1000, 50), records('2', 'http://h/two', ['gamma', ' beta', ' delta'], 2000, 50));
    const s = store.streamSearch;
    s.query.value = 'beta';
    expect(s.result.value.total).toBe(0);
    s.open.value = true;
    expect(s.result.value.groups.map((g) => g.connectionId)).toEqual(['doc:1', 'doc:2']);
    stepHit(s, 1);
    stepHit(s, 1);
    const hit = s.hits.value[s.active.value]!;
    expect(hit.connectionId).toBe('doc:2');
    store.selection.tab.value = 'timing';
    jumpToHit(store, hit);
    expect(store.selection.connectionId.value).toBe('doc:2');
    expect(store.selection.tab.value).toBe('events');
    // Messages mode: the row of the frame that carried it.
    expect(store.eventRows.value[store.selection.eventIndex.value!]!.text).toContain('" beta"');
    setEventMode(store, 'chunks');
    jumpToHit(store, hit);
    expect(store.selection.eventIndex.value).toBe(hit.seq);
    stepHit(s, 1);
    expect(s.active.value).toBe(0);
  });

  it('reports an invalid pattern instead of throwing', () => {
    const store = storeWith(records('1', 'http://h/one', ['alpha'], 1000, 50));
    const s = store.streamSearch;
    s.open.value = true;
    s.regex.value = true;
    s.query.value = '[a-';
    expect(s.result.value.error).toMatch(/^Not a valid regular expression/);
    expect(s.hits.value).toEqual([]);
  });
});

describe('search results while the capture grows', () => {
  it('answers a new query at once, and shows new events after a deferral, not per batch', () => {
    const queue: (() => void)[] = [];
    const store = createPanelStore(TAB, { schedule: (fn) => queue.push(fn) });
    const s = store.streamSearch;
    s.open.value = true;
    s.query.value = 'beta';
    expect(s.result.value.total).toBe(0);
    for (const r of [records('1', 'http://h/one', ['alpha', ' beta'], 1000, 50), records('2', 'http://h/two', [' beta'], 2000, 50)]) applyMessage(store, backgroundPanelSide.out.make('records', { tabId: TAB, docId: 'doc', records: r }));
    // Not per batch: the results wait for the deferred refresh (findings defer theirs the same way).
    expect(s.result.value.total).toBe(0);
    queue.splice(0).forEach((f) => f());
    expect(s.result.value.groups.map((g) => g.connectionId)).toEqual(['doc:1', 'doc:2']);
    s.query.value = 'alpha';
    expect(s.result.value.total).toBe(1);
  });
});
