import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportHar, harChunks, harEntryOf } from '../../../src/core/export/har-export';
import { harToTrace } from '../../../src/core/export/har-import';
import { importTrace } from '../../../src/core/export/trace-export';
import { sessionsFromTrace } from '../../../src/core/export/trace-model';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { genInput, utf8 } from './gen';
import { schemaValidator } from './schema';

const validHar = schemaValidator('har-1.2.schema.json');
const fixture = readFileSync(fileURLToPath(new URL('../../fixtures/traces/chrome-export.har', import.meta.url)), 'utf8');

function capture(kind: ConnectionCapture['summary']['kind'], events: Partial<ConnectionCapture['events'][number]>[], extra: Partial<ConnectionCapture['summary']> = {}): ConnectionCapture {
  const evs = events.map((e, seq) => ({ seq, time: 1_712_000_000_100 + seq * 10, dir: 'in' as const, text: null, base64: null, size: 0, event: null, id: null, ...e }));
  return {
    summary: {
      id: 'd:c1', kind, url: 'https://api.example.test/stream?x=1&y=%20z', method: 'POST', startedAt: 1_712_000_000_000, status: 200, contentType: 'text/event-stream',
      streaming: true, state: 'ended', endedAt: 1_712_000_001_000, end: 'clean', endDetail: null, events: evs.length,
      bytesIn: evs.filter((e) => e.dir === 'in').reduce((a, e) => a + e.size, 0), bytesOut: evs.filter((e) => e.dir === 'out').reduce((a, e) => a + e.size, 0),
      reconnects: 0, requestHeaders: [['content-type', 'application/json']], responseHeaders: [['content-type', 'text/event-stream']],
      requestBodySize: 12, requestBodyPreview: '{"prompt":1}', detail: null, faults: [], endInjected: false, reconnectMarks: [], joinedLate: null, ...extra,
    },
    events: evs,
  };
}

const entryOf = (c: ConnectionCapture) => harEntryOf({ summary: c.summary, events: c.events }, 'p');

describe('HAR export', () => {
  it('writes a fetch-SSE body, its SSE messages and our extras', () => {
    const e = entryOf(capture('fetch', [{ text: 'id: 1\nevent: delta\ndata: {"t":"He', size: 30 }, { text: 'llo"}\n\ndata: [DONE]\n\n', size: 20 }]));
    expect(e.request).toMatchObject({ method: 'POST', queryString: [{ name: 'x', value: '1' }, { name: 'y', value: ' z' }], postData: { mimeType: 'application/json', text: '{"prompt":1}' }, bodySize: 12, headersSize: -1, cookies: [] });
    expect(e.response.content).toEqual({ size: 50, mimeType: 'text/event-stream', text: 'id: 1\nevent: delta\ndata: {"t":"Hello"}\n\ndata: [DONE]\n\n' });
    expect(e._eventSourceMessages).toEqual([
      { time: 1_712_000_000.11, eventName: 'delta', eventId: '1', data: '{"t":"Hello"}' },
      { time: 1_712_000_000.11, eventName: 'message', eventId: '', data: '[DONE]' },
    ]);
    expect(e.startedDateTime).toBe('2024-04-01T19:33:20.000Z');
    expect(e.timings).toMatchObject({ send: 0, wait: 100, receive: 900 });
    expect(e.time).toBe(1000);
    expect(e._resourceType).toBe('fetch');
    expect(e._durableSessions).toMatchObject({ connectionId: 'd:c1', kind: 'fetch', transport: 'fetch-SSE', end: 'clean', chunks: [{ time: 1_712_000_000_100, size: 30, length: 33 }, { time: 1_712_000_000_110, size: 20, length: 21 }] });
  });

  it("writes WebSocket frames in Chrome's _webSocketMessages form", () => {
    const e = entryOf(capture('websocket', [{ dir: 'out', text: '{"type":"subscribe"}', size: 20 }, { text: 'hi', size: 2 }, { base64: 'AAEC', size: 3 }], { status: null, contentType: null, url: 'wss://a.test/ws', method: 'GET', responseHeaders: [], requestBodyPreview: null, requestBodySize: null }));
    expect(e._resourceType).toBe('websocket');
    expect(e.response).toMatchObject({ status: 101, statusText: 'Switching Protocols', content: { size: 0, mimeType: 'x-unknown' } });
    expect(e._webSocketMessages).toEqual([
      { type: 'send', time: 1_712_000_000.1, opcode: 1, data: '{"type":"subscribe"}' },
      { type: 'receive', time: 1_712_000_000.11, opcode: 1, data: 'hi' },
      { type: 'receive', time: 1_712_000_000.12, opcode: 2, data: 'AAEC' },
    ]);
    expect(e.request.postData).toBeUndefined();
  });

  it('keeps what the WebSocket control did to a frame, and reads it back', () => {
    const c = capture('websocket', [{ dir: 'out', text: '42["cancel"]', size: 12, mark: 'sent' }, { text: 'hi', size: 2, mark: 'injected' }, { text: 'yo', size: 2 }], { status: null, contentType: null, url: 'wss://a.test/ws', method: 'GET', responseHeaders: [], requestBodyPreview: null, requestBodySize: null });
    const e = entryOf(c);
    expect(e._webSocketMessages!.map((m) => m._mark)).toEqual(['sent', 'injected', undefined]);
    const r = harToTrace({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [e] } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.sessions[0]!.connections[0]!.events.map((x) => x.mark)).toEqual(['sent', 'injected', undefined]);
    // Not one of the marks: the frame is kept, the mark left out, and the import says so.
    const bad = harToTrace({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ ...e, _webSocketMessages: [{ ...e._webSocketMessages![0]!, _mark: 'forged' }] }] } });
    if (!bad.ok) throw new Error(bad.error.message);
    expect(bad.trace.sessions[0]!.connections[0]!.events.map((x) => [x.text, x.mark])).toEqual([['42["cancel"]', undefined]]);
    expect(bad.warnings.join(' ')).toMatch(/_mark is not one of sent, injected/);
  });

  it('writes EventSource messages and the SSE text they came as', () => {
    const e = entryOf(capture('eventsource', [{ text: 'a\nb', event: 'message', id: '1', size: 3 }, { text: 'x', event: 'done', id: '2', size: 1 }], { method: 'GET' }));
    expect(e._eventSourceMessages).toEqual([
      { time: 1_712_000_000.1, eventName: 'message', eventId: '1', data: 'a\nb' },
      { time: 1_712_000_000.11, eventName: 'done', eventId: '2', data: 'x' },
    ]);
    expect(e.response.content.text).toBe('id: 1\ndata: a\ndata: b\n\nevent: done\nid: 2\ndata: x\n\n');
  });

  it('writes a binary body as base64 and marks aborted requests like Chrome', () => {
    const e = entryOf(capture('fetch', [{ text: 'ab', size: 2 }, { base64: '/w==', size: 1 }], { end: 'client-abort', contentType: 'application/octet-stream', responseHeaders: [] }));
    expect(e.response.content).toEqual({ size: 3, mimeType: 'application/octet-stream', text: 'YWL/', encoding: 'base64' });
    expect(e.response._error).toBe('net::ERR_ABORTED');
  });

  it('produces HAR 1.2 that satisfies schemas/har-1.2.schema.json, redacted by default', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { har, report } = exportHar(genInput(seed));
      expect(validHar(har), `seed ${seed}`).toEqual([]);
      const text = [...harChunks(har)].join('');
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(har)));
      expect(har.log._durableSessions!.redaction.redactedCount).toBe(report.count);
    }
  });
});

