/** Mocks travel with a trace: written, checked by the schema and the validator, read back; older traces without them still import. */
import { describe, expect, it } from 'vitest';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { exportHar } from '../../../src/core/export/har-export';
import { harToTrace } from '../../../src/core/export/har-import';
import type { TraceInput } from '../../../src/core/export/trace-model';
import { templateMock, insertStep, type Mock } from '../../../src/core/mock';
import { schemaValidator } from '../export/schema';

const validTrace = schemaValidator('trace-v1.schema.json');

function input(mocks?: Mock[]): TraceInput {
  return {
    sessions: [{ info: { id: 's1', tabId: 3, browserRun: 'run-1', url: 'https://app.example.test/', startedAt: 1_712_000_000_000, updatedAt: 1_712_000_005_000, correlationIds: [] }, snapshot: { connections: [], signals: [], faults: [], testRuns: [] } }],
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
    exportedAt: '2024-04-01T12:00:00.000Z',
    ...(mocks ? { mocks } : {}),
  };
}

const mock = (() => {
  const t = templateMock('durable-sse', 'one two three', { url: 'https://app.example.test/api/runs/*/stream' });
  if (!t.ok) throw new Error(t.error);
  return insertStep(insertStep(t.value, 2, { kind: 'stall', ms: 2000 }), 3, { kind: 'drop', delayMs: 0 });
})();

describe('mocks in a trace', () => {
  it('are written, satisfy the schema, and import as they were', async () => {
    const text = [...exportTrace(input([mock]), { redact: false }).chunks()].join('');
    expect(validTrace(JSON.parse(text))).toEqual([]);
    const r = await importTrace([text]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.mocks).toEqual([mock]);
  });

  it('socket mocks (WebSocket with binary and close steps, EventSource) satisfy the schema and import as they were', async () => {
    const so = templateMock('socketio', 'hi there', { url: 'wss://app.example.test/socket.io/' });
    const es = templateMock('durable-sse', 'hi', { transport: 'eventsource', url: 'https://app.example.test/api/runs/*/stream' });
    if (!so.ok || !es.ok) throw new Error('template');
    const ws: Mock = { ...so.value, steps: [...so.value.steps, { kind: 'event', delayMs: 1, data: 'AAEC', binary: true }, { kind: 'close', delayMs: 1, code: 4000, reason: 'done' }] };
    const text = [...exportTrace(input([ws, es.value]), { redact: false }).chunks()].join('');
    expect(validTrace(JSON.parse(text))).toEqual([]);
    const r = await importTrace([text]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.mocks).toEqual([ws, es.value]);
  });

  it('a trace without mocks (as older versions wrote) imports, with none', async () => {
    const text = [...exportTrace(input(), { redact: false }).chunks()].join('');
    expect(JSON.parse(text)).not.toHaveProperty('mocks');
    const r = await importTrace([text]);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.mocks).toBeUndefined();
  });

  it('a bad mock in a trace is refused with its path and the reason', async () => {
    const value = JSON.parse([...exportTrace(input([mock]), { redact: false }).chunks()].join(''));
    value.mocks[0].steps.push({ kind: 'event', delayMs: 0, data: 'after the drop' });
    const r = await importTrace([JSON.stringify(value)]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain('a drop ends the stream');
    expect(r.error.path ?? r.error.message).toContain('mocks[0]');
  });

  it('are redacted on export like the streams they were made from: URL, response headers, events', async () => {
    const secret = { ...mock, request: { ...mock.request, url: 'https://app.example.test/api/runs/*/stream?api_key=abc123secretvalue' }, response: { ...mock.response, headers: [...mock.response.headers, ['set-cookie', 'session=abcdef0123456789']] as [string, string][] }, steps: [...mock.steps, { kind: 'event' as const, delayMs: 0, data: 'data: here is sk-abcdefghijklmnopqrstuvwx\n\n' }] };
    const steps: Mock['steps'] = [...secret.steps.filter((x) => x.kind !== 'drop'), { kind: 'drop', delayMs: 0 }];
    const { trace, report } = exportTrace(input([{ ...secret, steps }]));
    const text = JSON.stringify(trace.mocks);
    expect(text).not.toContain('abc123secretvalue');
    expect(text).not.toContain('abcdef0123456789');
    expect(text).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    expect(report.where.filter((w) => w.connectionId === `mock:${mock.name}`).map((w) => w.location).sort()).toEqual(['event', 'response-header', 'url']);
  });

  it('travel in a HAR too, and come back from it', () => {
    const { har } = exportHar(input([mock]), { redact: false });
    expect(har.log._durableSessions?.mocks).toEqual([mock]);
    const r = harToTrace(JSON.parse(JSON.stringify(har)));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace.mocks).toEqual([mock]);
  });
});

