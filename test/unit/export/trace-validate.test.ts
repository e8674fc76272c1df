import { describe, expect, it } from 'vitest';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { readTraceSync } from '../../../src/core/export/trace-reader';
import { validateTrace } from '../../../src/core/export/trace-validate';
import type { ImportError, ImportResult, TraceFileV1 } from '../../../src/core/export/trace-format';
import { Gen, genInput } from './gen';

function validText(seed = 5): string {
  return [...exportTrace(genInput(seed, { sessions: 2 }), { redact: false }).chunks()].join('');
}

/** A valid trace with at least one connection with events, as a mutable plain object. */
function validObject(): { t: Record<string, any>; path: string } {
  for (let seed = 1; ; seed++) {
    const t = JSON.parse(validText(seed)) as Record<string, any>;
    const si = t.sessions.findIndex((s: any) => s.connections.some((c: any) => c.events.length > 3));
    if (si < 0) continue;
    const ci = t.sessions[si].connections.findIndex((c: any) => c.events.length > 3);
    return { t, path: `sessions[${si}].connections[${ci}]` };
  }
}

function conn(t: Record<string, any>, path: string): any {
  const [, si, ci] = path.match(/sessions\[(\d+)\]\.connections\[(\d+)\]/)!;
  return t.sessions[Number(si)].connections[Number(ci)];
}

