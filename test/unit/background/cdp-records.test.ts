import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCdpTranslator } from '../../../src/background/cdp-records';
import { foldRecords, emptyTabState } from '../../../src/core/trace/model';
import { sanitizeRecord, type CaptureRecord } from '../../../src/core/trace/records';
import { SSE_EVENTS } from '../../fixtures/cdp/worker-app';

/** Recorded from a real Chromium by test/fixtures/cdp/record-cdp.ts. */
const recorded = JSON.parse(readFileSync(new URL('../../fixtures/cdp/worker-streams.json', import.meta.url), 'utf8')) as Array<{ method: string; params: Record<string, unknown> }>;

function replay(events = recorded) {
  const worker = events[0]!.params.targetInfo as { type: 'worker'; url: string };
  const t = createCdpTranslator(worker, { now: () => 1 });
  const records: CaptureRecord[] = [];
  const streamed: string[] = [];
  for (const e of events.slice(1)) {
    if (e.method === 'Network.streamResourceContent.result') {
      records.push(...t.buffered(e.params.requestId as string, e.params.bufferedData as string));
      continue;
    }
    const out = t.event(e.method, e.params);
    records.push(...out.records);
    if (out.streamRequestId) streamed.push(out.streamRequestId);
  }
  const tab = emptyTabState();
  foldRecords(tab, 'deep-WORKER', records);
  const byKind = (kind: string) => [...tab.capture.values()].find((c) => c.summary.kind === kind)!;
  return { t, records, streamed, tab, byKind };
}

