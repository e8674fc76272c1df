/**
 * fast-check arbitraries of whole sessions, built the way the extension builds them: capture
 * records of every kind (open, response, data, state, end, page, fault) folded by the core's
 * `foldRecords`, with every page signal, fault kind, end cause, test and verdict reachable.
 *
 * `harSafe` keeps to payloads a HAR carries exactly (see har-export.ts / har-import.ts):
 * fetch/XHR bodies received only, chunks without EventSource fields, EventSource events with a
 * name, every payload either text or base64, sizes the payload's own byte length, and no lone
 * surrogates (a body with a binary chunk is re-encoded as bytes).
 */
import fc from 'fast-check';
import { SEVERITIES, TEST_IDS, VERDICT_KINDS, type Evidence } from '../../../src/core/analysis/types';
import type { ExportSession, TraceInput } from '../../../src/core/export/trace-model';
import type { TraceFault, TraceFlag, TraceTestRun } from '../../../src/core/export/trace-format';
import { FAULT_KINDS } from '../../../src/core/faults/spec';
import { utf8Length } from '../../../src/core/trace/bytes';
import { PAGE_CONN, emptyTabState, foldRecords, type TabSnapshot } from '../../../src/core/trace/model';
import { CONNECTION_KINDS, DIRECTIONS, END_CAUSES, PAGE_SIGNALS, STATE_CHANGES, type CaptureRecord, type ConnectionKind, type Header } from '../../../src/core/trace/records';
import type { TestRunRecord } from '../../../src/core/trace/session';
import type { ViewSample } from '../../../src/core/view/sample';

export interface ArbOptions {
  harSafe?: boolean;
}

/** Epoch milliseconds with microsecond precision, as the hook stamps them. */
export const time = fc.integer({ min: 1_700_000_000_000_000, max: 1_800_000_000_000_000 }).map((us) => us / 1000);

const awkward = fc.constantFrom('"', '\\', '\n', '\r\n', '\t', '\u0000', '\u001f', '\u2028', '😀', 'é', 'Ω', '\ufeff', ':', '~', '{', '}', '[', 'data: ');
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const codePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** Text with quotes, escapes, control characters, astral characters and (unless harSafe) lone surrogates. */
export function text(opts: ArbOptions, maxLength = 12): fc.Arbitrary<string> {
  return fc.string({ unit: opts.harSafe ? fc.oneof(codePoint, awkward) : fc.oneof(codePoint, awkward, loneSurrogate), maxLength });
}

const nonEmpty = (opts: ArbOptions) => text(opts).filter((s) => s !== '');
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const header = (opts: ArbOptions): fc.Arbitrary<Header> => fc.tuple(text(opts, 8), text(opts, 16));
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function dataRecord(conn: string, kind: ConnectionKind, opts: ArbOptions): fc.Arbitrary<CaptureRecord> {
  const har = opts.harSafe === true;
  const dir = kind === 'websocket' || !har ? fc.constantFrom(...DIRECTIONS) : fc.constant('in' as const);
  // A chunk is text or bytes; the trace also keeps what HAR cannot: chunks with neither, and
  // sizes that are not the payload's (the hook measures before it cuts long payloads).
  const payload = fc.oneof(
    { weight: 3, arbitrary: text(opts).map((t) => ({ text: t, base64: null as string | null, bytes: utf8Length(t) })) },
    { weight: kind === 'eventsource' ? 0 : 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => ({ text: null as string | null, base64: b64(b), bytes: b.length })) },
    { weight: har ? 0 : 1, arbitrary: fc.constant({ text: null as string | null, base64: null as string | null, bytes: 0 }) },
  );
  const es = kind === 'eventsource';
  const event = es ? (har ? nonEmpty(opts) : nullable(text(opts))) : har ? fc.constant(null) : nullable(text(opts));
  const id = es ? (har ? nullable(nonEmpty(opts)) : nullable(text(opts))) : har ? fc.constant(null) : nullable(text(opts));
  return fc.record({ time, dir, payload, event, id, size: har ? fc.constant(-1) : fc.option(fc.nat(10_000), { nil: -1 }) }).map(
    (d): CaptureRecord => ({ type: 'data', conn, time: d.time, dir: d.dir, text: d.payload.text, base64: d.payload.base64, size: d.size >= 0 ? d.size : d.payload.bytes, event: d.event, id: d.id }),
  );
}

