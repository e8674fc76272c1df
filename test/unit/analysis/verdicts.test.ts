import { describe, expect, it } from 'vitest';
import { multiSurfaceVerdict, reconnectResumeVerdict, secondTabCancelVerdict } from '../../../src/core/analysis';
import { analyzed, durableEvents, openaiChunks, TOKENS } from './build';

const SSE = 'text/event-stream';

describe('reconnect-resume verdict', () => {
  it('FAILS a trapped stream that never reconnects', () => {
    const a = analyzed({ url: 'http://app/trapped-sse/api/chat', method: 'POST', contentType: SSE, start: 0, events: openaiChunks(TOKENS.slice(0, 6), 10, 50, false), end: { time: 400, cause: 'network-error' } });
    const v = reconnectResumeVerdict({ conns: [a], droppedAt: 400, droppedConnectionIds: [a.conn.summary.id], timeoutMs: 10_000 });
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/did not reconnect within 10 s/);
    expect(v.evidence[0]).toMatchObject({ connectionId: a.conn.summary.id, time: 400 });
  });

  it('PASSES a durable stream that resumes with Last-Event-ID and completes', () => {
    const url = 'http://app/durable-sse/api/runs/run_1/stream';
    const before = analyzed({ url, contentType: SSE, start: 0, events: durableEvents(TOKENS.slice(0, 6), 1, 10, 50, null), end: { time: 330, cause: 'network-error' } });
    const after = analyzed({ url, contentType: SSE, requestHeaders: [['Last-Event-ID', '6']], start: 700, events: durableEvents(TOKENS.slice(6), 7, 710), end: { time: 2000, cause: 'clean' } });
    const v = reconnectResumeVerdict({ conns: [before, after], droppedAt: 330, droppedConnectionIds: [before.conn.summary.id], timeoutMs: 10_000 });
    expect(v.verdict, v.reason).toBe('pass');
    expect(v.reason).toMatch(/reconnected by itself 370 ms after the drop/);
    expect(v.evidence.map((e) => e.label)).toContain('reconnected with event-id 6 (Server-sent events (generic))');
  });

  it('FAILS a reconnect that restarts the answer from the beginning', () => {
    const url = 'http://app/eventsource/api/runs/run_1/events';
    const events = [...durableEvents(TOKENS.slice(0, 5), 1, 10, 50, null), ...durableEvents(TOKENS, 1, 2000, 50)].map(([t, text]) => {
      const m = /event: (\w+)\ndata: (.*)\n/.exec(text)!;
      return [t, m[2]!, 'in', m[1]!] as [number, string, 'in', string];
    });
    const es = analyzed({ kind: 'eventsource', url, start: 0, events, reconnects: [[300, 5, null, 1990]] });
    const v = reconnectResumeVerdict({ conns: [es], droppedAt: 300, droppedConnectionIds: [es.conn.summary.id], timeoutMs: 10_000 });
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/started over from the beginning/);
  });

  it('is INCONCLUSIVE when nothing was streaming, or too little had arrived', () => {
    expect(reconnectResumeVerdict({ conns: [], droppedAt: null, droppedConnectionIds: [], timeoutMs: 1000 }).verdict).toBe('inconclusive');
    const short = analyzed({ url: 'http://app/api/chat', method: 'POST', contentType: SSE, start: 0, events: openaiChunks(TOKENS.slice(0, 1), 10, 50, false), end: { time: 100, cause: 'network-error' } });
    const v = reconnectResumeVerdict({ conns: [short], droppedAt: 100, droppedConnectionIds: [short.conn.summary.id], timeoutMs: 1000 });
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toMatch(/too little output/);
  });
});

describe('multi-surface verdict', () => {
  const aUrl = 'http://app/durable-sse/api/runs/run_1/stream';
  const tabA = () => [analyzed({ url: aUrl, contentType: SSE, start: 0, events: durableEvents(TOKENS, 1, 10, 100), end: { time: 1700, cause: 'clean' } })];

  it('PASSES when tab B streams the same in-flight message live', () => {
    const b = analyzed({ url: aUrl, contentType: SSE, start: 600, events: durableEvents(TOKENS, 1, 610, 60), end: { time: 1750, cause: 'clean' } });
    const v = multiSurfaceVerdict({ tabA: tabA(), tabB: [b], openedAt: 500, endedAt: 2500 });
    expect(v.verdict, v.reason).toBe('pass');
  });

  it('FAILS when tab B gets no stream of it', () => {
    const v = multiSurfaceVerdict({ tabA: tabA(), tabB: [], openedAt: 500, endedAt: 2500 });
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/received no stream of the in-flight answer/);
  });

  it('is INCONCLUSIVE when no generation was in flight', () => {
    expect(multiSurfaceVerdict({ tabA: tabA(), tabB: [], openedAt: 5000, endedAt: 6000 }).verdict).toBe('inconclusive');
  });
});

describe('second-tab-cancel verdict', () => {
  const url = 'http://app/durable-sse/api/runs/run_1/stream';
  const cancelled = () => analyzed({ url, contentType: SSE, start: 0, events: durableEvents(TOKENS.slice(0, 8), 1, 10, 100, 'cancelled'), end: { time: 900, cause: 'clean' } });
  const cancelReq = (time: number) => analyzed({ url: 'http://app/durable-sse/api/runs/run_1/cancel', method: 'POST', start: time, events: [], end: { time: time + 5, cause: 'clean' } });

  it('PASSES an explicit cancel that stops the source with a cancellation event', () => {
    const v = secondTabCancelVerdict({ tabA: [cancelled()], tabB: [cancelReq(760)], stop: { found: true, enabled: true, label: 'Stop', pressedAt: 750 }, endedAt: 3000 });
    expect(v.verdict, v.reason).toBe('pass');
    expect(v.evidence.some((e) => e.label.startsWith('tab B sent an explicit cancel: POST'))).toBe(true);
  });

  it('FAILS when the stop control is disabled in tab B (trapped apps)', () => {
    const a = analyzed({ url: 'http://app/trapped-sse/api/chat', method: 'POST', contentType: SSE, start: 0, events: openaiChunks(TOKENS, 10, 100) });
    const v = secondTabCancelVerdict({ tabA: [a], tabB: [], stop: { found: true, enabled: false, label: 'Stop', pressedAt: null }, endedAt: 800 });
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/disabled there/);
  });

  it('FAILS when tab A keeps streaming after the stop', () => {
    const a = analyzed({ url, contentType: SSE, start: 0, events: durableEvents(TOKENS, 1, 10, 300), end: { time: 5000, cause: 'clean' } });
    const v = secondTabCancelVerdict({ tabA: [a], tabB: [cancelReq(310)], stop: { found: true, enabled: true, label: 'Stop', pressedAt: 300 }, endedAt: 6000 });
    expect(v.verdict).toBe('fail');
    expect(v.reason).toMatch(/kept streaming/);
  });

  it('is INCONCLUSIVE when no stop control is found', () => {
    expect(secondTabCancelVerdict({ tabA: [cancelled()], tabB: [], stop: { found: false }, endedAt: 3000 }).verdict).toBe('inconclusive');
  });
});
