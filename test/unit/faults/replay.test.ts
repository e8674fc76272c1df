import { describe, expect, it } from 'vitest';
import { canReplay, parseRecording, recordingOf, replayKey } from '../../../src/core/replay/recording';
import { connection } from '../analysis/build';

describe('replay recordings', () => {
  const conn = connection({ url: 'http://app/api/chat?nonce=1', method: 'POST', contentType: 'text/event-stream', start: 100, events: [[200, 'data: a\n\n'], [250, 'data: b\n\n'], [260, 'hello', 'out']], end: { time: 300, cause: 'clean' } });

  it('keeps the response head and incoming chunks with times relative to the first one', () => {
    expect(canReplay(conn)).toBe(true);
    const r = recordingOf(conn);
    expect(r).toMatchObject({ method: 'POST', url: 'http://app/api/chat?nonce=1', status: 200, headers: [['content-type', 'text/event-stream']] });
    expect(r.chunks).toEqual([{ at: 0, text: 'data: a\n\n' }, { at: 50, text: 'data: b\n\n' }]);
  });

  it('validates what comes from outside, and round-trips its own', () => {
    expect(parseRecording(JSON.parse(JSON.stringify(recordingOf(conn))))).toEqual({ ok: true, recording: recordingOf(conn) });
    expect(parseRecording({ ...recordingOf(conn), url: 'javascript:alert(1)' })).toEqual({ ok: false, error: 'bad url' });
    expect(parseRecording({ ...recordingOf(conn), chunks: [{ at: -1, text: 'x' }] })).toEqual({ ok: false, error: 'bad chunk' });
    expect(parseRecording('nope')).toEqual({ ok: false, error: 'a recording must be an object' });
    // Headers the page's `new Response` would throw on are refused here, before they reach it.
    expect(parseRecording({ ...recordingOf(conn), headers: [['x-ok', 'a\r\nset-cookie: s=1']] })).toEqual({ ok: false, error: 'bad header "x-ok"' });
    expect(parseRecording({ ...recordingOf(conn), headers: [['bad name', 'v']] })).toEqual({ ok: false, error: 'bad header "bad name"' });
  });

  it('matches requests by method, origin and path', () => {
    expect(replayKey('post', 'http://app/api/chat?nonce=2')).toBe(replayKey('POST', 'http://app/api/chat?nonce=1'));
    expect(replayKey('GET', 'http://app/api/chat')).not.toBe(replayKey('POST', 'http://app/api/chat'));
  });

  it('does not offer sockets', () => {
    expect(canReplay(connection({ kind: 'websocket', url: 'ws://app/ws', start: 0, events: [[1, 'x']] }))).toBe(false);
  });
});
