import { describe, expect, it } from 'vitest';
import { applyRecord, isBinaryBody, isStreamingContentType, snapshotOf, streamDecision, tabFromSnapshot, transportLabel, type TabCapture } from '../../../src/core/trace/model';
import type { CaptureRecord } from '../../../src/core/trace/records';

const rec = {
  open: (conn: string, kind: 'fetch' | 'websocket' | 'eventsource' = 'fetch'): CaptureRecord => ({ type: 'open', conn, time: 100, kind, url: 'http://127.0.0.1/api/chat', method: 'POST', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null }),
  response: (conn: string, contentType: string, streaming = true): CaptureRecord => ({ type: 'response', conn, time: 110, status: 200, statusText: 'OK', headers: [['Content-Type', contentType]], streaming }),
  data: (conn: string, text: string, time = 120): CaptureRecord => ({ type: 'data', conn, time, dir: 'in', text, base64: null, size: text.length, event: null, id: null }),
  end: (conn: string, cause: 'clean' | 'network-error' | 'client-abort'): CaptureRecord => ({ type: 'end', conn, time: 200, cause, error: cause === 'network-error' ? 'TypeError: network error' : null, code: null, reason: null }),
};

describe('applyRecord: folding capture records into connections', () => {
  it('follows a fetch-SSE stream from open to a clean end', () => {
    const tab: TabCapture = new Map();
    for (const r of [rec.open('1'), rec.response('1', 'text/event-stream; charset=utf-8'), rec.data('1', 'data: a\n\n'), rec.data('1', 'data: b\n\n'), rec.end('1', 'clean')]) applyRecord(tab, 'doc', r);
    const s = tab.get('doc:1')!.summary;
    expect(s).toMatchObject({ kind: 'fetch', status: 200, streaming: true, state: 'ended', end: 'clean', events: 2, bytesIn: 18 });
    expect(transportLabel(s)).toBe('fetch-SSE');
  });

  it('namespaces connection ids by document so two frames cannot collide', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'top', rec.open('1'));
    applyRecord(tab, 'iframe', rec.open('1'));
    applyRecord(tab, 'iframe', rec.data('1', 'x'));
    expect(tab.size).toBe(2);
    expect(tab.get('top:1')!.summary.events).toBe(0);
    expect(tab.get('iframe:1')!.summary.events).toBe(1);
  });

  it('ignores records for connections never opened, and a second open of the same id', () => {
    const tab: TabCapture = new Map();
    expect(applyRecord(tab, 'd', rec.data('ghost', 'x'))).toBeNull();
    applyRecord(tab, 'd', rec.open('1'));
    expect(applyRecord(tab, 'd', rec.open('1'))).toBeNull();
  });

  it('keeps the first end: a late network error does not rewrite a client abort', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'd', rec.open('1'));
    applyRecord(tab, 'd', rec.end('1', 'client-abort'));
    applyRecord(tab, 'd', rec.end('1', 'network-error'));
    expect(tab.get('d:1')!.summary.end).toBe('client-abort');
  });

  it('counts EventSource reconnections', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'd', rec.open('1', 'eventsource'));
    applyRecord(tab, 'd', { type: 'state', conn: '1', time: 150, state: 'reconnecting', readyState: 0, lastEventId: '7' });
    expect(tab.get('d:1')!.summary.state).toBe('reconnecting');
    applyRecord(tab, 'd', { type: 'state', conn: '1', time: 160, state: 'open', readyState: 1, lastEventId: null });
    expect(tab.get('d:1')!.summary).toMatchObject({ state: 'open', reconnects: 1 });
  });

  it('survives a snapshot round trip (what a panel receives when it opens late)', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'd', rec.open('1', 'websocket'));
    applyRecord(tab, 'd', rec.data('1', '{"type":"delta"}'));
    const copy = tabFromSnapshot(structuredClone(snapshotOf(tab)));
    applyRecord(copy, 'd', rec.data('1', '{"type":"done"}'));
    expect(copy.get('d:1')!.events.map((e) => e.seq)).toEqual([0, 1]);
  });
});

