import { describe, expect, it } from 'vitest';
import { coin, mulberry32, parseFaultSpec, splitChunk, triggerFires } from '../../../src/core/faults/spec';

const base = { id: 'f1', kind: 'drop', trigger: { kind: 'after-events', count: 5 }, scope: { kind: 'tab' } };

describe('parseFaultSpec', () => {
  it('accepts a well-formed fault and fills defaults', () => {
    const r = parseFaultSpec(base);
    expect(r).toEqual({ ok: true, spec: { id: 'f1', kind: 'drop', trigger: { kind: 'after-events', count: 5 }, scope: { kind: 'tab' }, probability: 1, once: true } });
  });

  it.each([
    [{ ...base, kind: 'explode' }, 'unknown fault kind "explode"'],
    [{ ...base, trigger: { kind: 'match', pattern: '(' } }, 'invalid trigger'],
    [{ ...base, trigger: { kind: 'after-ms', ms: -1 } }, 'invalid trigger'],
    [{ ...base, scope: { kind: 'other-tabs' } }, 'invalid scope'],
    [{ ...base, kind: 'offline' }, 'an offline window needs offlineMs'],
    [{ ...base, kind: 'latency' }, 'latency needs latencyMs'],
    [null, 'a fault must be an object'],
  ])('rejects %j with a reason', (input, error) => {
    expect(parseFaultSpec(input)).toEqual({ ok: false, error });
  });

  it('drops unknown keys and prototype keys', () => {
    const r = parseFaultSpec(JSON.parse('{"id":"x","kind":"stall","stallMs":50,"trigger":{"kind":"now"},"scope":{"kind":"tab"},"__proto__":{"evil":1},"navigate":"http://evil/"}'));
    expect(r.ok && Object.keys(r.spec).sort()).toEqual(['id', 'kind', 'once', 'probability', 'scope', 'stallMs', 'trigger']);
  });
});

describe('triggerFires', () => {
  const p = { events: 3, openedAt: 1000, now: 1500, text: 'data: {"delta":"hi"}' };
  it('fires on counts, elapsed time and matching text', () => {
    expect(triggerFires({ kind: 'now' }, p)).toBe(true);
    expect(triggerFires({ kind: 'after-events', count: 3 }, p)).toBe(true);
    expect(triggerFires({ kind: 'after-events', count: 4 }, p)).toBe(false);
    expect(triggerFires({ kind: 'after-ms', ms: 500 }, p)).toBe(true);
    expect(triggerFires({ kind: 'after-ms', ms: 501 }, p)).toBe(false);
    expect(triggerFires({ kind: 'match', pattern: '"DELTA"' }, p)).toBe(true);
    expect(triggerFires({ kind: 'match', pattern: 'message_stop' }, p)).toBe(false);
    expect(triggerFires({ kind: 'match', pattern: 'x' }, { ...p, text: null })).toBe(false);
  });
});

describe('rechunking and probability', () => {
  it('splits bytes into 1-byte or bounded random pieces without losing any', () => {
    const bytes = new TextEncoder().encode('data: é€😀\r\n\r\n');
    expect(splitChunk(bytes, 'bytes', 1, Math.random).map((b) => b.length)).toEqual(Array(bytes.length).fill(1));
    const pieces = splitChunk(bytes, 'random', 4, mulberry32(7));
    expect(pieces.every((b) => b.length >= 1 && b.length <= 4)).toBe(true);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes));
  });

  it('gives each (fault, stream) pair a stable coin', () => {
    expect(coin('f1/a-1')).toBe(coin('f1/a-1'));
    const flips = Array.from({ length: 1000 }, (_, i) => coin(`f1/s-${i}`));
    const heads = flips.filter((x) => x < 0.3).length;
    expect(heads).toBeGreaterThan(230);
    expect(heads).toBeLessThan(370);
  });
  it('a connection scope may follow a stream of many requests by its path; a bad path is refused', () => {
    const scope = { kind: 'connection', connectionId: 'doc:1', followPath: 'http://app.test/streams/chat-1' };
    expect(parseFaultSpec({ ...base, scope })).toMatchObject({ ok: true, spec: { scope } });
    expect(parseFaultSpec({ ...base, scope: { ...scope, followPath: 7 } })).toEqual({ ok: false, error: 'invalid scope' });
    expect(parseFaultSpec({ ...base, scope: { ...scope, followPath: '' } })).toEqual({ ok: false, error: 'invalid scope' });
  });
});
