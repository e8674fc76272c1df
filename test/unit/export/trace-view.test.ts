import { describe, expect, it } from 'vitest';
import { exportHar, harChunks } from '../../../src/core/export/har-export';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import type { ImportError, ImportResult } from '../../../src/core/export/trace-format';
import { sessionsFromTrace, type TraceInput } from '../../../src/core/export/trace-model';
import { readTraceSync } from '../../../src/core/export/trace-reader';
import { FIELD_LIMITS, validateTrace } from '../../../src/core/export/trace-validate';
import { MAX_VIEW_SAMPLES } from '../../../src/core/export/trace-view';
import { traceLines } from '../../../src/core/export/trace-writer';
import { VIEW_LIMITS, type ViewSample } from '../../../src/core/view/sample';
import { genConnection, Gen } from './gen';
import { loadSchema, schemaValidator } from './schema';

const validTrace = schemaValidator('trace-v1.schema.json');
const T0 = 1_712_000_000_000;

/** What a page streaming an answer shows: one block growing, another appearing, in two documents. */
const VIEW: ViewSample[] = [
  { time: T0 + 100.125, docId: 'd0', block: 1, text: 'Once' },
  { time: T0 + 250.5, docId: 'd0', block: 1, text: 'Once upon a time' },
  { time: T0 + 260, docId: 'd0', block: 2, text: 'Sources: "a\\b" \u2028 😀' },
  { time: T0 + 400, docId: 'd1', block: 1, text: '' },
];

/** One session; `null` gives a snapshot without a view (`undefined` would take the default). */
function input(view: ViewSample[] | null = VIEW): TraceInput {
  const conn = genConnection(new Gen(3), 'd0', 0, T0);
  return {
    sessions: [
      {
        info: { id: 's0', tabId: 1, browserRun: 'r', url: 'https://app.example.test/', startedAt: T0, updatedAt: T0 + 500, correlationIds: [] },
        snapshot: { connections: [conn], signals: [], faults: conn.summary.faults, testRuns: [], ...(view ? { view } : {}) },
      },
    ],
    environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
    exportedAt: '2024-04-01T12:00:00.000Z',
  };
}

const text = (i: TraceInput, redact = false): string => [...exportTrace(i, { redact }).chunks()].join('');

