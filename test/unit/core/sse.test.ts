import { describe, expect, it } from 'vitest';
import { sseFrames } from '../../../src/core/parse/sse';
import type { Chunk, FramePart } from '../../../src/core/parse/types';
import { captureFromBody, readWire, SPLITS, splitName } from './fixture';
import { bodyChunks } from '../../../src/core/parse/frames';

const chunks = (...texts: string[]): Chunk[] => texts.map((text, at) => ({ text, at }));
const strip = (fs: FramePart[]) => fs.map(({ at: _at, ...rest }) => rest);

describe('sseFrames', () => {
  it('parses events, ids, event types and multi-line data', () => {
    const fs = sseFrames(chunks('event: delta\nid: 7\ndata: a\ndata: b\n\ndata: {"x":1}\n\n'));
    expect(strip(fs)).toEqual([
      { dir: 'in', kind: 'sse', event: 'delta', id: '7', data: 'a\nb' },
      { dir: 'in', kind: 'sse', data: '{"x":1}', json: { x: 1 } },
    ]);
  });

  it('accepts CR, LF and CRLF line ends and strips a BOM', () => {
    const fs = sseFrames(chunks('\ufeffdata: one\r\rdata: two\n\ndata: three\r\n\r\n'));
    expect(fs.map((f) => f.data)).toEqual(['one', 'two', 'three']);
  });

  it('keeps comments as heartbeat frames', () => {
    const fs = sseFrames(chunks(': ping\n\n:\n\ndata: x\n\n'));
    expect(fs.map((f) => [f.kind, f.data])).toEqual([['sse-comment', 'ping'], ['sse-comment', ''], ['sse', 'x']]);
  });

  it('ignores an id containing NUL, keeps a valid retry', () => {
    const fs = sseFrames(chunks('id: a\u0000b\ndata: x\n\nretry: 2500\nid: 9\ndata: y\n\n'));
    expect(fs[0]!.id).toBeUndefined();
    expect(fs[1]).toMatchObject({ id: '9', retry: 2500, data: 'y' });
  });

  it('reports a retry-only or id-only block as an empty frame', () => {
    const fs = sseFrames(chunks('retry: 1000\n\nid: 42\n\n'));
    expect(strip(fs)).toEqual([
      { dir: 'in', kind: 'sse', data: '', retry: 1000 },
      { dir: 'in', kind: 'sse', data: '', id: '42' },
    ]);
  });

  it('marks unknown fields and an invalid retry without throwing', () => {
    const fs = sseFrames(chunks('{"error":"boom"}\nretry: soon\ndata: ok\n\n'));
    expect(fs.map((f) => [f.kind, f.data, f.error !== undefined])).toEqual([
      ['text', '{"error":"boom"}', true],
      ['text', 'retry: soon', true],
      ['sse', 'ok', false],
    ]);
  });

  it('surfaces an event the stream ended inside, with its text', () => {
    const fs = sseFrames(chunks('data: done\n\ndata: {"partial', ''));
    expect(fs.at(-1)).toMatchObject({ kind: 'text', data: 'data: {"partial' });
    expect(fs.at(-1)!.error).toMatch(/ended inside an event/);
  });

  it('attributes each frame to the chunks that carried it', () => {
    const fs = sseFrames(chunks('data: he', 'llo\n', '\ndata: b\n\nda', 'ta: c\n\n'));
    expect(fs.map((f) => [f.data, f.at.first, f.at.last])).toEqual([
      ['hello', 0, 2],
      ['b', 2, 2],
      ['c', 2, 3],
    ]);
  });

  it('a CR at the end of a chunk ends the line at once; the LF after it is swallowed', () => {
    const fs = sseFrames(chunks('data: a\r', '\n\r', '\ndata: b\r\n\r\n'));
    expect(fs.map((f) => [f.data, f.at.last])).toEqual([['a', 1], ['b', 2]]);
  });

  const files = ['openai-chat/text.txt', 'anthropic/text.txt', 'gemini/sse.txt', 'langgraph/messages.txt', 'mcp/sse.txt', 'generic/sse-text.txt', 'openai-chat/abort.txt'];
  for (const file of files) {
    it(`gives the same frames for every chunking of ${file}`, () => {
      const [protocol, name] = file.split('/') as [string, string];
      const body = readWire(protocol, name);
      const whole = strip(sseFrames(bodyChunks(captureFromBody(body).events)));
      expect(whole.length).toBeGreaterThan(1);
      for (const split of SPLITS) {
        const conn = captureFromBody(body, {}, split);
        const fs = sseFrames(bodyChunks(conn.events));
        expect(strip(fs), splitName(split)).toEqual(whole);
        for (const f of fs) {
          expect(f.at.first).toBeLessThanOrEqual(f.at.last);
          expect(f.at.last).toBeLessThan(conn.events.length);
        }
      }
    });
  }
});
