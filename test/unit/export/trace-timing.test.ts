import { describe, expect, it } from 'vitest';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import type { TraceInput } from '../../../src/core/export/trace-model';
import { connection, openaiChunks, TOKENS } from '../analysis/build';
import { schemaValidator } from './schema';

const validTrace = schemaValidator('trace-v1.schema.json');

function input(): TraceInput {
  // First token 400 ms after the request, then every 50 ms, with one 2 s stall after the fifth.
  const events = openaiChunks(TOKENS, 1010, 50).map(([t, text], i) => [i === 0 ? t : t + 340 + (i > 5 ? 2000 : 0), text] as [number, string]);
  const chat = connection({ url: 'https://api.example.test/v1/chat/completions', method: 'POST', contentType: 'text/event-stream', start: 1000, events, end: { time: events.at(-1)![0] + 1, cause: 'clean' } });
  const other = connection({ url: 'https://api.example.test/config', contentType: 'application/json', start: 900, events: [[950, '{"a":1}']] });
  return {
    sessions: [{ info: { id: 's1', tabId: 1, browserRun: 'r', url: 'https://app.example.test/', startedAt: 900, updatedAt: 5000, correlationIds: [] }, snapshot: { connections: [other, chat], signals: [], faults: [], testRuns: [] } }],
    environment: { browser: 'Chrome 156', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
    exportedAt: '2026-12-01T00:00:00.000Z',
  };
}

describe('timing in the trace export', () => {
  it('writes each AI stream’s timing right after its summary, valid against the schema, and reads it back', async () => {
    const ex = exportTrace(input());
    expect(validTrace(ex.trace)).toEqual([]);
    const [other, chat] = ex.trace.sessions[0]!.connections;
    expect(other!.timing).toBeUndefined();
    expect(chat!.timing).toMatchObject({ firstByteMs: 10, firstTokenMs: 400, stallMs: 1000, tokens: { source: 'estimate-chars' } });
    expect(chat!.timing!.stalls.map((s) => s.durationMs)).toEqual([2050]);
    const text = [...ex.chunks()].join('');
    const lines = text.split('\n');
    const summaryLine = lines.findIndex((l) => l.includes('"url":"https://api.example.test/v1/chat/completions"'));
    expect(lines[summaryLine + 1]).toMatch(/^"timing":\{"firstByteMs":10,"firstTokenMs":400,/);
    const back = await importTrace([text]);
    if (!back.ok) throw new Error(back.error.message);
    expect(back.trace.sessions[0]!.connections[1]!.timing).toEqual(chat!.timing);
  });

  it('can leave the figures out', () => {
    const ex = exportTrace({ ...input(), timing: false });
    expect(ex.trace.sessions[0]!.connections.every((c) => c.timing === undefined)).toBe(true);
  });

  it('refuses a trace whose timing is malformed, saying where', async () => {
    const ex = exportTrace(input());
    const bad = JSON.parse([...ex.chunks()].join('')) as { sessions: { connections: { timing?: { gaps: { p95Ms: unknown } } }[] }[] };
    bad.sessions[0]!.connections[1]!.timing!.gaps.p95Ms = 'slow';
    const r = await importTrace([JSON.stringify(bad)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('sessions[0].connections[1].timing.gaps.p95Ms: expected a number');
  });
});
