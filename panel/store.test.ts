import { describe, expect, it } from 'vitest';
import { backgroundPanelSide } from '../src/protocol/panel';
import type { CaptureRecord } from '../src/core/trace/records';
import { applyMessage, createPanelStore, selectConnection, selectEvent, selectFrame, setEventMode, stepSearch } from './store';
import { virtualWindow } from './logic/virtual';

const TAB = 7;
const open = (conn: string, kind: 'fetch' | 'websocket' | 'eventsource', url: string, time = 1000): CaptureRecord => ({
  type: 'open', conn, time, kind, url, method: kind === 'fetch' ? 'POST' : 'GET', requestHeaders: [['content-type', 'application/json']], requestBodySize: 9, requestBodyPreview: '{"p":"x"}', detail: null,
});
const response = (conn: string, contentType: string): CaptureRecord => ({ type: 'response', conn, time: 1010, status: 200, statusText: 'OK', headers: [['content-type', contentType]], streaming: true });
const data = (conn: string, text: string, time: number, dir: 'in' | 'out' = 'in'): CaptureRecord => ({ type: 'data', conn, time, dir, text, base64: null, size: text.length, event: null, id: null });
const end = (conn: string, cause: 'clean' | 'client-abort', time = 2000): CaptureRecord => ({ type: 'end', conn, time, cause, error: null, code: null, reason: null });
const records = (recs: CaptureRecord[], tabId = TAB) => backgroundPanelSide.out.make('records', { tabId, docId: 'doc', records: recs });
const chunk = (text: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;

/** An OpenAI-style SSE stream whose 3 messages arrive in 2 chunks, then a WebSocket. */
function fedStore() {
  const store = createPanelStore(TAB);
  applyMessage(store, records([open('1', 'fetch', 'http://h/api/chat'), response('1', 'text/event-stream'), data('1', chunk('Hel') + chunk('lo'), 1100), data('1', chunk(' you') + 'data: [DONE]\n\n', 1200), end('1', 'clean')]));
  applyMessage(store, records([open('2', 'websocket', 'ws://h/ws', 1500), data('2', '{"type":"chat"}', 1510, 'out'), data('2', '{"type":"delta","text":"a"}', 1520), end('2', 'client-abort', 1600)]));
  return store;
}

describe('panel store fed by applyMessage', () => {
  it('folds records into rows with kind, protocol, status and how they ended', () => {
    const store = fedStore();
    const rows = store.rows.value;
    expect(rows.map((r) => [r.kindLabel, r.protocolName, r.endLabel, r.events])).toEqual([
      ['fetch-SSE', 'OpenAI Chat Completions', 'clean', 2],
      ['WebSocket', expect.any(String), 'client abort', 2],
    ]);
    expect(rows[0]!.duration).toBe(1000);
  });

  it('drops the payloads the background dropped for the byte budget, keeping the events', () => {
    const store = fedStore();
    applyMessage(store, backgroundPanelSide.out.make('records', { tabId: TAB, docId: 'doc', records: [{ type: 'page', conn: 'page', time: 1700, signal: 'capture-lost', detail: 'The payloads of the 1 oldest event (0.0 MiB) were dropped' }], evicted: [{ connId: 'doc:1', throughSeq: 0 }] }));
    const events = store.live.capture.get('doc:1')!.events;
    expect(events.map((e) => e.text === null)).toEqual([true, false]);
    expect(events.map((e) => e.size)).toEqual([chunk('Hel').length + chunk('lo').length, chunk(' you').length + 'data: [DONE]\n\n'.length]);
  });

  it('ignores other tabs and starts over on reset', () => {
    const store = fedStore();
    applyMessage(store, records([open('9', 'websocket', 'ws://other')], 99));
    expect(store.rows.value).toHaveLength(2);
    selectConnection(store, 'doc:1');
    applyMessage(store, backgroundPanelSide.out.make('reset', { tabId: TAB, sessionId: null, reason: 'navigated' }));
    expect(store.rows.value).toHaveLength(0);
    expect(store.selection.connectionId.value).toBeNull();
  });

  it('filters and sorts the list', () => {
    const store = fedStore();
    store.filter.text.value = 'kind:ws';
    expect(store.rows.value.map((r) => r.url)).toEqual(['ws://h/ws']);
    store.filter.text.value = '-kind:ws protocol:openai';
    expect(store.rows.value.map((r) => r.url)).toEqual(['http://h/api/chat']);
    store.filter.text.value = '';
    store.filter.sort.value = { key: 'url', dir: 'desc' };
    expect(store.rows.value.map((r) => r.url)).toEqual(['ws://h/ws', 'http://h/api/chat']);
  });

  it('lists parsed messages by default for fetch streams, and raw chunks on demand, keeping the selection', () => {
    const store = fedStore();
    selectConnection(store, 'doc:1');
    expect(store.hasModes.value).toBe(true);
    expect(store.eventMode.value).toBe('messages');
    expect(store.eventRows.value.map((r) => r.text)).toEqual([expect.stringContaining('Hel'), expect.stringContaining('lo'), expect.stringContaining(' you'), '[DONE]']);
    selectEvent(store, 2, true);
    setEventMode(store, 'chunks');
    expect(store.eventRows.value).toHaveLength(2);
    expect(store.selection.eventIndex.value).toBe(1);
    setEventMode(store, 'messages');
    expect(store.selection.eventIndex.value).toBe(2);
    selectConnection(store, 'doc:2');
    expect(store.hasModes.value).toBe(false);
    expect(store.eventRows.value.map((r) => r.dir)).toEqual(['out', 'in']);
  });

  it('reassembles the output and leads a span back to its message', () => {
    const store = fedStore();
    selectConnection(store, 'doc:1');
    const out = store.analysis.output(store.selected.value!);
    expect(out.messages[0]!.text).toBe('Hello you');
    store.selection.tab.value = 'output';
    selectFrame(store, out.messages[0]!.spans[2]!.frame);
    expect(store.selection.tab.value).toBe('events');
    expect(store.selection.eventIndex.value).toBe(2);
    expect(store.selection.detailOpen.value).toBe(true);
  });

  it('searches rows and steps through the hits', () => {
    const store = fedStore();
    selectConnection(store, 'doc:1');
    store.search.query.value = 'content';
    expect(store.matches.value).toEqual([0, 1, 2]);
    stepSearch(store, 1);
    stepSearch(store, 1);
    expect(store.selection.eventIndex.value).toBe(1);
    stepSearch(store, -1);
    stepSearch(store, -1);
    expect(store.selection.eventIndex.value).toBe(2);
  });

  it('holds 100,000 events while the table renders a bounded window of them', () => {
    const store = createPanelStore(TAB);
    const recs: CaptureRecord[] = [open('1', 'websocket', 'ws://h/bench')];
    for (let i = 0; i < 100_000; i++) recs.push(data('1', `{"i":${i}}`, 2000 + i));
    applyMessage(store, records(recs));
    selectConnection(store, 'doc:1');
    expect(store.eventRows.value).toHaveLength(100_000);
    for (const at of [0, 0.5, 1]) {
      const w = virtualWindow({ count: store.eventRows.value.length, rowHeight: 20, scrollTop: at * 20 * 100_000, viewportHeight: 800, overscan: 12 });
      expect(w.end - w.start).toBeLessThan(100);
    }
  });
});