function fails(r: ImportResult): ImportError {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('validateTrace / import of hostile input', () => {
  it('returns a rebuilt object, never the input or any part of it', () => {
    const { t, path } = validObject();
    const r = validateTrace(t);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.trace).toEqual(t);
    expect(r.trace).not.toBe(t);
    expect(r.trace.sessions[0]).not.toBe(t.sessions[0]);
    expect(conn(r.trace as any, path).events[0]).not.toBe(conn(t, path).events[0]);
    expect(conn(r.trace as any, path).summary.requestHeaders[0]).not.toBe(conn(t, path).summary.requestHeaders[0]);
  });

  it('names the field and its JSON path', () => {
    const cases: [string, (t: Record<string, any>, c: any) => void, RegExp][] = [
      ['base64', (_t, c) => { c.events[2].text = null; c.events[2].base64 = 'not base64!'; }, /events\[2\]\.base64: not valid base64/],
      ['NaN time', (_t, c) => { c.events[1].time = NaN; }, /events\[1\]\.time: expected a finite number, found NaN/],
      ['Infinity', (_t, c) => { c.summary.startedAt = Infinity; }, /summary\.startedAt: expected a finite number/],
      ['negative size', (_t, c) => { c.events[3].size = -4; }, /events\[3\]\.size: expected a number >= 0, found -4/],
      ['wrong type', (_t, c) => { c.summary.url = 42; }, /summary\.url: expected a string, found a number/],
      ['wrong enum', (_t, c) => { c.events[0].dir = 'sideways'; }, /events\[0\]\.dir: expected one of "in", "out", found "sideways"/],
      ['seq order', (_t, c) => { c.events[1].seq = 7; }, /events\[1\]\.seq: expected 1/],
      ['missing', (_t, c) => { delete c.summary.kind; }, /summary\.kind: expected one of .* found nothing \(missing\)/],
      ['both payloads', (_t, c) => { c.events[0].text = 'a'; c.events[0].base64 = 'YQ=='; }, /events\[0\]: an event carries text or base64, not both/],
      ['header shape', (_t, c) => { c.summary.requestHeaders[0] = ['only-name']; }, /summary\.requestHeaders\[0\]: expected a \[name, value\] pair/],
      ['date', (t) => { t.exportedAt = 'yesterday'; }, /exportedAt: not an ISO 8601 date/],
    ];
    for (const [name, mutate, re] of cases) {
      const { t, path } = validObject();
      mutate(t, conn(t, path));
      const e = fails(validateTrace(t));
      expect(e.message, name).toMatch(re);
      expect(e.message, name).toContain(e.path!.startsWith('sessions') ? path : e.path!);
    }
  });

  it('refuses other formats and versions clearly', () => {
    const { t } = validObject();
    expect(fails(validateTrace({ ...t, version: 2 }))).toMatchObject({ kind: 'version', message: expect.stringMatching(/version 2.*reads version 1; update the extension/) });
    expect(fails(validateTrace({ ...t, version: '1' })).kind).toBe('version');
    expect(fails(validateTrace({ ...t, format: 'something-else' }))).toMatchObject({ kind: 'format', path: 'format' });
    expect(fails(validateTrace([1, 2])).message).toMatch(/holds an array/);
    expect(fails(validateTrace(null)).kind).toBe('format');
  });

  it('refuses __proto__ / constructor keys from JSON.parse without polluting anything', () => {
    const text = validText().replace('"environment":{', '"environment":{"__proto__":{"polluted":true},');
    const parsed = JSON.parse(text) as unknown;
    expect(fails(validateTrace(parsed))).toMatchObject({ path: 'environment.__proto__' });
    const viaParser = fails(readTraceSync(text));
    expect(viaParser).toMatchObject({ kind: 'invalid', path: 'environment' });
    expect(viaParser.message).toContain('Forbidden key "__proto__"');
    const ctor = JSON.parse(validText().replace('"redaction":{', '"redaction":{"constructor":1,')) as unknown;
    expect(fails(validateTrace(ctor)).message).toContain('forbidden key "constructor"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the number of events and the string sizes', () => {
    const { t } = validObject();
    expect(fails(validateTrace(t, { maxEvents: 3 }))).toMatchObject({ kind: 'limit', message: expect.stringContaining('more than 3 events') });
    expect(fails(validateTrace({ ...t, environment: { ...t.environment, browser: 'x'.repeat(5000) } }))).toMatchObject({ kind: 'limit', path: 'environment.browser' });
    const huge = fails(readTraceSync(validText(), { maxStringLength: 10 }));
    expect(huge.kind).toBe('limit');
    expect(huge.line).toBeGreaterThan(0);
  });

  it('stops early on a file with millions of events instead of reading them all', () => {
    const head = validText().split('\n"sessions":[')[0];
    let produced = 0;
    function* endless(): Generator<string> {
      yield `${head}\n"sessions":[{"id":"s","tabId":1,"browserRun":"r","url":"u","startedAt":1,"updatedAt":1,"correlationIds":[],"signals":[],"connections":[{"summary":{},"events":[`;
      for (let i = 0; i < 5_000_000; i++) {
        produced++;
        yield `${i ? ',' : ''}{"seq":${i},"time":1,"dir":"in","text":"x","base64":null,"size":1,"event":null,"id":null}\n`;
      }
      yield ']}]}],"faults":[],"testRuns":[],"flags":[]}';
    }
    const e = fails(readTraceSync(endless(), { maxValues: 200_000 }));
    expect(e).toMatchObject({ kind: 'limit' });
    expect(e.message).toContain('Too many JSON values');
    expect(produced).toBeLessThan(30_000);
  });

  it('never throws and never returns garbage for mangled files (truncations and byte flips)', async () => {
    const text = validText(9);
    const g = new Gen(99);
    for (let i = 0; i < 300; i++) {
      let mangled: string;
      const at = g.int(0, text.length - 1);
      switch (i % 4) {
        case 0: mangled = text.slice(0, at); break;
        case 1: mangled = text.slice(0, at) + g.pick(['"', '{', ']', ',', '\\', 'x', '\u0000', '9', '-', 'null']) + text.slice(at + 1); break;
        case 2: mangled = text.slice(0, at) + text.slice(at + g.int(1, 50)); break;
        default: mangled = text.slice(0, at) + text.slice(at, at + 40).replace(/[0-9]/g, '-') + text.slice(at + 40);
      }
      const r = await importTrace(mangled);
      if (r.ok) expect(r.trace.format).toBe('durable-sessions-trace');
      else {
        expect(r.error.message.length).toBeGreaterThan(10);
        if (r.error.kind === 'syntax') expect(r.error.line).toBeGreaterThan(0);
      }
    }
  });

  it('turns odd in-memory values (getters that throw, proxies) into an error, not an exception', () => {
    const { t } = validObject();
    Object.defineProperty(t, 'sessions', { get() { throw new Error('boom'); }, enumerable: true });
    expect(fails(validateTrace(t)).message).toMatch(/Could not import the trace/);
  });

  it('accepts inconsistent counters with a warning that names them', () => {
    const { t, path } = validObject();
    conn(t, path).summary.events = 999;
    const r = validateTrace(t);
    expect(r.ok && r.warnings).toEqual([`${path}.summary.events says 999 events but ${conn(t, path).events.length} are present.`]);
  });

  it('the imported trace type checks as a TraceFileV1', () => {
    const r = readTraceSync(validText());
    const t: TraceFileV1 | null = r.ok ? r.trace : null;
    expect(t?.version).toBe(1);
  });
});
