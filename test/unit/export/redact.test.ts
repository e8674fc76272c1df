import { describe, expect, it } from 'vitest';
import { compileJsonPath, replaceAtPath } from '../../../src/core/export/json-path';
import { compileRedaction, isSecretHeader, redactText, redactUrl } from '../../../src/core/export/redact';
import { exportTrace } from '../../../src/core/export/trace-export';
import type { TraceInput } from '../../../src/core/export/trace-model';
import { VIEW_LIMITS, type ViewSample } from '../../../src/core/view/sample';
import { readTraceSync } from '../../../src/core/export/trace-reader';
import { genConnection, Gen } from './gen';

const c = compileRedaction({ jsonPaths: ['$.user.email', '$.messages[*].content'] });

/** What the page showed: the user pasting a key, a JSON settings block, plain answer text. */
const VIEW: ViewSample[] = [
  { time: 1, docId: 'd0', block: 1, text: 'use sk-abcdefghijklmnopqrstuvwx with Bearer abcdefghijklmnop' },
  { time: 2, docId: 'd0', block: 2, text: '{"user":{"email":"x@y.z"},"password":"p"}' },
  { time: 3, docId: 'd0', block: 3, text: 'Once upon a time' },
];

function input(): TraceInput {
  const conn = genConnection(new Gen(1), 'd0', 0, 1_712_000_000_000);
  conn.summary.kind = 'fetch';
  conn.summary.url = 'https://user:hunter2@api.example.test/v1/chat?api_key=abc&stream=true&sig=xyz#access_token=tok';
  conn.summary.requestHeaders = [
    ['Authorization', 'Bearer sk-proj-0123456789abcdefghij'],
    ['Cookie', 'sid=1; theme=dark'],
    ['X-Api-Key', 'k-123'],
    ['anthropic-api-key', 'sk-ant-api03-abcdefghijklmnop'],
    ['x-goog-api-key', 'AIzaSyA-1234567890abcdefghijklmnopqrstu'],
    ['X-Auth-Token', 't'],
    ['X-Client-Secret', 's'],
    ['Mcp-Session-Id', 'mcp-7f3a'],
    ['X-Session-Id', 'sess-1'],
    ['Last-Event-ID', '42'],
    ['Referer', 'https://app.example.test/?token=abc'],
    ['Content-Type', 'application/json'],
  ];
  conn.summary.responseHeaders = [['Set-Cookie', 'sid=2; HttpOnly'], ['content-type', 'text/event-stream']];
  conn.summary.requestBodyPreview = JSON.stringify({ user: { email: 'a@b.c', name: 'Ann' }, messages: [{ role: 'user', content: 'secret plan' }], api_key: 'plain-key' });
  conn.events = [
    { seq: 0, time: 1, dir: 'in', text: 'data: {"user":{"email":"x@y.z"},"delta":"hi"}\n\n', base64: null, size: 10, event: null, id: null },
    { seq: 1, time: 2, dir: 'in', text: 'data: here is sk-abcdefghijklmnopqrstuvwx and Bearer abcdefghijklmnop\n\n', base64: null, size: 10, event: null, id: null },
    { seq: 2, time: 3, dir: 'in', text: 'plain text', base64: null, size: 10, event: null, id: null },
  ];
  conn.summary.events = 3;
  return {
    sessions: [{ info: { id: 's', tabId: 1, browserRun: 'r', url: 'https://app.example.test/c?key=zzz', startedAt: 1, updatedAt: 1, correlationIds: [] }, snapshot: { connections: [conn], signals: [], faults: [], testRuns: [], view: VIEW } }],
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/c?key=zzz' },
    flags: [{ id: 'bare-abort-stop', severity: 'high', message: 'm', evidence: [{ label: 'l', connectionId: 'd0:c0', text: 'Authorization: Bearer abcdefghijklmnop' }] }],
  };
}

