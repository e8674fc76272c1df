/**
 * Between the live model and the file format: sessions with their tab snapshots become a
 * `TraceFileV1` (export), and a trace becomes sessions with snapshots again (import). Kept
 * separate from the writer so the same trace object feeds the JSON writer and the HAR export.
 */
import type { Mock } from '../mock/model';
import type { ConnectionSummary, FiredFault, TabSnapshot, TraceEvent } from '../trace/model';
import type { Header } from '../trace/records';
import type { SessionInfo, TestRunRecord } from '../trace/session';
import { FAULT_KINDS } from '../faults/spec';
import {
  TRACE_FORMAT,
  TRACE_VERSION,
  type TraceEnvironment,
  type TraceEventV1,
  type TraceFault,
  type TraceFileV1,
  type TraceFlag,
  type TraceSessionV1,
  type TraceTestRun,
} from './trace-format';
import { boundedView } from './trace-view';
import { analyzeConnection, isAnalyzed } from '../analysis/connection';
import { findResumes } from '../analysis/resume';
import { resumeWaits, streamTiming } from '../analysis/timing';
import type { TraceConnectionV1 } from './trace-format';

/** What a session needs to be exported: `SessionInfo` fits; `tabId` may be unknown. */
export type SessionMeta = Pick<SessionInfo, 'id' | 'browserRun' | 'url' | 'startedAt' | 'updatedAt' | 'correlationIds'> & { tabId: number | null };

export interface ExportSession {
  info: SessionMeta;
  snapshot: TabSnapshot;
}

export interface TraceInput {
  sessions: ExportSession[];
  environment: TraceEnvironment;
  exportedAt?: Date | string;
  /** Faults beyond those in the snapshots (e.g. a server-side cut a test proxy made). */
  faults?: TraceFault[];
  /** Test runs beyond the snapshots' (e.g. one still running, without a verdict). */
  testRuns?: TraceTestRun[];
  flags?: TraceFlag[];
  /** Mocks to carry with the trace (the panel's Mocks drawer). */
  mocks?: Mock[];
  /** Write each AI stream's timing and the waits across reconnects (default true). */
  timing?: boolean;
}

export function testRunOfRecord(r: TestRunRecord, sessionId: string): TraceTestRun {
  const v = r.verdict;
  return { id: r.id, test: r.test, sessionId, startedAt: r.startedAt, endedAt: r.endedAt, verdict: v.verdict, reason: v.reason, evidence: v.evidence, advice: v.advice };
}

/** Back to the model's record; null for a run without a verdict (the model has no such run). */
export function recordOfTestRun(r: TraceTestRun): TestRunRecord | null {
  if (r.verdict === null) return null;
  return {
    id: r.id,
    test: r.test,
    startedAt: r.startedAt,
    endedAt: r.endedAt ?? r.startedAt,
    verdict: { test: r.test, verdict: r.verdict, reason: r.reason, evidence: r.evidence, advice: r.advice ?? null },
  };
}

export function faultOfFired(f: FiredFault, sessionId: string): TraceFault {
  const t: TraceFault = { id: f.id, kind: f.kind, sessionId, firedAt: f.time, params: {} };
  if (f.connectionId !== null) t.connectionId = f.connectionId;
  if (f.detail !== null) t.params.detail = f.detail;
  return t;
}

const copyEvent = (e: TraceEvent): TraceEventV1 => ({ seq: e.seq, time: e.time, dir: e.dir, text: e.text, base64: e.base64, size: e.size, event: e.event, id: e.id, ...(e.mark ? { mark: e.mark } : {}) });

/** Builds an unredacted trace. Events are copied (small objects); payload strings are shared. */
export function traceFromSessions(input: TraceInput): TraceFileV1 {
  const exportedAt = input.exportedAt === undefined ? new Date().toISOString() : typeof input.exportedAt === 'string' ? input.exportedAt : input.exportedAt.toISOString();
  const faults: TraceFault[] = [];
  const testRuns: TraceTestRun[] = [];
  const sessions: TraceSessionV1[] = input.sessions.map(({ info, snapshot }) => {
    for (const f of snapshot.faults ?? []) faults.push(faultOfFired(f, info.id));
    for (const r of snapshot.testRuns ?? []) testRuns.push(testRunOfRecord(r, info.id));
    return {
      id: info.id,
      tabId: info.tabId,
      browserRun: info.browserRun,
      url: info.url,
      startedAt: info.startedAt,
      updatedAt: info.updatedAt,
      correlationIds: [...info.correlationIds],
      signals: snapshot.signals.map((s) => ({ ...s })),
      ...(snapshot.view !== undefined ? { view: boundedView(snapshot.view) } : {}),
      ...(input.timing === false ? { connections: snapshot.connections.map((c) => ({ summary: cloneSummary(c.summary), events: c.events.map(copyEvent) })) } : withTiming(snapshot)),
    };
  });
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAt,
    environment: { ...input.environment },
    redaction: { applied: false, rules: [], redactedCount: 0 },
    sessions,
    faults: [...faults, ...(input.faults ?? [])],
    testRuns: [...testRuns, ...(input.testRuns ?? [])],
    flags: input.flags ?? [],
    ...(input.mocks && input.mocks.length > 0 ? { mocks: input.mocks } : {}),
  };
}