describe('CDP events of a worker → capture records', () => {
  it('turns the worker fetch SSE body, EventSource and WebSocket into three connections marked as from the worker', () => {
    const { tab } = replay();
    // The worker's own script load is not a connection the hook would capture.
    expect([...tab.capture.values()].map((c) => c.summary.kind).sort()).toEqual(['eventsource', 'fetch', 'websocket']);
    for (const c of tab.capture.values()) expect(c.summary.deep).toEqual({ via: 'deep-capture', workerType: 'worker', workerUrl: 'http://app.test/worker.js' });
  });

  it('reassembles the fetch body from the buffered bytes and the streamed chunks, once each', () => {
    const { byKind, streamed } = replay();
    const fetch = byKind('fetch');
    const sent = SSE_EVENTS.map((t) => `data: ${JSON.stringify({ delta: t })}\n\n`).join('');
    expect(fetch.events.map((e) => e.text).join('')).toBe(sent);
    expect(fetch.summary.bytesIn).toBe(Buffer.byteLength(sent));
    expect(fetch.summary).toMatchObject({ url: 'http://app.test/sse', method: 'GET', status: 200, contentType: 'text/event-stream', streaming: true, state: 'ended' });
    expect(fetch.summary.requestHeaders).toContainEqual(['accept', 'text/event-stream']);
    // Only the fetch body is streamed (the EventSource comes parsed, the script is not captured).
    expect(streamed).toEqual([recorded.find((e) => e.method === 'Network.responseReceived' && e.params.type === 'Fetch')!.params.requestId]);
  });

  it('reassembles the same body when the answer to streamResourceContent comes after the body has ended (a busy service worker)', () => {
    const answer = recorded.find((e) => e.method === 'Network.streamResourceContent.result')!;
    const requestId = answer.params.requestId;
    // A worker's fetch read to its end is reported as a cancelled load (see cdp-records.ts).
    const finished = recorded.findIndex((e) => (e.method === 'Network.loadingFinished' || e.method === 'Network.loadingFailed') && e.params.requestId === requestId);
    expect(recorded.indexOf(answer)).toBeLessThan(finished);
    const late = recorded.filter((e) => e !== answer);
    late.splice(finished, 0, answer);
    const { byKind } = replay(late);
    const sent = SSE_EVENTS.map((t) => `data: ${JSON.stringify({ delta: t })}\n\n`).join('');
    expect(byKind('fetch').events.map((e) => e.text).join('')).toBe(sent);
    expect(byKind('fetch').summary.state).toBe('ended');
    expect(byKind('fetch').summary.bytesIn).toBe(Buffer.byteLength(sent));
  });

  it('keeps the EventSource messages as the browser dispatched them, with their ids', () => {
    const es = replay().byKind('eventsource');
    expect(es.events.map((e) => e.text)).toEqual([...SSE_EVENTS.map((t) => JSON.stringify({ delta: t })), '[DONE]']);
    expect(es.events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '4']);
    expect(es.events.every((e) => e.event === 'message')).toBe(true);
    // The app closed it at [DONE]: Chromium reports that as a cancelled load.
    expect(es.summary).toMatchObject({ state: 'ended', end: 'client-abort', endDetail: 'net::ERR_ABORTED' });
  });

  it('keeps the WebSocket frames both ways in order, on the wall clock of the handshake', () => {
    const ws = replay().byKind('websocket');
    expect(ws.events.map((e) => [e.dir, e.text])).toEqual([['out', 'ping 1'], ['out', 'ping 2'], ['in', 'echo ping 1'], ['in', 'echo ping 2']]);
    expect(ws.summary).toMatchObject({ url: 'ws://app.test/ws', status: 101, state: 'ended', end: 'clean', bytesOut: 12, bytesIn: 22 });
    const wall = recorded.find((e) => e.method === 'Network.webSocketWillSendHandshakeRequest')!.params.wallTime as number;
    // Frames are milliseconds after the handshake's wall time, not the translator's fallback clock.
    for (const e of ws.events) expect(Math.abs(e.time - wall * 1000)).toBeLessThan(5000);
  });

  it('decodes a UTF-8 character split across two streamed chunks', () => {
    const t = createCdpTranslator({ type: 'worker', url: 'http://x/w.js' }, { now: () => 1 });
    t.event('Network.requestWillBeSent', { requestId: 'r', type: 'Fetch', timestamp: 1, wallTime: 1000, request: { url: 'http://x/s', method: 'POST', headers: {}, postData: '{"q":1}' } });
    t.event('Network.responseReceived', { requestId: 'r', type: 'Fetch', timestamp: 1, response: { status: 200, statusText: 'OK', headers: { 'content-type': 'text/event-stream' } } });
    // Streaming began before any byte came.
    expect(t.buffered('r', '')).toEqual([]);
    const bytes = Buffer.from('data: é\n\n');
    const a = t.event('Network.dataReceived', { requestId: 'r', timestamp: 1.1, data: bytes.subarray(0, 7).toString('base64') }).records;
    const b = t.event('Network.dataReceived', { requestId: 'r', timestamp: 1.2, data: bytes.subarray(7).toString('base64') }).records;
    const texts = [...a, ...b].map((r) => (r.type === 'data' ? r.text : null)).join('');
    expect(texts).toBe('data: é\n\n');
  });

  it('ends what a worker left open when the worker goes, and nothing twice', () => {
    const events = recorded.filter((e) => e.method !== 'Network.webSocketClosed');
    const { t } = replay(events);
    expect(t.openConnections()).toBe(1);
    const ended = t.endAll('the worker ended');
    expect(ended).toMatchObject([{ type: 'end', cause: 'client-abort', error: 'the worker ended' }]);
    expect(t.endAll('again')).toEqual([]);
  });

  it('a page cannot claim a connection came from a worker: the relay\'s sanitizer drops the field', () => {
    const forged = { type: 'open', conn: 'c1', time: 1, kind: 'fetch', url: 'http://x/', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null, deep: { via: 'deep-capture', workerType: 'worker', workerUrl: 'http://x/w.js' } };
    expect(sanitizeRecord(forged, { stringBytes: 1000, urlLength: 1000, headers: 10 })).not.toHaveProperty('deep');
  });
});
