import { describe, expect, it } from 'vitest';
import { applyRecord, type ConnectionCapture, type TabCapture } from '../../../src/core/trace/model';
import type { CaptureRecord } from '../../../src/core/trace/records';
import { canReplaySocket, parseSocketRecording, socketRecordingOf, sseResponseOf, type EsRecording, type WsRecording } from '../../../src/core/replay/socket-recording';
import { parseAnyRecording, recordingOfConnection } from '../../../src/core/replay/any';
import { replayOf } from '../../../src/protocol/panel';

/** A connection as the capture folds it from the hook's records (the same fold the panel runs). */
function capture(records: Array<Record<string, unknown>>): ConnectionCapture {
  const tab: TabCapture = new Map();
  for (const r of records) applyRecord(tab, 'doc', { ...r, conn: 'c1' } as unknown as CaptureRecord);
  return tab.get('doc:c1')!;
}
const data = (time: number, dir: 'in' | 'out', text: string | null, extra: Partial<Record<'base64' | 'event' | 'id', string>> = {}) =>
  ({ type: 'data', time, dir, text, base64: extra.base64 ?? null, size: 1, event: extra.event ?? null, id: extra.id ?? null }) as const;

const open = (kind: 'websocket' | 'eventsource', url: string) =>
  ({ type: 'open', time: 1000, kind, url, method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null }) as const;

describe('WebSocket recordings', () => {
  const ws = capture([
    open('websocket', 'ws://app/ws'),
    { type: 'response', time: 1010, status: 101, statusText: 'Switching Protocols', headers: [['sec-websocket-protocol', 'chat.v1']], streaming: true },
    data(1020, 'out', 'start'),
    data(1060, 'in', 'alpha'),
    data(1100, 'in', null, { base64: 'yv4A' }),
    data(1110, 'in', 'injected by the panel'),
    { type: 'end', time: 1150, cause: 'server-close', error: null, code: 4001, reason: 'all done' },
  ]);
  ws.events[3]!.mark = 'injected';

  it('keeps the subprotocol, both directions with times from the open, and the server’s close; not what the panel injected', () => {
    expect(canReplaySocket(ws)).toBe(true);
    const r = socketRecordingOf(ws) as WsRecording;
    expect(r).toEqual({
      kind: 'websocket', url: 'ws://app/ws', protocol: 'chat.v1', extensions: '',
      frames: [{ at: 20, dir: 'out', text: 'start', base64: null }, { at: 60, dir: 'in', text: 'alpha', base64: null }, { at: 100, dir: 'in', text: null, base64: 'yv4A' }],
      close: { at: 150, code: 4001, reason: 'all done', wasClean: true, error: false },
    });
    expect(parseSocketRecording(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, recording: r });
  });

  it('leaves the app’s own close to the app, and gives a lost connection 1006', () => {
    const closedByApp = capture([open('websocket', 'ws://app/ws'), { type: 'response', time: 1010, status: 101, statusText: '', headers: [], streaming: true }, { type: 'end', time: 1100, cause: 'client-abort', error: null, code: 1000, reason: null }]);
    expect((socketRecordingOf(closedByApp) as WsRecording).close).toBeUndefined();
    const lost = capture([open('websocket', 'ws://app/ws'), { type: 'response', time: 1010, status: 101, statusText: '', headers: [], streaming: true }, { type: 'end', time: 1100, cause: 'network-error', error: 'connection lost', code: 1006, reason: null }]);
    expect((socketRecordingOf(lost) as WsRecording).close).toEqual({ at: 100, code: 1006, reason: '', wasClean: false, error: false });
  });

  it('a socket that never opened is not offered', () => {
    expect(canReplaySocket(capture([open('websocket', 'ws://app/ws'), { type: 'end', time: 1100, cause: 'network-error', error: 'x', code: 1006, reason: null }]))).toBe(false);
  });

  it('refuses bad input with the reason', () => {
    const good = socketRecordingOf(ws) as WsRecording;
    const bad = (patch: Record<string, unknown>) => parseSocketRecording({ ...good, ...patch });
    expect(bad({ url: 'http://app/ws' })).toMatchObject({ ok: false, error: expect.stringContaining('ws://') });
    expect(bad({ url: 'ws://app/ws#frag' })).toMatchObject({ ok: false });
    expect(bad({ protocol: 'two words' })).toMatchObject({ ok: false, error: expect.stringContaining('protocol') });
    expect(bad({ frames: [{ at: 5, dir: 'in', text: 'a', base64: null }, { at: 1, dir: 'in', text: 'b', base64: null }] })).toMatchObject({ ok: false, error: 'frame 1: frames must be in time order' });
    expect(bad({ frames: [{ at: 0, dir: 'sideways', text: 'a', base64: null }] })).toMatchObject({ ok: false, error: 'frame 0: dir must be "in" or "out"' });
    expect(bad({ frames: [{ at: 0, dir: 'in', text: 'a', base64: 'YQ==' }] })).toMatchObject({ ok: false, error: 'frame 0: exactly one of text and base64' });
    expect(bad({ frames: [{ at: 0, dir: 'in', text: null, base64: 'not base64!' }] })).toMatchObject({ ok: false, error: 'frame 0: base64 must be standard base64' });
    expect(bad({ close: { at: 200, code: 999, reason: '', wasClean: true, error: false } })).toMatchObject({ ok: false, error: expect.stringContaining('close.code') });
    expect(bad({ close: { at: 200, code: 4000, reason: 'é'.repeat(62), wasClean: true, error: false } })).toMatchObject({ ok: false, error: expect.stringContaining('123 UTF-8 bytes') });
    expect(bad({ close: { at: 10, code: 4000, reason: '', wasClean: true, error: false } })).toMatchObject({ ok: false, error: expect.stringContaining('after the last frame') });
    expect(parseSocketRecording({ ...good, kind: 'carrier-pigeon' })).toMatchObject({ ok: false, error: expect.stringContaining('kind') });
  });
});