describe('isStreamingContentType', () => {
  it.each([
    ['text/event-stream', true],
    ['text/event-stream;charset=UTF-8', true],
    ['application/x-ndjson', true],
    ['application/jsonl', true],
    ['application/json', false],
    ['text/html', false],
    [null, false],
  ])('%s → %s', (ct, expected) => {
    expect(isStreamingContentType(ct)).toBe(expected);
  });
});

describe('streamDecision: which fetch bodies are teed', () => {
  it('tees SSE and JSON lines, and AI streams marked by header or URL', () => {
    expect(streamDecision([['Content-Type', 'text/event-stream']], 'http://x/a')).toBe('stream');
    expect(streamDecision([['content-type', 'text/plain; charset=utf-8'], ['x-vercel-ai-data-stream', 'v1']], 'http://x/api/chat')).toBe('stream');
    expect(streamDecision([['content-type', 'application/json'], ['content-length', '99']], 'https://g/v1beta/models/m:streamGenerateContent')).toBe('maybe');
    // An Engine.IO poll's answer is one piece of a Socket.IO session (socket.io-client's `Fetch` transport).
    expect(streamDecision([['content-type', 'text/plain; charset=UTF-8'], ['content-length', '31']], 'http://x/socket.io/?EIO=4&transport=polling&t=a&sid=b')).toBe('maybe');
    expect(streamDecision([['content-type', 'text/plain; charset=UTF-8'], ['content-length', '31']], 'http://x/socket.io/?EIO=4&transport=pollingx')).toBe('no');
  });
  it('tees chunked JSON or text as a maybe, leaves sized ones and other types alone', () => {
    expect(streamDecision([['content-type', 'application/json']], 'http://x/api')).toBe('maybe');
    expect(streamDecision([['content-type', 'application/json'], ['content-length', '12']], 'http://x/api')).toBe('no');
    expect(streamDecision([['content-type', 'text/html']], 'http://x/')).toBe('no');
  });
  it('tees Connect streaming and gRPC-web bodies, bytes kept as bytes except grpc-web-text', () => {
    for (const ct of ['application/connect+json', 'application/connect+proto', 'application/grpc-web', 'application/grpc-web+proto', 'application/grpc-web+json; charset=utf-8']) {
      expect(streamDecision([['content-type', ct], ['content-length', '40']], 'http://x/chat.v1.ChatService/Generate'), ct).toBe('stream');
      expect(isBinaryBody(ct), ct).toBe(true);
    }
    for (const ct of ['application/grpc-web-text', 'application/grpc-web-text+proto']) {
      expect(streamDecision([['content-type', ct]], 'http://x/chat.v1.ChatService/Generate'), ct).toBe('stream');
      expect(isBinaryBody(ct), ct).toBe(false);
    }
    // Connect unary calls answer plain JSON or protobuf: not a stream of envelopes.
    expect(streamDecision([['content-type', 'application/proto'], ['content-length', '40']], 'http://x/chat.v1.ChatService/Say')).toBe('no');
    expect(isBinaryBody('application/json')).toBe(false);
    expect(isBinaryBody('application/grpc-web-textual')).toBe(false);
  });
  it('counts a maybe-stream as a stream from its second chunk', () => {
    const tab: TabCapture = new Map();
    applyRecord(tab, 'd', rec.open('1'));
    applyRecord(tab, 'd', rec.response('1', 'application/json', false));
    applyRecord(tab, 'd', rec.data('1', '[{"a":1}'));
    expect(tab.get('d:1')!.summary.streaming).toBe(false);
    applyRecord(tab, 'd', rec.data('1', ',{"a":2}]'));
    expect(tab.get('d:1')!.summary.streaming).toBe(true);
  });
});
