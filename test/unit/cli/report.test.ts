import { describe, expect, it } from 'vitest';
import { buildReport, formatReport, timingLine } from '../../../src/cli/report';
import { answerTiming, trapSummary } from '../../../src/core/analysis';
import { analyzed, durableEvents, openaiChunks, TOKENS } from '../analysis/build';

describe('the check report', () => {
  it('lists our own failures, so a run that lost capture to a bug of ours says so', () => {
    const r = buildReport('http://app/', Date.now(), [], [], trapSummary([], []), [{ where: 'hook:fetch', message: 'TypeError: x is not a function', count: 3 }]);
    expect(r.internalErrors).toEqual([{ where: 'hook:fetch', message: 'TypeError: x is not a function', count: 3 }]);
    expect(formatReport(r)).toContain("The inspector's own code failed (the page was not affected; please report this):\n    hook:fetch ×3: TypeError: x is not a function");
    expect(formatReport(buildReport('http://app/', Date.now(), [], [], trapSummary([], [])))).not.toContain('own code failed');
  });
});

describe('the answer stream’s timing in the report', () => {
  const chat = (start: number, events: Array<[number, string]>, end?: { time: number; cause: 'clean' | 'network-error' }) =>
    analyzed({ url: 'https://app.test/v1/chat/completions', method: 'POST', contentType: 'text/event-stream', start, events, ...(end ? { end } : {}) });

  it('gives each test the figures of the stream its evidence names, in the JSON and on the report card', () => {
    const config = analyzed({ url: 'https://app.test/config', contentType: 'application/json', start: 0, events: [[5, '{}']] });
    const short = chat(0, openaiChunks(['a'], 10, 10));
    const answer = chat(1000, openaiChunks(TOKENS, 1400, 50), { time: 3000, cause: 'clean' });
    const timing = answerTiming([config, short, answer], [{ label: 'the answer', connectionId: answer.conn.summary.id }]);
    expect(timing).toMatchObject({ connectionId: answer.conn.summary.id, firstByteMs: 400, firstTokenMs: 450, totalMs: 2000, gaps: { p50Ms: 50, p95Ms: 50, maxMs: 50 }, stalls: [], resumeWaits: [] });
    const verdict = { test: 'reconnect-resume' as const, verdict: 'pass' as const, reason: 'r', evidence: [], advice: null };
    const r = buildReport('http://app/', Date.now(), [{ verdict, durationMs: 5, timing }], [], trapSummary([], [verdict]));
    expect(r.tests[0]!.timing).toEqual(timing);
    expect(formatReport(r)).toMatch(/⏱ first token 450 ms \(first byte 400 ms\) · total 2000 ms · ~\d+\.\d tokens\/s \(estimated\) · gap p50\/p95 50 ms\/50 ms · 0 stalls ≥ 1000 ms/);
    // Without evidence, the stream with the most content is the answer.
    expect(answerTiming([short, answer])?.connectionId).toBe(answer.conn.summary.id);
    expect(answerTiming([config])).toBeNull();
  });

  it('follows the answer across a reconnect and says how long no new text came', () => {
    const before = analyzed({ url: 'https://app.test/api/runs/run_1/stream', contentType: 'text/event-stream', start: 0, events: durableEvents(TOKENS.slice(0, 3), 1, 100, 50, null), end: { time: 300, cause: 'network-error' } });
    const after = analyzed({ url: 'https://app.test/api/runs/run_1/stream', requestHeaders: [['last-event-id', '3']], contentType: 'text/event-stream', start: 1300, events: durableEvents(TOKENS.slice(3, 6), 4, 1400, 50) });
    const t = answerTiming([before, after], [{ label: 'dropped', connectionId: before.conn.summary.id }]);
    expect(t?.resumeWaits.map((w) => w.waitedMs)).toEqual([1200]);
    expect(timingLine(t!)).toContain('waited 1200 ms across reconnects');
  });
});