describe('EventSource recordings', () => {
  const es = capture([
    open('eventsource', 'http://app/sse'),
    { type: 'response', time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
    data(1050, 'in', 'one', { event: 'token', id: '1' }),
    data(1090, 'in', 'two\nlines', { event: 'token', id: '2' }),
    { type: 'state', time: 1130, state: 'reconnecting', readyState: 0, lastEventId: '2' },
    { type: 'state', time: 1450, state: 'open', readyState: 1, lastEventId: null },
    data(1500, 'in', 'three', { event: 'message' }),
    { type: 'end', time: 1600, cause: 'client-abort', error: null, code: null, reason: null },
  ]);

  it('splits the messages by response at each reconnect, with the reconnect time the browser took', () => {
    expect(canReplaySocket(es)).toBe(true);
    const r = socketRecordingOf(es) as EsRecording;
    expect(r).toEqual({
      kind: 'eventsource', url: 'http://app/sse', retryMs: 320,
      responses: [
        { messages: [{ at: 50, event: 'token', data: 'one', id: '1' }, { at: 90, event: 'token', data: 'two\nlines', id: '2' }], endAt: 130 },
        { messages: [{ at: 50, event: 'message', data: 'three', id: null }], endAt: null },
      ],
    });
    expect(parseSocketRecording(JSON.parse(JSON.stringify(r)))).toEqual({ ok: true, recording: r });
  });

  it('serves each response as the text/event-stream the browser parsed it from', () => {
    const r = socketRecordingOf(es) as EsRecording;
    const first = sseResponseOf(r, r.responses[0]!);
    expect(first.headers).toContainEqual(['content-type', 'text/event-stream']);
    expect(first.chunks).toEqual([
      { at: 0, text: 'retry: 320\n\n' },
      { at: 50, text: 'event: token\nid: 1\ndata: one\n\n' },
      { at: 90, text: 'event: token\nid: 2\ndata: two\ndata: lines\n\n' },
    ]);
    expect(first.end).toEqual({ kind: 'close', at: 130 });
    expect(sseResponseOf(r, r.responses[1]!).end).toEqual({ kind: 'open', at: 50 });
  });

  it('refuses bad input with the reason', () => {
    const good = socketRecordingOf(es) as EsRecording;
    const bad = (patch: Record<string, unknown>) => parseSocketRecording({ ...good, ...patch });
    expect(bad({ url: 'ws://app/sse' })).toMatchObject({ ok: false, error: expect.stringContaining('http://') });
    expect(bad({ responses: [] })).toMatchObject({ ok: false });
    expect(bad({ responses: [{ messages: [{ at: 0, event: 'x\ny', data: 'd', id: null }], endAt: null }] })).toMatchObject({ ok: false, error: expect.stringContaining('event must be') });
    expect(bad({ responses: [{ messages: [{ at: 0, event: 'message', data: 'd', id: 'a\nb' }], endAt: null }] })).toMatchObject({ ok: false, error: expect.stringContaining('id must be') });
    // Only the last response may stay open: an earlier one ended, or there was no reconnect.
    expect(bad({ responses: [{ messages: [], endAt: null }, { messages: [], endAt: null }] })).toMatchObject({ ok: false, error: expect.stringContaining('only the last') });
    expect(bad({ retryMs: -1 })).toMatchObject({ ok: false, error: expect.stringContaining('retryMs') });
  });
});

describe('the replay request', () => {
  it('carries socket recordings and the recordings of old traces (no kind) alike', () => {
    const old = { method: 'GET', url: 'http://app/x', status: 200, statusText: '', headers: [], chunks: [{ at: 0, text: 'a' }] };
    expect(parseAnyRecording(old)).toMatchObject({ ok: true, recording: old });
    const ws: WsRecording = { kind: 'websocket', url: 'ws://app/*/ws', protocol: '', extensions: '', frames: [] };
    expect(replayOf({ recording: ws, scale: 1 })).toEqual({ recording: ws, scale: 1 });
    expect(replayOf({ recording: { ...ws, frames: 'many' }, scale: 1 })).toBeNull();
  });

  it('the panel’s Replay button takes a socket’s recording from its capture', () => {
    const c = capture([open('websocket', 'ws://app/ws'), { type: 'response', time: 1010, status: 101, statusText: '', headers: [], streaming: true }, data(1020, 'in', 'hi')]);
    expect(recordingOfConnection(c)).toMatchObject({ kind: 'websocket', frames: [{ at: 20, dir: 'in', text: 'hi' }] });
  });
});