function connectionRecords(conn: string, opts: ArbOptions): fc.Arbitrary<CaptureRecord[]> {
  return fc.constantFrom(...CONNECTION_KINDS).chain((kind) =>
    fc
      .record({
        open: fc.record({ time, url: text(opts).map((p) => `https://api.example.test/${p}`), method: fc.constantFrom('GET', 'POST'), requestHeaders: fc.array(header(opts), { maxLength: 3 }), requestBodySize: nullable(fc.nat(1e6)), requestBodyPreview: nullable(text(opts, 30)), detail: nullable(text(opts)) }),
        response: fc.option(
          fc.record({ time, status: fc.integer({ min: 100, max: 599 }), statusText: text(opts, 6), contentType: nullable(fc.constantFrom('text/event-stream; charset=utf-8', 'application/x-ndjson', 'application/json', 'text/plain', 'application/octet-stream')), extra: fc.array(header(opts), { maxLength: 2 }), streaming: fc.boolean() }),
          { nil: null },
        ),
        steps: fc.array(
          fc.oneof(
            { weight: 4, arbitrary: dataRecord(conn, kind, opts) },
            { weight: 1, arbitrary: fc.record({ time, state: fc.constantFrom(...STATE_CHANGES), readyState: nullable(fc.integer({ min: 0, max: 3 })), lastEventId: nullable(text(opts)) }).map((s): CaptureRecord => ({ type: 'state', conn, ...s })) },
            { weight: 1, arbitrary: fc.record({ time, faultId: nonEmpty(opts), fault: fc.constantFrom(...FAULT_KINDS), detail: nullable(text(opts)) }).map((f): CaptureRecord => ({ type: 'fault', conn, ...f })) },
          ),
          { maxLength: 8 },
        ),
        end: fc.option(fc.record({ time, cause: fc.constantFrom(...END_CAUSES), error: nullable(text(opts)), code: nullable(fc.integer({ min: 1000, max: 4999 })), reason: nullable(text(opts)) }), { nil: null }),
      })
      .map(({ open, response, steps, end }) => {
        const records: CaptureRecord[] = [{ type: 'open', conn, kind, ...open }];
        if (response) {
          // Other headers first: the content type the fold reads is the first content-type header.
          const headers: Header[] = [...response.extra.filter(([n]) => n.toLowerCase() !== 'content-type'), ...(response.contentType ? [['content-type', response.contentType] as Header] : [])];
          records.push({ type: 'response', conn, time: response.time, status: response.status, statusText: response.statusText, headers, streaming: response.streaming });
        }
        records.push(...steps);
        if (end) records.push({ type: 'end', conn, ...end });
        return records;
      }),
  );
}

const pageRecord = (opts: ArbOptions): fc.Arbitrary<CaptureRecord> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ time, signal: fc.constantFrom(...PAGE_SIGNALS), detail: nullable(text(opts)) }).map((p): CaptureRecord => ({ type: 'page', conn: PAGE_CONN, ...p })) },
    { weight: 1, arbitrary: fc.record({ time, faultId: nonEmpty(opts), fault: fc.constantFrom(...FAULT_KINDS), detail: nullable(text(opts)) }).map((f): CaptureRecord => ({ type: 'fault', conn: PAGE_CONN, ...f })) },
  );

/** The records of one document: its connections' and page records around them. */
function documentRecords(opts: ArbOptions): fc.Arbitrary<CaptureRecord[]> {
  return fc
    .tuple(
      // Hook ids as the hook makes them, and forged ones the relay kept behind `untrusted~` (they may hold ':').
      fc.array(fc.tuple(fc.boolean(), text(opts, 4)), { maxLength: 4 }).chain((ids) => fc.tuple(...ids.map(([untrusted, tail], n) => connectionRecords(`${untrusted ? 'untrusted~' : 'h'}${n}-${tail}`, opts)))),
      fc.array(pageRecord(opts), { maxLength: 6 }),
      fc.nat(),
    )
    .map(([conns, page, at]) => {
      const flat = conns.flat();
      const cut = flat.length === 0 ? 0 : at % (flat.length + 1);
      return [...page.slice(0, Math.ceil(page.length / 2)), ...flat.slice(0, cut), ...page.slice(Math.ceil(page.length / 2)), ...flat.slice(cut)];
    });
}