describe('redaction', () => {
  it('is on by default and reports what it replaced where', () => {
    const { trace, report } = exportTrace(input(), { redaction: { jsonPaths: ['$.user.email', '$.messages[*].content'] } });
    const conn = trace.sessions[0]!.connections[0]!;
    const h = Object.fromEntries(conn.summary.requestHeaders);
    expect(h).toMatchObject({
      Authorization: 'Bearer [REDACTED]',
      Cookie: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      'anthropic-api-key': '[REDACTED]',
      'x-goog-api-key': '[REDACTED]',
      'X-Auth-Token': '[REDACTED]',
      'X-Client-Secret': '[REDACTED]',
      'Mcp-Session-Id': 'mcp-7f3a',
      'X-Session-Id': 'sess-1',
      'Last-Event-ID': '42',
      Referer: 'https://app.example.test/?token=REDACTED',
      'Content-Type': 'application/json',
    });
    expect(conn.summary.responseHeaders[0]).toEqual(['Set-Cookie', '[REDACTED]']);
    expect(conn.summary.url).toBe('https://user:REDACTED@api.example.test/v1/chat?api_key=REDACTED&stream=true&sig=REDACTED#access_token=REDACTED');
    expect(JSON.parse(conn.summary.requestBodyPreview!)).toEqual({ user: { email: '[REDACTED]', name: 'Ann' }, messages: [{ role: 'user', content: '[REDACTED]' }], api_key: '[REDACTED]' });
    expect(conn.events[0]!.text).toBe('data: {"user":{"email":"[REDACTED]"},"delta":"hi"}\n\n');
    expect(conn.events[1]!.text).toBe('data: here is sk-[REDACTED] and Bearer [REDACTED]\n\n');
    expect(conn.events[2]!.text).toBe('plain text');
    expect(conn.events[1]!.size).toBe(10); // sizes describe the wire, not the redacted copy
    expect(trace.sessions[0]!.url).toBe('https://app.example.test/c?key=REDACTED');
    expect(trace.environment.pageUrl).toBe('https://app.example.test/c?key=REDACTED');
    expect(trace.flags[0]!.evidence[0]!.text).toBe('Authorization: Bearer [REDACTED]');
    // Page text is user content: the body rules (patterns, credential keys, configured paths) apply.
    expect(trace.sessions[0]!.view!.map((s) => s.text)).toEqual([
      'use sk-[REDACTED] with Bearer [REDACTED]',
      '{"user":{"email":"[REDACTED]"},"password":"[REDACTED]"}',
      'Once upon a time',
    ]);
    expect(trace.sessions[0]!.view!.map(({ time, docId, block }) => [time, docId, block])).toEqual(VIEW.map(({ time, docId, block }) => [time, docId, block]));

    expect(trace.redaction.applied).toBe(true);
    expect(trace.redaction.redactedCount).toBe(report.count);
    expect(report.rules).toContain('json:$.user.email');
    const where = report.where.map((w) => `${w.connectionId}|${w.location}|${w.name}|${w.count}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'd0:c0|request-header|authorization|1',
        'd0:c0|request-header|referer:token|1',
        'd0:c0|response-header|set-cookie|1',
        'd0:c0|url|api_key|1',
        'd0:c0|url|password|1',
        'd0:c0|url|access_token|1',
        'd0:c0|body|$.user.email|1',
        'd0:c0|body|$.messages[*].content|1',
        'd0:c0|body|json-key:api_key|1',
        'd0:c0|event|$.user.email|1',
        'd0:c0|event|sk-key|1',
        'd0:c0|event|bearer|1',
        '|url|key|2',
        'd0:c0|evidence|bearer|1',
        '|view|sk-key|1',
        '|view|bearer|1',
        '|view|$.user.email|1',
        '|view|json-key:password|1',
      ]),
    );
    expect(report.count).toBe(report.where.reduce((a, w) => a + w.count, 0));
  });

  it('can be turned off per export, leaving everything as captured', () => {
    const raw = input();
    const { trace, report } = exportTrace(raw, { redact: false });
    expect(trace.redaction).toEqual({ applied: false, rules: [], redactedCount: 0 });
    expect(report.count).toBe(0);
    expect(trace.sessions[0]!.connections[0]!.summary.requestHeaders).toEqual(raw.sessions[0]!.snapshot.connections[0]!.summary.requestHeaders);
    expect(trace.sessions[0]!.view).toEqual(VIEW);
  });

  it('keeps a page text the JSON rules lengthened within the per-sample bound, its end kept', () => {
    const raw = input();
    const json = JSON.stringify({ password: 'p', pad: '' });
    const text = `${json.slice(0, -2)}${'z'.repeat(VIEW_LIMITS.blockChars - json.length)}"}`;
    expect(text.length).toBe(VIEW_LIMITS.blockChars);
    raw.sessions[0]!.snapshot.view = [{ time: 1, docId: 'd0', block: 1, text }];
    const ex = exportTrace(raw);
    const out = ex.trace.sessions[0]!.view![0]!.text;
    expect(out).toHaveLength(VIEW_LIMITS.blockChars);
    expect(out.endsWith('zzz"}')).toBe(true);
    expect(out).not.toContain('"p"');
    expect(readTraceSync([...ex.chunks()]).ok).toBe(true);
  });

  it('never mutates the live capture', () => {
    const raw = input();
    const before = JSON.stringify(raw);
    exportTrace(raw);
    expect(JSON.stringify(raw)).toBe(before);
  });

  it('decides header names by the documented rules', () => {
    const d = compileRedaction();
    for (const n of ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'openai-api-key', 'x-apikey', 'x-csrf-token', 'x-secret', 'session', 'x-session', 'session-token']) expect(isSecretHeader(n, d), n).toBe(true);
    for (const n of ['mcp-session-id', 'x-session-id', 'x-token-id', 'content-type', 'x-request-id', 'last-event-id', 'tokens-used', 'sessions']) expect(isSecretHeader(n, d), n).toBe(false);
    expect(isSecretHeader('x-session', compileRedaction({ keepHeaders: ['x-session'] }))).toBe(false);
    expect(isSecretHeader('x-tenant', compileRedaction({ extraHeaders: ['X-Tenant'] }))).toBe(true);
  });

  it('leaves URLs without secrets byte-identical, including odd encodings', () => {
    for (const u of ['https://a.test/p?x=1&y=%ZZ&z', 'wss://a.test/ws', 'https://a.test/?q=a+b#frag', 'not a url']) expect(redactUrl(u, c).url).toBe(u);
    expect(redactUrl('https://a.test/?API_KEY=1&Token=2', c).url).toBe('https://a.test/?API_KEY=REDACTED&Token=REDACTED');
  });

  it('redacts JSON payload lines in SSE and NDJSON bodies, and whole JSON frames', () => {
    expect(redactText('{"password":"p","token":"generated text"}', c).text).toBe('{"password":"[REDACTED]","token":"generated text"}');
    expect(redactText('{"a":1}\n{"user":{"email":"e"}}\r\n', c).text).toBe('{"a":1}\n{"user":{"email":"[REDACTED]"}}\r\n');
    const same = 'data: {"user":{"name":"n"}}\n\n';
    expect(redactText(same, c).text).toBe(same);
  });

  it('compiles a JSONPath subset and refuses anything else', () => {
    expect(compileJsonPath('$.a[*].b')).toEqual([{ key: 'a' }, { wild: true }, { key: 'b' }]);
    expect(compileJsonPath("$['odd key'][0]..email")).toEqual([{ key: 'odd key' }, { index: 0 }, { deep: 'email' }]);
    expect(compileJsonPath('a.b')).toBeNull();
    expect(compileJsonPath('$.a[?(@.x)]')).toBeNull();
    expect(() => compileRedaction({ jsonPaths: ['$.a[?(@.x)]'] })).toThrow(/Unsupported JSON path/);
    const v = { a: [{ b: 1, c: { email: 'x' } }, { b: 2 }] };
    expect(replaceAtPath(v, compileJsonPath('$..email')!, 'R')).toBe(1);
    expect(replaceAtPath(v, compileJsonPath('$.a[*].b')!, 'R')).toBe(2);
    expect(v).toEqual({ a: [{ b: 'R', c: { email: 'R' } }, { b: 'R' }] });
  });
});
