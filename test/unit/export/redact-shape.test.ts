/**
 * Redaction by shape as well as by name: credentials a page sends under names the name rules do
 * not know, and the ids and hashes that must survive an export for the analysis to link
 * reconnects and tabs.
 */
import { describe, expect, it } from 'vitest';
import { compileRedaction, isSecretHeader, redactHeaderList, redactText, redactUrl } from '../../../src/core/export/redact';
import { exportTrace } from '../../../src/core/export/trace-export';
import type { TraceInput } from '../../../src/core/export/trace-model';
import { genConnection, Gen } from './gen';

const c = compileRedaction();
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Ann', iat: 1516239022 })}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const UNSIGNED_JWT = `${b64url({ alg: 'none' })}.${b64url({ sub: 'x' })}.`;
const UUID = '3f2b8c1e-9a4d-4e7b-8f16-2c5d9e0a7b41';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Realistic provider keys (random bodies of the lengths the providers issue). */
const KEYS = {
  anthropic: 'sk-ant-api03-Xk9_2mQpL-7vRtY4wZ8nB3cF6hJ1dS5gA0eU9iO2pK7lM4nQ8rT3vW6yZ1xC5bN-0aS4dF7gH2jK9lQ3wE6rT1yU8iO5pA2sD-4fG7hJ0kL3zX6cV9bN2mAA',
  openaiProject: 'sk-proj-4fGh7Jk2Lm9Np3Qr6St8Vw1Xy5Za0Bc-De4Fg7Hi2Jk_9Lm3No6Pq8Rs1Tu5Vw0Xy',
  google: 'AIzaSyD3x9Kq-7LmN2pQr5StUvW8xYz0AbCdEfG',
  slack: 'xoxb-2748593021-5839201746-Zk3Lm9Np2Qr6St8Vw1Xy5Za',
  github: 'ghp_4fGh7Jk2Lm9Np3Qr6St8Vw1Xy5Za0BcDe4Fg',
  githubPat: 'github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012345',
};
const RANDOM = 'q8Zr3LmX7vN2pKw9Tb4Yh6Jc'; // 24 characters of a random base62 token

describe('redaction by name: the names issue 15 found missing', () => {
  it('redacts access-token, access_token, sessionid, private_token and code in URLs', () => {
    const u = 'https://h.test/cb?access-token=a1&access_token=a2&sessionid=s3&private_token=p4&code=c5&page=2';
    expect(redactUrl(u, c).url).toBe('https://h.test/cb?access-token=REDACTED&access_token=REDACTED&sessionid=REDACTED&private_token=REDACTED&code=REDACTED&page=2');
  });

  it('redacts the X-Access-Key header', () => {
    expect(isSecretHeader('X-Access-Key', c)).toBe(true);
    expect(redactHeaderList([['X-Access-Key', 'AKIA123'], ['Accept', 'text/event-stream']], c)).toEqual([['X-Access-Key', '[REDACTED]'], ['Accept', 'text/event-stream']]);
  });
});

describe('redaction by shape', () => {
  it('redacts a JWT under "token" and anywhere else, and only real JWTs', () => {
    expect(redactText(JSON.stringify({ token: JWT }), c).text).toBe('{"token":"[REDACTED]"}');
    expect(redactText(`data: {"auth":{"token":"${UNSIGNED_JWT}"}}\n\n`, c).text).toBe('data: {"auth":{"token":"[REDACTED]"}}\n\n');
    expect(redactText(`the cookie was ${JWT}; done`, c).text).toBe('the cookie was [REDACTED]; done');
    expect(redactUrl(`https://h.test/ws?t=${JWT}&v=1`, c).url).toBe('https://h.test/ws?t=REDACTED&v=1');
    expect(redactHeaderList([['X-Debug', JWT]], c)).toEqual([['X-Debug', '[REDACTED]']]);
    // Dotted words and base64 that does not decode to a JOSE header are not JWTs.
    for (const s of ['see www.example.com.au and v1.22.333', 'aGVsbG8gd29ybGQ.aGVsbG8gd29ybGQ.aGVsbG8', `${b64url({ typ: 'JWT' })}.${b64url({ a: 1 })}.x`]) expect(redactText(s, c).text).toBe(s);
  });

  it('redacts provider keys by their prefixes, whole', () => {
    for (const [name, key] of Object.entries(KEYS)) {
      const r = redactText(`key: ${key} end`, c);
      expect(r.text, name).not.toContain(key.slice(-12));
      expect(r.text.endsWith(' end'), name).toBe(true);
      expect(redactUrl(`https://h.test/?x=${key}`, c).url, name).toBe('https://h.test/?x=REDACTED');
    }
  });

  it('redacts long high-entropy values in fields named like secrets', () => {
    expect(redactText(JSON.stringify({ token: RANDOM, signing_secret: SHA256, refreshKey: RANDOM }), c).text).toBe('{"token":"[REDACTED]","signing_secret":"[REDACTED]","refreshKey":"[REDACTED]"}');
    expect(redactUrl(`https://h.test/?auth_code=${RANDOM}&sig_v2=${SHA256}`, c).url).toBe('https://h.test/?auth_code=REDACTED&sig_v2=REDACTED');
    expect(redactHeaderList([['X-Signature', SHA256]], c)).toEqual([['X-Signature', '[REDACTED]']]);
  });
});

