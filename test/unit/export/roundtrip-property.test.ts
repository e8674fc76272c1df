import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportHar, harChunks } from '../../../src/core/export/har-export';
import { exportTrace, importTrace } from '../../../src/core/export/trace-export';
import { sessionsFromTrace, type TraceInput } from '../../../src/core/export/trace-model';
import { FAULT_KINDS } from '../../../src/core/faults/spec';
import type { ConnectionSummary } from '../../../src/core/trace/model';
import { END_CAUSES, PAGE_SIGNALS } from '../../../src/core/trace/records';
import { traceInput } from './arb';

/** What came back, as the model holds it, against what went in. */
function expectSameSessions(back: ReturnType<typeof sessionsFromTrace>, input: TraceInput): void {
  expect(back.map((s) => s.snapshot)).toEqual(input.sessions.map((s) => s.snapshot));
  // toEqual passes a missing key for `undefined`: say exactly which snapshots have a view.
  expect(back.map((s) => 'view' in s.snapshot)).toEqual(input.sessions.map((s) => s.snapshot.view !== undefined));
  back.forEach((s, k) => {
    const { info, snapshot } = input.sessions[k]!;
    expect(s.info).toEqual({
      ...info,
      tabId: info.tabId ?? -1,
      connections: snapshot.connections.length,
      events: snapshot.connections.reduce((a, c) => a + c.events.length, 0),
      bytes: snapshot.connections.reduce((a, c) => a + c.summary.bytesIn + c.summary.bytesOut, 0),
      signals: snapshot.signals,
      faults: snapshot.faults,
      testRuns: snapshot.testRuns,
    });
  });
}

/** Which values the generated sessions reached, to show the property covered all of them. */
function coverage() {
  const seen = { signals: new Set<string>(), faults: new Set<string>(), ends: new Set<string>(), records: new Set<string>() };
  return {
    seen,
    add(input: TraceInput) {
      for (const { snapshot } of input.sessions) {
        for (const s of snapshot.signals) {
          seen.signals.add(s.signal);
          seen.records.add('page');
        }
        for (const f of snapshot.faults) {
          seen.faults.add(f.kind);
          seen.records.add('fault');
        }
        for (const c of snapshot.connections) {
          seen.records.add('open');
          if (c.summary.status !== null) seen.records.add('response');
          if (c.events.length > 0) seen.records.add('data');
          if (c.summary.reconnectMarks.length > 0) seen.records.add('state');
          if (c.summary.end !== null) {
            seen.ends.add(c.summary.end);
            seen.records.add('end');
          }
        }
      }
    },
    check() {
      expect([...seen.signals].sort()).toEqual([...PAGE_SIGNALS].sort());
      expect([...seen.faults].sort()).toEqual([...FAULT_KINDS].sort());
      expect([...seen.ends].sort()).toEqual([...END_CAUSES].sort());
      expect([...seen.records].sort()).toEqual(['data', 'end', 'fault', 'open', 'page', 'response', 'state']);
    },
  };
}

/** The sessions as the model holds them, and what it cannot hold kept in the trace: server-side cuts, runs still going, flags. */
function expectSameTrace(trace: Parameters<typeof sessionsFromTrace>[0], input: Parameters<typeof exportTrace>[0]): void {
  expectSameSessions(sessionsFromTrace(trace), input);
  expect(trace.faults.filter((f) => f.kind === 'server-cut')).toEqual(input.faults);
  expect(trace.testRuns.filter((t) => t.verdict === null)).toEqual(input.testRuns);
  expect(trace.flags).toEqual(input.flags);
}

describe('export → import of arbitrary sessions (fast-check)', () => {
  it('a trace gives back every session, connection, event, signal, fault, test run, flag and view', async () => {
    const cov = coverage();
    await fc.assert(
      fc.asyncProperty(traceInput(), fc.integer({ min: 1, max: 2000 }), async (input, pieceSize) => {
        cov.add(input);
        const ex = exportTrace(input, { redact: false });
        const r = await importTrace([...ex.chunks({ pieceSize })]);
        if (!r.ok) throw new Error(r.error.message);
        expect(r.trace).toEqual(ex.trace);
        expect(r.warnings).toEqual([]);
        expectSameTrace(r.trace, input);
      }),
      { numRuns: 100 },
    );
    cov.check();
  }, 60_000);

  it('a HAR gives back what HAR carries exactly: all of it, for payloads a HAR can hold', async () => {
    const cov = coverage();
    await fc.assert(
      fc.asyncProperty(traceInput({ harSafe: true }), async (input) => {
        cov.add(input);
        const r = await importTrace([...harChunks(exportHar(input, { redact: false }).har)]);
        if (!r.ok) throw new Error(r.error.message);
        expect(r.source).toBe('har');
        expectSameTrace(r.trace, input);
      }),
      { numRuns: 100 },
    );
    cov.check();
  }, 60_000);

  it('a HAR of any session imports, keeping sessions, signals, faults, test runs, views and what each connection is', async () => {
    await fc.assert(
      fc.asyncProperty(traceInput(), async (input) => {
        const r = await importTrace([...harChunks(exportHar(input, { redact: false }).har)]);
        if (!r.ok) throw new Error(r.error.message);
        const back = sessionsFromTrace(r.trace);
        expect(back.map((s) => s.info.id)).toEqual(input.sessions.map((s) => s.info.id));
        back.forEach((s, k) => {
          const { snapshot } = input.sessions[k]!;
          expect(s.snapshot.signals).toEqual(snapshot.signals);
          expect(s.snapshot.faults).toEqual(snapshot.faults);
          expect(s.snapshot.testRuns).toEqual(snapshot.testRuns);
          expect(s.snapshot.view).toEqual(snapshot.view);
          // The body is HAR's to reshape (sent chunks, EventSource fields); the connection is not.
          const withoutBody = ({ events: _e, bytesIn: _i, bytesOut: _o, ...rest }: ConnectionSummary) => rest;
          expect(s.snapshot.connections.map((c) => withoutBody(c.summary))).toEqual(snapshot.connections.map((c) => withoutBody(c.summary)));
        });
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
