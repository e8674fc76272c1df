import { describe, expect, it } from 'vitest';
import { passiveFlags, trapSummary, type Verdict } from '../../../src/core/analysis';
import { analyzed, durableEvents, openaiChunks, TOKENS } from './build';

const SSE = 'text/event-stream';
const ids = (flags: { id: string }[]) => flags.map((f) => f.id).sort();

describe('passive flags', () => {
  it('flag a trapped-sse stop: request-bound, no ids, bare abort', () => {
    const a = analyzed({ url: 'http://app/trapped-sse/api/chat', method: 'POST', contentType: SSE, start: 0, events: openaiChunks(TOKENS.slice(0, 8), 10, 50, false), end: { time: 500, cause: 'client-abort' } });
    const flags = passiveFlags([a], 1000);
    expect(ids(flags)).toEqual(['bare-abort-stop', 'request-bound-stream', 'sse-without-ids']);
    const bare = flags.find((f) => f.id === 'bare-abort-stop')!;
    expect(bare.capability).toBe('live-control');
    expect(bare.evidence[0]).toMatchObject({ connectionId: a.conn.summary.id, time: 500 });
  });

  it('stay quiet for a durable stream stopped with an explicit cancel', () => {
    const stream = analyzed({ url: 'http://app/durable-sse/api/runs/run_1/stream', contentType: SSE, start: 0, events: durableEvents(TOKENS.slice(0, 8), 1, 10, 50, 'cancelled'), end: { time: 500, cause: 'clean' } });
    const cancel = analyzed({ url: 'http://app/durable-sse/api/runs/run_1/cancel', method: 'POST', start: 440, events: [], end: { time: 450, cause: 'clean' } });
    expect(passiveFlags([stream, cancel], 1000)).toEqual([]);
  });

  it('do not call a close after the answer finished a bare abort', () => {
    const ws = analyzed({ kind: 'websocket', url: 'ws://app/trapped-ws/ws', start: 0, events: [[5, '{"type":"chat","prompt":"hi"}', 'out'], ...TOKENS.map((t, i) => [10 + i, JSON.stringify({ type: 'delta', text: t })] as [number, string]), [100, '{"type":"done"}']], end: { time: 120, cause: 'client-abort' } });
    expect(ids(passiveFlags([ws], 1000))).not.toContain('bare-abort-stop');
  });

  it('flag gaps in sequence ids', () => {
    const events = durableEvents(TOKENS.slice(0, 8), 1, 10).filter((_, i) => i !== 4);
    const a = analyzed({ url: 'http://app/durable-sse/api/runs/run_1/stream', contentType: SSE, start: 0, events, end: { time: 800, cause: 'clean' } });
    const flag = passiveFlags([a], 1000).find((f) => f.id === 'sequence-gaps');
    expect(flag?.evidence[0]!.label).toMatch(/missing 5 after 4/);
  });

  it('flag a long silence with no heartbeat', () => {
    const events = durableEvents(TOKENS.slice(0, 4), 1, 10);
    events[4]![0] = 45_000; // the final event, 45 s after the one before
    const a = analyzed({ url: 'http://app/durable-sse/api/runs/run_1/stream', contentType: SSE, start: 0, events, end: { time: 46_000, cause: 'clean' } });
    const flag = passiveFlags([a], 50_000).find((f) => f.id === 'silence-without-heartbeat');
    expect(flag?.message).toMatch(/silent for 45 s/);
  });

  it('flag several agents funnelled through one stream', () => {
    const line = (agent: string, delta: string) => `data: ${JSON.stringify({ agent, type: 'text-delta', delta })}\n\n`;
    const events: Array<[number, string]> = [[10, line('orchestrator', 'Plan')], [20, line('researcher', ' found')], [30, line('writer', ' wrote')], [40, line('researcher', ' more')]];
    const a = analyzed({ url: 'http://app/multi-agent-funnel/api/chat', method: 'POST', contentType: SSE, start: 0, events, end: { time: 50, cause: 'clean' } });
    const flag = passiveFlags([a], 100).find((f) => f.id === 'orchestrator-funnel');
    expect(flag?.evidence[0]!.label).toBe('agents in one stream: orchestrator, researcher, writer');
  });
});

describe('trap summary', () => {
  const v = (test: Verdict['test'], verdict: Verdict['verdict']): Verdict => ({ test, verdict, reason: '', evidence: [], advice: null });
  it('says yes with the missing capabilities when a test failed', () => {
    const s = trapSummary([], [v('reconnect-resume', 'fail'), v('multi-surface', 'pass'), v('second-tab-cancel', 'fail')]);
    expect(s).toEqual({ trapped: true, missing: ['resilient-delivery', 'live-control'], text: 'Single-Connection Trap: yes — missing Resilient Delivery, Live Control' });
  });
  it('says no only when all three passed', () => {
    expect(trapSummary([], [v('reconnect-resume', 'pass'), v('multi-surface', 'pass'), v('second-tab-cancel', 'pass')]).trapped).toBe(false);
    expect(trapSummary([], [v('reconnect-resume', 'pass'), v('multi-surface', 'inconclusive')]).trapped).toBeNull();
  });
  it('says unknown, never no, when our own flag checks failed, and why', () => {
    const passed = [v('reconnect-resume', 'pass'), v('multi-surface', 'pass'), v('second-tab-cancel', 'pass')];
    const s = trapSummary([], passed, ['the flag checks failed (boom)']);
    expect(s).toEqual({ trapped: null, missing: [], text: 'Single-Connection Trap: unknown — the flag checks failed (boom)' });
    // A failed test is evidence on its own: it still says yes.
    expect(trapSummary([], [v('reconnect-resume', 'fail')], ['the flag checks failed (boom)']).trapped).toBe(true);
  });
});

describe('explicit cancels sent before a Socket.IO socket upgraded', () => {
  it('find a cancel event in an Engine.IO polling POST among other packets, and nothing in a poll without one', async () => {
    const { cancelSignals } = await import('../../../src/core/analysis');
    const poll = (body: string) => analyzed({ kind: 'xhr', url: 'http://app/socket.io/?EIO=4&transport=polling&t=x&sid=abc', method: 'POST', requestBodyPreview: body, start: 100, events: [[110, 'ok']], end: { time: 120, cause: 'clean' } });
    expect(cancelSignals([poll('42["cancel",{"room":"r1"}]')]).map((c) => c.label)).toEqual(['POST http://app/socket.io/?EIO=4&transport=polling&t=x&sid=abc 42["cancel",{"room":"r1"}]']);
    expect(cancelSignals([poll('3\u001e42/chat,["stop"]')])).toHaveLength(1);
    expect(cancelSignals([poll('42["message",{"text":"please stop here"}]\u001e3')])).toEqual([]);
  });
});