describe('what redaction leaves alone', () => {
  it('keeps generated text under "token", and ordinary words and codes under secret-like names', () => {
    const ndjson = ['Hello', ' world', 'antidisestablishmentarianism', 'ERR_STREAM_PREMATURE_CLOSE', 'conversation-2024-summary', 'Authorization header missing'].map((t) => JSON.stringify({ token: t, code: t, key: t })).join('\n');
    expect(redactText(ndjson, c).text).toBe(ndjson);
  });

  it('keeps UUID conversation ids, run ids and hex content hashes in fields that do not name a secret', () => {
    const body = JSON.stringify({ conversation_id: UUID, run_id: `run_${RANDOM}`, thread_id: UUID, session_id: UUID, sha256: SHA256, etag: SHA256.slice(0, 32), hash: SHA256, message_id: RANDOM, max_tokens: 1024 });
    expect(redactText(body, c).text).toBe(body);
    expect(redactText(`data: ${body}\n\n`, c).text).toBe(`data: ${body}\n\n`);
    const url = `https://h.test/c/${UUID}/stream?conversation_id=${UUID}&run_id=${RANDOM}&session_id=${UUID}&sessionId=${UUID}&digest=${SHA256}`;
    expect(redactUrl(url, c).url).toBe(url);
    const headers: [string, string][] = [['Mcp-Session-Id', UUID], ['X-Session-Id', UUID], ['X-Request-Id', RANDOM], ['ETag', `"${SHA256}"`], ['Last-Event-ID', RANDOM], ['Idempotency-Key', UUID]];
    expect(redactHeaderList(headers, c)).toEqual(headers);
  });

  it('keeps prose that merely starts like a key', () => {
    const s = 'use sk-learn-compatible-estimators, not xox-style names or ghp_short';
    expect(redactText(s, c).text).toBe(s);
  });
});

describe('an exported trace', () => {
  function input(): TraceInput {
    const conn = genConnection(new Gen(2), 'd0', 0, 1_712_000_000_000);
    conn.summary.url = `https://h.test/sse?sessionid=abc123secret&conversation_id=${UUID}`;
    conn.summary.requestHeaders = [['Authorization', `Bearer ${JWT}`], ['X-Access-Key', 'AKIA123']];
    conn.summary.requestBodyPreview = JSON.stringify({ conversation_id: UUID, token: JWT });
    conn.events = [{ seq: 0, time: 1, dir: 'in', text: `data: {"token":"Hi","session":{"jwt":"${JWT}"}}\n\n`, base64: null, size: 10, event: null, id: null }];
    conn.summary.events = 1;
    return {
      sessions: [{ info: { id: 's', tabId: 1, browserRun: 'r', url: 'https://h.test/', startedAt: 1, updatedAt: 1, correlationIds: [`conversation:${UUID}`, 'session:abc123secret'] }, snapshot: { connections: [conn], signals: [], faults: [], testRuns: [], view: [] } }],
      environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://h.test/' },
      flags: [],
    };
  }

  it('carries no secret found by name or shape, and keeps the ids that link reconnects', () => {
    const { trace, chunks } = exportTrace(input());
    const text = [...chunks()].join('');
    for (const secret of [JWT, 'abc123secret', 'AKIA123']) expect(text).not.toContain(secret);
    expect(text).toContain(UUID);
    expect(trace.sessions[0]!.correlationIds).toEqual([`conversation:${UUID}`, 'session:[REDACTED]']);
    expect(trace.sessions[0]!.connections[0]!.events[0]!.text).toBe('data: {"token":"Hi","session":{"jwt":"[REDACTED]"}}\n\n');
  });
});