describe('HAR import', () => {
  it('round-trips what HAR can carry: connections, events, summaries, views (100 generated traces)', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const input = genInput(seed, { harSafe: true });
      const { har } = exportHar(input, { redact: false });
      const r = await importTrace([...harChunks(har)]);
      if (!r.ok) throw new Error(`seed ${seed}: ${r.error.message}`);
      expect(r.source).toBe('har');
      const back = sessionsFromTrace(r.trace);
      const expected = input.sessions.map((s) => s.snapshot);
      expect(back.map((s) => s.snapshot.connections)).toEqual(expected.map((s) => s.connections));
      expect(back.map((s) => s.snapshot.faults)).toEqual(expected.map((s) => s.faults));
      expect(back.map((s) => s.snapshot.testRuns)).toEqual(expected.map((s) => s.testRuns));
      expect(back.map((s) => 'view' in s.snapshot)).toEqual(expected.map((s) => s.view !== undefined));
      expect(back.map((s) => s.snapshot.view)).toEqual(expected.map((s) => s.view));
      expect(back.map((s) => s.info.url)).toEqual(input.sessions.map((s) => s.info.url));
    }
  });

  it('keeps a text chunk that starts with U+FEFF in a body that also has binary chunks', async () => {
    const c = capture('fetch', [{ base64: '/w==', size: 1 }, { text: '\ufeffhi', size: 5 }], { contentType: 'application/octet-stream', responseHeaders: [['content-type', 'application/octet-stream']] });
    const input = { sessions: [{ info: { id: 's', tabId: 1, browserRun: 'r', url: 'https://a.test/', startedAt: 1, updatedAt: 2, correlationIds: [] }, snapshot: { connections: [c], signals: [], faults: [], testRuns: [] } }], environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://a.test/' }, exportedAt: '2024-04-01T12:00:00.000Z' };
    const r = await importTrace([...harChunks(exportHar(input, { redact: false }).har)]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.sessions[0]!.connections[0]!.events.map((e) => e.text ?? e.base64)).toEqual(['/w==', '\ufeffhi']);
  });

  it('imports a Chrome-exported HAR: streaming entries only, one event per SSE message block', async () => {
    const r = await importTrace(fixture);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.source).toBe('har');
    expect(r.warnings).toEqual(['3 HAR entries were not streaming requests (documents, scripts, images…) and were skipped.']);
    const [session] = r.trace.sessions;
    expect(session).toMatchObject({ id: 'page_1', url: 'https://chat.example.test/', tabId: null });
    const byKind = session!.connections.map((c) => [c.summary.kind, c.summary.url]);
    expect(byKind).toEqual([
      ['fetch', 'https://api.example.test/v1/chat/completions?stream=true'],
      ['websocket', 'wss://chat.example.test/ws?token=abc123'],
      ['eventsource', 'https://chat.example.test/events?c=c_8f2k1'],
      ['fetch', 'https://api.example.test/v1/generate'],
      ['fetch', 'https://api.example.test/v1/chat/completions'],
    ]);
    const [sse, ws, es, ndjson, aborted] = session!.connections;

    expect(sse!.events).toHaveLength(5);
    expect(sse!.events.map((e) => e.text).join('')).toBe(JSON.parse(fixture).log.entries[2].response.content.text);
    expect(sse!.events[4]!.text).toBe('data: [DONE]\n\n');
    const responseAt = Date.parse('2024-04-01T12:00:01.000Z') + 1.2 + 0.3 + 120.5;
    expect(sse!.events[0]!.time).toBeCloseTo(responseAt, 3);
    expect(sse!.summary).toMatchObject({ status: 200, contentType: 'text/event-stream; charset=utf-8', streaming: true, end: 'clean', requestBodyPreview: expect.stringContaining('"stream": true'), events: 5, bytesIn: utf8(sse!.events.map((e) => e.text).join('')) });
    expect(sse!.summary.endedAt).toBeCloseTo(Date.parse('2024-04-01T12:00:01.000Z') + 975.4, 3);

    expect(ws!.events.map((e) => [e.dir, e.text ?? e.base64, e.size])).toEqual([
      ['out', '{"type":"subscribe","offset":0}', 31],
      ['in', '{"type":"delta","seq":1,"text":"Hi"}', 36],
      ['in', 'AAEC+g==', 4],
      ['out', '{"type":"cancel"}', 17],
    ]);
    expect(ws!.events[0]!.time).toBe(1711972802123.4);
    expect(ws!.summary.status).toBe(101);

    expect(es!.events.map((e) => [e.event, e.id, e.text])).toEqual([
      ['delta', '1', '{"t":"Once"}'],
      ['delta', '2', '{"t":" upon"}'],
      ['done', '3', '{}'],
    ]);

    expect(ndjson!.events.map((e) => e.text)).toEqual(['{"type":"token","text":"A"}\n', '{"type":"token","text":"B"}\n', '{"type":"done"}\n']);
    expect(aborted!.summary).toMatchObject({ end: 'client-abort', endDetail: 'net::ERR_ABORTED', status: null, events: 0 });
  });

  it('gives HAR paths for structural problems and never throws', () => {
    const har = JSON.parse(fixture);
    har.log.entries[2].request.url = 42;
    const r = harToTrace(har);
    expect(!r.ok && r.error).toMatchObject({ path: 'log.entries[2].request.url', message: expect.stringContaining('Invalid HAR at log.entries[2].request.url') });
    expect(harToTrace({ nope: 1 })).toMatchObject({ ok: false, error: { kind: 'format' } });
    expect(harToTrace({ log: { entries: 'x' } })).toMatchObject({ ok: false, error: { path: 'log.entries' } });
    const bad = JSON.parse(fixture);
    bad.log.entries[3]._webSocketMessages[2].data = '***';
    bad.log.entries[2].startedDateTime = 'never';
    expect(harToTrace(bad)).toMatchObject({ ok: false, error: { path: 'log.entries[2].startedDateTime' } });
    bad.log.entries[2].startedDateTime = '2024-04-01T12:00:01.000Z';
    const w = harToTrace(bad);
    expect(w.ok && w.warnings.some((x) => x.includes('not valid base64'))).toBe(true);
  });

  it('keeps the Chrome fixture redactable: export after import hides its secrets', async () => {
    const r = await importTrace(fixture);
    if (!r.ok) throw new Error(r.error.message);
    const input = { sessions: sessionsFromTrace(r.trace).map(({ info, snapshot }) => ({ info, snapshot })), environment: r.trace.environment };
    const { har, report } = exportHar(input);
    const text = JSON.stringify(har);
    expect(text).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz0123');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('token=abc123');
    expect(report.where.some((w) => w.location === 'request-header' && w.name === 'cookie')).toBe(true);
    expect(validHar(har)).toEqual([]);
  });
});