const evidence = (opts: ArbOptions): fc.Arbitrary<Evidence> =>
  fc.record({ label: text(opts), connectionId: text(opts), eventSeqs: fc.array(fc.nat(50), { maxLength: 3 }), time, text: text(opts) }, { requiredKeys: ['label'] });

const testRun = (opts: ArbOptions): fc.Arbitrary<TestRunRecord> =>
  fc
    .record({ id: nonEmpty(opts), test: fc.constantFrom(...TEST_IDS), startedAt: time, endedAt: time, verdict: fc.constantFrom(...VERDICT_KINDS), reason: text(opts), evidence: fc.array(evidence(opts), { maxLength: 2 }), advice: nullable(text(opts)) })
    .map((r) => ({ id: r.id, test: r.test, startedAt: r.startedAt, endedAt: r.endedAt, verdict: { test: r.test, verdict: r.verdict, reason: r.reason, evidence: r.evidence, advice: r.advice } }));

const viewSample = (docIds: string[], opts: ArbOptions): fc.Arbitrary<ViewSample> => fc.record({ time, docId: fc.constantFrom(...docIds), block: fc.nat(1000), text: text(opts, 30) });

/** A session of one to three documents (a top frame and iframes), folded as the background folds it. */
export function session(k: number, opts: ArbOptions = {}): fc.Arbitrary<ExportSession> {
  return fc.integer({ min: 1, max: 3 }).chain((docs) => {
    const docIds = Array.from({ length: docs }, (_, j) => `${k}d${j}`);
    return fc
      .record({
        batches: fc.tuple(...docIds.map(() => documentRecords(opts))),
        testRuns: fc.array(testRun(opts), { maxLength: 2 }),
        view: fc.option(fc.array(viewSample(docIds, opts), { maxLength: 4 }), { nil: undefined }),
        tabId: nullable(fc.nat(1000)),
        url: text(opts).map((p) => `https://app.example.test/${p}`),
        startedAt: time,
        updatedAt: time,
        correlationIds: fc.array(text(opts), { maxLength: 2 }),
      })
      .map((s): ExportSession => {
        const tab = emptyTabState();
        s.batches.forEach((records, j) => foldRecords(tab, docIds[j]!, records));
        const snapshot: TabSnapshot = { connections: [...tab.capture.values()], signals: tab.signals, faults: tab.faults, testRuns: s.testRuns };
        if (s.view !== undefined) snapshot.view = s.view;
        return { info: { id: `s${k}`, tabId: s.tabId, browserRun: 'run-1', url: s.url, startedAt: s.startedAt, updatedAt: s.updatedAt, correlationIds: s.correlationIds }, snapshot };
      });
  });
}

/** A whole export: sessions, plus what only the trace carries (server-side cuts, pending runs, flags). */
export function traceInput(opts: ArbOptions = {}): fc.Arbitrary<TraceInput> {
  return fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc
      .record({
        sessions: fc.tuple(...Array.from({ length: n }, (_, k) => session(k, opts))),
        serverCuts: fc.array(fc.record({ id: nonEmpty(opts), session: fc.nat(n - 1), firedAt: time, detail: text(opts) }), { maxLength: 2 }),
        pending: fc.array(fc.record({ id: nonEmpty(opts), test: fc.constantFrom(...TEST_IDS), startedAt: time, reason: text(opts) }), { maxLength: 1 }),
        flags: fc.array(fc.record({ id: nonEmpty(opts), severity: fc.constantFrom(...SEVERITIES), capability: text(opts), message: text(opts), evidence: fc.array(evidence(opts), { maxLength: 2 }), learnMore: text(opts) }, { requiredKeys: ['id', 'severity', 'message', 'evidence'] }), { maxLength: 2 }),
      })
      .map(({ sessions, serverCuts, pending, flags }) => ({
        sessions,
        environment: { browser: 'Chrome 126', extensionVersion: '0.1.0', pageUrl: 'https://app.example.test/' },
        exportedAt: '2024-04-01T12:00:00.000Z',
        faults: serverCuts.map((f): TraceFault => ({ id: f.id, kind: 'server-cut', sessionId: `s${f.session}`, firedAt: f.firedAt, params: { detail: f.detail } })),
        testRuns: pending.map((r): TraceTestRun => ({ ...r, verdict: null, evidence: [] })),
        flags: flags as TraceFlag[],
      })),
  );
}
