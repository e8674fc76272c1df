import { describe, expect, it } from 'vitest';
import { findResumes } from '../../../src/core/analysis';
import { DEFAULT_STALL_MS, gapStats, resumeWaits, streamTiming } from '../../../src/core/analysis/timing';
import { analyzed, connection, durableEvents, openaiChunks, TOKENS } from './build';
import type { AnalyzedConnection } from '../../../src/core/analysis';
import type { AiEvent, Frame } from '../../../src/core/protocols/types';

const SSE = 'text/event-stream';

describe('stream timing', () => {
  it('tells the first byte from the first content token, and measures the whole stream', () => {
    // A role chunk at 30 ms, the first token at 400 ms, then one every 50 ms.
    const events = openaiChunks(TOKENS, 1030, 50).map(([t, text], i) => [i === 0 ? t : t + 320, text] as [number, string]);
    const a = analyzed({ url: 'https://x.test/v1/chat/completions', method: 'POST', contentType: SSE, start: 1000, events, end: { time: events.at(-1)![0] + 5, cause: 'clean' } });
    const t = streamTiming(a);
    expect(t.firstByteMs).toBe(30);
    expect(t.firstTokenMs).toBe(400);
    expect(t.totalMs).toBe(events.at(-1)![0] + 5 - 1000);
    expect(t.gaps.count).toBe(TOKENS.length - 1);
    expect(t.gaps.p50Ms).toBe(50);
    expect(t.gaps.p95Ms).toBe(50);
    expect(t.gaps.maxMs).toBe(50);
    expect(t.stalls).toEqual([]);
    expect(t.stallMs).toBe(DEFAULT_STALL_MS);
  });

  it('estimates tokens as characters ÷ 4 when the protocol reports no usage, and says so', () => {
    const a = analyzed({ url: 'https://x.test/v1/chat/completions', method: 'POST', contentType: SSE, start: 0, events: openaiChunks(TOKENS, 10, 100) });
    const t = streamTiming(a);
    const chars = TOKENS.join('').length;
    expect(t.tokens).toEqual({ tokens: Math.ceil(chars / 4), source: 'estimate-chars', chars });
    // First token at 110 ms, last at 110 + 100·(n−1).
    expect(t.tokensPerSecond).toBeCloseTo((Math.ceil(chars / 4) * 1000) / (100 * (TOKENS.length - 1)), 6);
  });

  it("uses the protocol's own usage count when it sends one", () => {
    const events = openaiChunks(['Hello', ' world'], 10, 100);
    const usage = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 7 } })}\n\n`;
    events.push([400, usage]);
    const t = streamTiming(analyzed({ url: 'https://x.test/v1/chat/completions', method: 'POST', contentType: SSE, start: 0, events }));
    expect(t.tokens.source).toBe('usage');
    expect(t.tokens.tokens).toBe(7);
    expect(t.messages.map((m) => m.tokens.source)).toEqual(['usage']);
    // 7 tokens between 110 ms and 210 ms.
    expect(t.tokensPerSecond).toBe(70);
  });

  it('finds stalls over the threshold with their start, end and events, and the threshold is configurable', () => {
    const times = [100, 150, 200, 2300, 2350, 2400, 3000];
    const events = durableEvents(times.map((_, i) => `t${i} `), 1, 0, 0, null).map(([, text], i) => [times[i]!, text] as [number, string]);
    const a = analyzed({ url: 'https://x.test/runs/1/stream', contentType: SSE, start: 0, events });
    const t = streamTiming(a);
    expect(t.stalls).toEqual([{ start: 200, end: 2300, durationMs: 2100, fromSeq: 2, toSeq: 3 }]);
    expect(t.gaps.maxMs).toBe(2100);
    const strict = streamTiming(a, { stallMs: 500 });
    expect(strict.stalls.map((s) => [s.start, s.end])).toEqual([
      [200, 2300],
      [2400, 3000],
    ]);
    expect(() => streamTiming(a, { stallMs: 0 })).toThrow(/positive number of ms/);
  });

  it('puts gaps in doubling buckets and reports percentiles by nearest rank', () => {
    const gaps = [...Array(95).fill(10), 300, 300, 300, 300, 5000];
    const g = gapStats(gaps);
    expect(g.count).toBe(100);
    expect(g.p50Ms).toBe(10);
    expect(g.p95Ms).toBe(10);
    expect(g.maxMs).toBe(5000);
    expect(g.histogram[0]).toEqual({ fromMs: 8, toMs: 16, count: 95 });
    expect(g.histogram.find((b) => b.fromMs === 256)).toEqual({ fromMs: 256, toMs: 512, count: 4 });
    expect(g.histogram.at(-1)).toEqual({ fromMs: 4096, toMs: 8192, count: 1 });
    expect(g.histogram.reduce((n, b) => n + b.count, 0)).toBe(100);
    expect(gapStats([])).toEqual({ count: 0, p50Ms: null, p95Ms: null, maxMs: null, histogram: [] });
  });

  it('has no token figures for a stream that carried no content', () => {
    const t = streamTiming(analyzed({ url: 'https://x.test/bench/ndjson', contentType: 'application/x-ndjson', start: 0, events: [[5, '{"i":1}\n']] }));
    expect(t.firstByteMs).toBe(5);
    expect(t.firstTokenMs).toBeNull();
    expect(t.tokensPerSecond).toBeNull();
    expect(t.gaps.count).toBe(0);
  });

  // Wall time is the benchmark's business (a loaded CI machine would make it flaky here); the
  // recognition is built directly, so this reads only what streamTiming does over 100,000 events.
  it('reads 100,000 events in one pass: every gap, the one stall, the right percentiles', () => {
    const n = 100_000;
    const time = (i: number) => i * 10 + (i >= 60_000 ? 1500 : 0);
    const conn = connection({ url: 'https://x.test/stream', contentType: SSE, start: 0, events: [] });
    for (let i = 0; i < n; i++) conn.events.push({ seq: i, time: time(i), dir: 'in', text: 'x', base64: null, size: 1, event: null, id: null });
    const frames: Frame[] = Array.from({ length: n }, (_, i) => ({ index: i, dir: 'in', kind: 'sse', data: 'x', at: { first: i, last: i }, time: time(i) }));
    const events: AiEvent[] = frames.map((f) => ({ type: 'text-delta', text: 'tok ', frame: f.index }));
    const a: AnalyzedConnection = { conn, recognition: { protocol: 'generic-sse', name: 'SSE', guess: true, confidence: 1, frames, events, handles: [] }, output: { messages: [] }, isAiStream: true };
    const t = streamTiming(a);
    expect(t.gaps.count).toBe(n - 1);
    expect([t.gaps.p50Ms, t.gaps.p95Ms, t.gaps.maxMs]).toEqual([10, 10, 1510]);
    expect(t.stalls).toEqual([{ start: 599_990, end: 601_500, durationMs: 1510, fromSeq: 59_999, toSeq: 60_000 }]);
    expect(t.tokens).toEqual({ tokens: n, source: 'estimate-chars', chars: 4 * n });
  });
});

describe('waiting across a reconnect', () => {
  it('measures from the last text before the drop to the first new text after it, skipping what was replayed', () => {
    const before = analyzed({ kind: 'fetch', url: 'https://x.test/api/runs/run_1/stream', contentType: SSE, start: 0, events: durableEvents(TOKENS.slice(0, 4), 1, 100, 50, null), end: { time: 400, cause: 'network-error' } });
    // The resumed stream replays event 4 (already seen), then continues with 5…
    const after = analyzed({ kind: 'fetch', url: 'https://x.test/api/runs/run_1/stream', requestHeaders: [['last-event-id', '3']], contentType: SSE, start: 1400, events: durableEvents(TOKENS.slice(3, 8), 4, 1500, 50) });
    const resumes = findResumes([before, after]);
    expect(resumes).toHaveLength(1);
    const [w] = resumeWaits([before, after], resumes);
    expect(w!.lastTextAt).toBe(250);
    expect(resumes[0]!.alignment).toMatchObject({ kind: 'continuation', replayed: TOKENS[3]!.length });
    expect(w).toMatchObject({ nextTextAt: 1550, waitedMs: 1300 });
  });

  it('splits an EventSource that reconnected within one connection at the reconnect', () => {
    const events = durableEvents(TOKENS.slice(0, 6), 1, 100, 50, null);
    // Lost after 3 events at 300 ms, reopened at 3300 ms; events 4–6 then arrive from 3400 ms.
    const shifted = events.map(([t, x], i) => [i < 3 ? t : t + 3150, x] as [number, string]);
    const es = analyzed({ kind: 'eventsource', url: 'https://x.test/runs/1/stream', contentType: SSE, start: 0, events: shifted, reconnects: [[300, 3, '3', 3300]] });
    const [w] = resumeWaits([es], findResumes([es]));
    expect(w).toMatchObject({ lastTextAt: 200, nextTextAt: 3400, waitedMs: 3200 });
  });
});
