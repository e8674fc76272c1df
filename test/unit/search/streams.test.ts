import { describe, expect, it } from 'vitest';
import { framesOf } from '../../../src/core/parse/frames';
import { compileQuery } from '../../../src/core/search/query';
import { searchStreams, type SearchableConnection } from '../../../src/core/search/streams';
import { analyzed, connection, openaiChunks, TOKENS } from '../analysis/build';
import type { AnalyzedConnection } from '../../../src/core/analysis';

const searchable = (a: AnalyzedConnection): SearchableConnection => ({ id: a.conn.summary.id, events: a.conn.events, frames: a.recognition.frames, messages: a.output.messages });
const chat = () => analyzed({ url: 'https://x.test/v1/chat/completions', method: 'POST', contentType: 'text/event-stream', start: 0, events: openaiChunks(TOKENS, 10, 50) });

describe('search across streams', () => {
  it('finds text in raw events, case-insensitively, grouped by connection, with a snippet around the match', () => {
    const a = chat();
    const b = chat();
    const r = searchStreams([a, b].map(searchable), 'NETWORK');
    expect(r.error).toBeNull();
    expect(r.groups.map((g) => g.connectionId)).toEqual([a.conn.summary.id, b.conn.summary.id]);
    const hit = r.groups[0]!.hits[0]!;
    expect(hit.source).toBe('event');
    expect(a.conn.events[hit.seq]!.text).toContain('"content":" network"');
    expect(hit.snippet.match).toBe('network');
    expect(hit.snippet.before.endsWith('"content":" ')).toBe(true);
    expect(hit.snippet.after.startsWith('"}')).toBe(true);
    expect(r.total).toBe(2);
  });

  it('finds a phrase split over tokens in the reassembled answer, pointing at the frame of its first character', () => {
    const a = chat();
    const r = searchStreams([searchable(a)], 'keep the answer alive');
    expect(r.total).toBe(1);
    const hit = r.groups[0]!.hits[0]!;
    expect(hit.source).toBe('answer');
    expect(hit.message).toBe(a.output.messages[0]!.key);
    // " keep" is the third token: frame 3 (after the role chunk), carried by event 3.
    expect(hit.frame).toBe(3);
    expect(hit.seq).toBe(3);
    expect(a.conn.events[hit.seq]!.text).toContain(' keep');
  });

  it('finds a message whose bytes were split over chunks once the chunks are joined', () => {
    const c = connection({ url: 'https://x.test/sse', contentType: 'text/event-stream', start: 0, events: [[1, 'data: {"say":"hel'], [2, 'lo world"}\n\n'], [3, 'data: {"say":"bye"}\n\n']] });
    const r = searchStreams([{ id: c.summary.id, events: c.events, frames: framesOf(c) }], 'hello');
    expect(r.groups[0]!.hits.map((h) => [h.source, h.seq, h.frame])).toEqual([['frame', 0, 0]]);
  });

  it('takes regular expressions and says clearly when one is invalid or matches empty text', () => {
    const a = chat();
    const r = searchStreams([searchable(a)], '"content":" (net|sess)\\w+"', { regex: true });
    expect(r.groups[0]!.hits.map((h) => h.snippet.match)).toEqual(['"content":" sessions"', '"content":" network"']);
    expect(searchStreams([searchable(a)], '(unclosed', { regex: true })).toMatchObject({ groups: [], total: 0, error: expect.stringMatching(/^Not a valid regular expression: .*(unclosed|Unterminated group)/) });
    expect(searchStreams([searchable(a)], 'x*', { regex: true }).error).toMatch(/matches empty text/);
    // As plain text, regex characters are literal.
    expect(searchStreams([searchable(a)], '(unclosed').error).toBeNull();
    expect(compileQuery('')).toBeNull();
  });

  it('is case-sensitive on request', () => {
    const a = chat();
    expect(searchStreams([searchable(a)], 'Durable', { caseSensitive: true }).total).toBe(1);
    expect(searchStreams([searchable(a)], 'DURABLE', { caseSensitive: true }).total).toBe(0);
  });

  it('builds at most maxHits snippets and still counts every match', () => {
    const events: Array<[number, string]> = Array.from({ length: 50 }, (_, i) => [i, `frame ${i} needle`]);
    const c = connection({ kind: 'websocket', url: 'wss://x.test/ws', start: 0, events });
    const r = searchStreams([{ id: c.summary.id, events: c.events }], 'needle', { maxHits: 10 });
    expect(r.total).toBe(50);
    expect(r.groups[0]!.count).toBe(50);
    expect(r.groups[0]!.hits).toHaveLength(10);
    expect(r.truncated).toBe(true);
  });

  // Its speed is measured by the benchmark's search arm; here, that scale changes no answer.
  it('finds the one matching event among 100,000 and counts all of a common match', () => {
    const events: Array<[number, string]> = Array.from({ length: 100_000 }, (_, i) => [i, `{"i":${i},"p":"${'x'.repeat(80)}"}`]);
    const c = connection({ kind: 'websocket', url: 'wss://x.test/ws', start: 0, events });
    const conns = [{ id: c.summary.id, events: c.events, frames: framesOf(c) }];
    const one = searchStreams(conns, '"i":77777,');
    expect(one.total).toBe(1);
    expect(one.groups[0]!.hits[0]!.seq).toBe(77777);
    const all = searchStreams(conns, 'xxxxxxxxxx');
    expect([all.total, all.groups[0]!.hits.length, all.truncated]).toEqual([100_000, 1000, true]);
  });
});
