import { describe, expect, it } from 'vitest';
import { bodyFraming, framesOf } from '../../../src/core/parse/frames';
import { captureFromBody, captureFromMessages } from './fixture';

const sse = [['content-type', 'text/event-stream']] as [string, string][];

describe('framesOf', () => {
  it('numbers frames and stamps the time of the last carrying event', () => {
    const conn = captureFromBody('data: a\n\ndata: b\n\n', { responseHeaders: sse }, { kind: 'fixed', size: 5 });
    const fs = framesOf(conn);
    expect(fs.map((f) => f.index)).toEqual([0, 1]);
    expect(fs[1]!.time).toBe(conn.events[fs[1]!.at.last]!.time);
  });

  it('turns WebSocket frames into ws-text / ws-binary with parsed JSON', () => {
    const fs = framesOf(captureFromMessages([{ dir: 'out', text: '{"type":"cancel"}' }, { dir: 'in', text: 'hi' }, { dir: 'in', base64: 'AAEC' }]));
    expect(fs.map((f) => [f.dir, f.kind, f.data, f.json])).toEqual([
      ['out', 'ws-text', '{"type":"cancel"}', { type: 'cancel' }],
      ['in', 'ws-text', 'hi', undefined],
      ['in', 'ws-binary', 'AAEC', undefined],
    ]);
  });

  it('keeps EventSource messages as SSE frames and only reports ids that changed', () => {
    const conn = captureFromMessages(
      [
        { dir: 'in', text: '{"d":1}', event: 'message', id: '1' },
        { dir: 'in', text: 'x', event: 'delta', id: '1' },
        { dir: 'in', text: 'y', event: 'delta', id: '2' },
      ],
      {},
      'eventsource',
    );
    const fs = framesOf(conn);
    expect(fs.map((f) => [f.kind, f.event, f.id, f.data])).toEqual([
      ['sse', 'message', '1', '{"d":1}'],
      ['sse', 'delta', undefined, 'x'],
      ['sse', 'delta', '2', 'y'],
    ]);
    expect(fs[0]!.json).toEqual({ d: 1 });
  });

  it('sniffs SSE sent as text/plain and JSON arrays without a content type', () => {
    expect(bodyFraming('text/plain', 'data: x\n\n')).toBe('sse');
    expect(bodyFraming(null, '\n [{"a":1}')).toBe('json-values');
    expect(bodyFraming('text/plain; charset=utf-8', '0:"Hello"\n')).toBe('text-lines');
    expect(bodyFraming('text/plain', 'Hello world')).toBe('text-chunks');
    expect(bodyFraming('application/x-ndjson', '{}')).toBe('json-lines');
  });

  it('frames a plain text stream chunk by chunk', () => {
    const fs = framesOf(captureFromBody('Hello there', { responseHeaders: [['content-type', 'text/plain']] }, { kind: 'fixed', size: 4 }));
    expect(fs.map((f) => f.data)).toEqual(['Hell', 'o th', 'ere']);
  });

  it('decodes binary body chunks as one UTF-8 stream', () => {
    const bytes = new TextEncoder().encode('data: é\n\n');
    const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
    const conn = captureFromBody('', { responseHeaders: sse });
    conn.events = [bytes.subarray(0, 7), bytes.subarray(7)].map((u, seq) => ({ seq, time: seq, dir: 'in' as const, text: null, base64: b64(u), size: u.length, event: null, id: null }));
    expect(framesOf(conn).map((f) => f.data)).toEqual(['é']);
  });

  it('places request bodies the page sent among the response frames', () => {
    const conn = captureFromBody('data: a\n\n', { responseHeaders: sse });
    conn.events.unshift({ seq: 0, time: 0, dir: 'out', text: '{"stream":true}', base64: null, size: 15, event: null, id: null });
    const fs = framesOf(conn);
    expect(fs.map((f) => [f.dir, f.data])).toEqual([['out', '{"stream":true}'], ['in', 'a']]);
  });

  it('never throws on garbage', () => {
    const conn = captureFromBody('\u0000\ud800data:\r\r\r:::\n{[', { responseHeaders: sse });
    expect(() => framesOf(conn)).not.toThrow();
    const empty = captureFromBody('', { responseHeaders: [['content-type', 'application/json']] });
    expect(framesOf(empty)).toEqual([]);
  });
});