function fails(r: ImportResult): ImportError {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('the page view in traces', () => {
  it('exports and imports to the same snapshot view, redacted or not, as JSON and as HAR', async () => {
    for (const redact of [false, true]) {
      const r = await importTrace(text(input(), redact));
      if (!r.ok) throw new Error(r.error.message);
      expect(r.warnings).toEqual([]);
      expect(sessionsFromTrace(r.trace)[0]!.snapshot.view).toEqual(VIEW);

      const { har } = exportHar(input(), { redact });
      const h = await importTrace([...harChunks(har)]);
      if (!h.ok) throw new Error(h.error.message);
      expect(h.source).toBe('har');
      expect(har.log._durableSessions!.sessions[0]!.view).toEqual(VIEW);
      expect(sessionsFromTrace(h.trace)[0]!.snapshot.view).toEqual(VIEW);
    }
  });

  it('writes one sample per line, before the connections, and satisfies the schema', () => {
    const ex = exportTrace(input());
    const lines = [...traceLines(ex.trace)].join('').split('\n');
    expect(lines.filter((l) => l.startsWith('{"time":'))).toHaveLength(VIEW.length);
    expect(lines.findIndex((l) => l.startsWith('{"time":'))).toBeLessThan(lines.findIndex((l) => l.startsWith('{"summary":')));
    expect(validTrace(JSON.parse(text(input())))).toEqual([]);
  });

  it('streams a large view in small HAR pieces', () => {
    const big = Array.from({ length: 2000 }, (_, i): ViewSample => ({ time: T0 + i, docId: 'd0', block: 1, text: 'x'.repeat(1000) }));
    const pieces = [...harChunks(exportHar(input(big), { redact: false }).har)];
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(64 * 1024);
    expect(JSON.parse(pieces.join('')).log._durableSessions.sessions[0].view).toEqual(big);
  });

  it('imports an older trace without a view, and gives its snapshot none', async () => {
    const ex = exportTrace(input(null), { redact: false });
    expect(ex.trace.sessions[0]).not.toHaveProperty('view');
    // A trace as written before the view existed, by hand: no "view" key anywhere.
    const old = `{"format":"durable-sessions-trace","version":1,"exportedAt":"2024-03-01T00:00:00.000Z","environment":{"browser":"Chrome 124","extensionVersion":"0.0.9","pageUrl":"https://a.test/"},"redaction":{"applied":true,"rules":[],"redactedCount":0},
"sessions":[{"id":"s","tabId":3,"browserRun":"r","url":"https://a.test/","startedAt":1,"updatedAt":2,"correlationIds":[],"signals":[],"connections":[]}],
"faults":[],"testRuns":[],"flags":[]}`;
    for (const source of [old, text(input(null))]) {
      const r = await importTrace(source);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.warnings).toEqual([]);
      expect(r.trace.sessions[0]).not.toHaveProperty('view');
      expect(sessionsFromTrace(r.trace)[0]!.snapshot).not.toHaveProperty('view');
    }
  });

  it('keeps an empty view as an empty view (recorded, nothing shown)', () => {
    const r = readTraceSync(text(input([])));
    expect(r.ok && sessionsFromTrace(r.trace)[0]!.snapshot.view).toEqual([]);
  });

  it('names the bad sample and field', () => {
    const cases: [string, (v: any[]) => unknown, RegExp, ImportError['kind']][] = [
      ['long text', (v) => (v[3].text = 'x'.repeat(VIEW_LIMITS.blockChars + 1)), /^Invalid trace at sessions\[0\]\.view\[3\]\.text: string of 32769 characters is longer than the 32768 allowed\.$/, 'limit'],
      ['text type', (v) => (v[1].text = null), /sessions\[0\]\.view\[1\]\.text: expected a string, found null/, 'invalid'],
      ['missing docId', (v) => delete v[0].docId, /sessions\[0\]\.view\[0\]\.docId: expected a string, found nothing \(missing\)/, 'invalid'],
      ['block', (v) => (v[2].block = 1.5), /sessions\[0\]\.view\[2\]\.block: expected an integer, found 1\.5/, 'invalid'],
      ['unsafe block', (v) => (v[2].block = 2 ** 60), /sessions\[0\]\.view\[2\]\.block: expected a safe integer/, 'invalid'],
      ['time', (v) => (v[0].time = -1), /sessions\[0\]\.view\[0\]\.time: expected a number >= 0, found -1/, 'invalid'],
      ['sample shape', (v) => (v[1] = 'Once'), /sessions\[0\]\.view\[1\]: expected a view sample \(an object\), found a string/, 'invalid'],
    ];
    for (const [name, mutate, re, kind] of cases) {
      const t = JSON.parse(text(input()));
      mutate(t.sessions[0].view);
      const e = fails(validateTrace(t));
      expect(e.message, name).toMatch(re);
      expect(e.kind, name).toBe(kind);
      expect(e.path, name).toMatch(/^sessions\[0\]\.view\[\d\]/);
    }
    const t = JSON.parse(text(input()));
    t.sessions[0].view = { 0: VIEW[0] };
    expect(fails(validateTrace(t)).message).toMatch(/sessions\[0\]\.view: expected an array, found an object/);
  });

  it('bounds the number of samples by the live capture bound', () => {
    const t = JSON.parse(text(input()));
    t.sessions[0].view = new Array(MAX_VIEW_SAMPLES + 1).fill(VIEW[0]);
    expect(fails(validateTrace(t))).toMatchObject({ kind: 'limit', path: 'sessions[0].view', message: expect.stringContaining(`${MAX_VIEW_SAMPLES + 1} items is more than the ${MAX_VIEW_SAMPLES} allowed`) });
  });

  it('exports a too-long text from a non-live source cut to its end, so it reads back', () => {
    const long = `${'a'.repeat(10)}${'b'.repeat(VIEW_LIMITS.blockChars)}`;
    const r = readTraceSync(text(input([{ time: T0, docId: 'd0', block: 1, text: long }])));
    expect(r.ok && r.trace.sessions[0]!.view![0]!.text).toBe('b'.repeat(VIEW_LIMITS.blockChars));
  });

  it('the schema states the same bounds and fields as the code', () => {
    const defs = (loadSchema('trace-v1.schema.json') as { $defs: Record<string, any> }).$defs;
    expect(defs.viewSample.properties.text.maxLength).toBe(VIEW_LIMITS.blockChars);
    expect(defs.viewSample.properties.text.maxLength).toBe(FIELD_LIMITS.viewText);
    expect(defs.session.properties.view.maxItems).toBe(FIELD_LIMITS.viewSamples);
    expect(defs.session.required).not.toContain('view');
    expect([...defs.viewSample.required].sort()).toEqual(Object.keys(VIEW[0]!).sort());
    expect(validTrace({ ...JSON.parse(text(input())), sessions: [{ ...JSON.parse(text(input())).sessions[0], view: [{ ...VIEW[0], extra: 1 }] }] })).not.toEqual([]);
  });
});