/** Events of a long stream read to tell whether it carries model output at all. */
const HEAD_EVENTS = 256;

function headCarriesContent(c: TabSnapshot['connections'][number]): boolean {
  if (c.events.length <= HEAD_EVENTS || isAnalyzed(c)) return true;
  return analyzeConnection({ summary: c.summary, events: c.events.slice(0, HEAD_EVENTS) }).isAiStream;
}

/**
 * Connections with the timing of those that carried model output, and the session's waits
 * across reconnects: the figures a reader of the file looks for beside each summary.
 */
function withTiming(snapshot: TabSnapshot): Pick<TraceSessionV1, 'connections' | 'resumeWaits'> {
  // Only streams carry model output (isAiStream), and only they can be resumed: the rest are
  // not read at all. analyzeConnection is memoized, so the panel's export (whose findings have
  // read every connection) reuses its analysis; a long stream nobody read yet is read whole
  // only when its head carries model output (reading 100,000 frames costs seconds).
  const streams = snapshot.connections.filter((c) => c.summary.streaming && headCarriesContent(c));
  const analyzed = new Map(streams.map((c) => [c, analyzeConnection(c)]));
  const connections = snapshot.connections.map((c): TraceConnectionV1 => {
    const a = analyzed.get(c);
    const copy: TraceConnectionV1 = { summary: cloneSummary(c.summary), events: c.events.map(copyEvent) };
    if (!a?.isAiStream) return copy;
    const { connectionId: _id, startedAt: _at, ...timing } = streamTiming(a);
    return { summary: copy.summary, timing, events: copy.events };
  });
  const all = [...analyzed.values()];
  const waits = resumeWaits(all, findResumes(all));
  return waits.length > 0 ? { connections, resumeWaits: waits } : { connections };
}

/** The live summary keeps changing while the panel runs; the export must be a snapshot. */
function cloneSummary(s: ConnectionSummary): ConnectionSummary {
  return {
    ...s,
    requestHeaders: s.requestHeaders.map(([n, v]): Header => [n, v]),
    responseHeaders: s.responseHeaders.map(([n, v]): Header => [n, v]),
    faults: s.faults.map((f) => ({ ...f })),
    reconnectMarks: s.reconnectMarks.map((m) => ({ ...m })),
    joinedLate: s.joinedLate ? { ...s.joinedLate } : null,
    ...(s.deep ? { deep: { ...s.deep } } : {}),
    ...(s.controls ? { controls: s.controls.map((n) => ({ ...n })) } : {}),
  };
}

const isSpecKind = (k: string): k is FiredFault['kind'] => (FAULT_KINDS as readonly string[]).includes(k);

/**
 * A trace as the model holds it: one `SessionInfo` (counters recomputed) and one
 * `TabSnapshot` per session. Faults the model cannot hold ('server-cut') stay in the trace.
 */
export function sessionsFromTrace(trace: TraceFileV1): { info: SessionInfo; snapshot: TabSnapshot }[] {
  return trace.sessions.map((s) => {
    const ids = new Set(s.connections.map((c) => c.summary.id));
    const faults: FiredFault[] = trace.faults
      .filter((f) => (f.sessionId !== undefined ? f.sessionId === s.id : f.connectionId !== undefined && ids.has(f.connectionId)))
      .filter((f): f is TraceFault & { kind: FiredFault['kind'] } => isSpecKind(f.kind))
      .map((f) => ({ id: f.id, kind: f.kind, time: f.firedAt, connectionId: f.connectionId ?? null, detail: typeof f.params.detail === 'string' ? f.params.detail : null }));
    const testRuns = trace.testRuns
      .filter((r) => r.sessionId === s.id)
      .map(recordOfTestRun)
      .filter((r): r is TestRunRecord => r !== null);
    const connections = s.connections.map((c) => ({
      summary: c.summary,
      events: c.events.map(copyEvent),
    }));
    let events = 0;
    let bytes = 0;
    for (const c of connections) {
      events += c.events.length;
      bytes += c.summary.bytesIn + c.summary.bytesOut;
    }
    const info: SessionInfo = {
      id: s.id,
      tabId: s.tabId ?? -1,
      browserRun: s.browserRun,
      url: s.url,
      startedAt: s.startedAt,
      updatedAt: s.updatedAt,
      connections: connections.length,
      events,
      bytes,
      correlationIds: s.correlationIds,
      signals: s.signals,
      faults,
      testRuns,
    };
    // An older trace has no view and its snapshot gets none, so a re-export writes what was read.
    return { info, snapshot: { connections, signals: s.signals, faults, testRuns, ...(s.view !== undefined ? { view: s.view } : {}) } };
  });
}
