/**
 * Trace file format v1: what "Export trace" writes and "Import trace" reads.
 *
 * One JSON document (so any JSON tool opens it), laid out by the writer with one event per
 * line so a large trace can be written and read as a stream of pieces. Connections keep the
 * model's own shapes (`ConnectionSummary`, `TraceEvent`) so an import folds straight back into
 * what the panel shows; faults, test runs and flags are defined here because the format has to
 * carry them before the code that produces them exists. `schemas/trace-v1.schema.json`
 * documents every field; keep the two in step.
 */
import { FAULT_KINDS } from '../faults/spec';
import type { Mock } from '../mock/model';
import type { ConnectionSummary, PageSignalEvent, TraceEvent } from '../trace/model';
import type { Evidence, Severity, TestId, VerdictKind } from '../analysis/types';
import type { ViewSample } from '../view/sample';
import type { ResumeWait, StreamTiming } from '../analysis/timing';

export const TRACE_FORMAT = 'durable-sessions-trace';
export const TRACE_VERSION = 1;

export interface TraceEnvironment {
  /** e.g. "Chrome 126" or "Firefox 140". */
  browser: string;
  extensionVersion: string;
  /** URL of the inspected page when the trace was exported (redacted like any URL). */
  pageUrl: string;
  userAgent?: string;
}

export interface TraceRedaction {
  applied: boolean;
  /** Rule ids in effect, e.g. "header:authorization", "query:token", "json:$.user.email". */
  rules: string[];
  /** How many values were replaced. */
  redactedCount: number;
}

/**
 * An event as stored: the model's `TraceEvent` plus, optionally, what a parser made of it.
 * `parsed` is derived data: importers may ignore it, and it is never needed to rebuild a trace.
 */
export interface TraceEventV1 extends TraceEvent {
  parsed?: ParsedFields;
}

export interface ParsedFields {
  /** The payload as JSON when it was one complete JSON value. */
  json?: unknown;
}

export interface TraceConnectionV1 {
  summary: ConnectionSummary;
  /**
   * Derived: the stream's timing (`analysis/timing.ts`) as the exporter measured it, for
   * connections that carried model output. Importers may ignore it; it is recomputed from the events.
   */
  timing?: TraceTiming;
  events: TraceEventV1[];
}

/** A connection's timing as written: `StreamTiming` without what the summary already says. */
export type TraceTiming = Omit<StreamTiming, 'connectionId' | 'startedAt'>;

/** A session as exported: `SessionInfo` without its counters (derivable) plus its connections. */
export interface TraceSessionV1 {
  id: string;
  /** Null when the trace did not come from a live tab (e.g. imported from a HAR). */
  tabId: number | null;
  browserRun: string;
  url: string;
  startedAt: number;
  updatedAt: number;
  correlationIds: string[];
  signals: PageSignalEvent[];
  /**
   * What the page showed (`TabSnapshot.view`), which verdicts take as evidence. Written when
   * the snapshot has it; absent in traces from before it existed and in foreign HARs.
   */
  view?: ViewSample[];
  /** Derived: how long the answer did not grow across each reconnect the analysis linked. */
  resumeWaits?: ResumeWait[];
  connections: TraceConnectionV1[];
}

/**
 * Fault kinds a trace can name. A superset of what the hook injects today (`faults/spec.ts`):
 * 'server-cut' is a cut made by the server side (e.g. by a test proxy), so traces recorded by
 * later tools stay readable by this version.
 */
export const TRACE_FAULT_KINDS = [...FAULT_KINDS, 'server-cut'] as const;
export type TraceFaultKind = (typeof TRACE_FAULT_KINDS)[number];

export type FaultParams = Record<string, string | number | boolean>;

/** A fault that fired. Connection faults also appear in their connection's `summary.faults`. */
export interface TraceFault {
  id: string;
  kind: TraceFaultKind;
  /** The session (page load) it fired in, when known. */
  sessionId?: string;
  /** The connection the fault was applied to; absent for page-wide faults (offline). */
  connectionId?: string;
  firedAt: number;
  /** How it was configured and what it did; `detail` is the human-readable outcome. */
  params: FaultParams;
}

/** What a verdict or flag points at: a connection, some of its events, a moment, a quote. */
export type { Evidence };

/** The format names tests and verdicts as the analysis does (`TEST_IDS`, `VERDICT_KINDS`). */
export type TestName = TestId;
export type Verdict = VerdictKind;

/** A run of one of the three validation tests (`TestRunRecord` + its `Verdict`, flattened). */
export interface TraceTestRun {
  id: string;
  test: TestName;
  /** The session the test ran against, when known. */
  sessionId?: string;
  startedAt: number;
  endedAt?: number;
  /** Null while the run has not concluded. */
  verdict: Verdict | null;
  reason: string;
  evidence: Evidence[];
  /** What to change in the app, when it failed. */
  advice?: string | null;
}

export type FlagSeverity = Severity;

/** A passive finding (`analysis/types.ts` `Flag` fits as is). */
export interface TraceFlag {
  /** The kind of finding, e.g. "sse-without-ids". */
  id: string;
  severity: FlagSeverity;
  /** The capability the finding says is missing. */
  capability?: string;
  message: string;
  evidence: Evidence[];
  /** Anchor of the explanation in the docs. */
  learnMore?: string;
}

export interface TraceFileV1 {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  environment: TraceEnvironment;
  redaction: TraceRedaction;
  sessions: TraceSessionV1[];
  faults: TraceFault[];
  testRuns: TraceTestRun[];
  flags: TraceFlag[];
  /** Mocks made in the panel (src/core/mock/), which an import offers again; absent in older traces. */
  mocks?: Mock[];
}

/**
 * Bounds applied to every imported file. A trace is untrusted input (it may come from anyone),
 * so nothing about its size or shape is taken on faith; the defaults fit a long capture
 * session with room to spare and stay far below what would freeze the panel.
 */
export interface ImportLimits {
  /** Total input size in bytes (UTF-8). */
  maxBytes: number;
  /** Nesting depth of JSON containers. The format itself needs 8; `parsed.json` gets the rest. */
  maxDepth: number;
  /** Length of any one string, in UTF-16 code units (event payloads are the long ones). */
  maxStringLength: number;
  /** Length of an object key. */
  maxKeyLength: number;
  /** Number of JSON values in the whole document (bounds memory and time together). */
  maxValues: number;
  /** Events over all connections. */
  maxEvents: number;
  maxConnections: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxDepth: 64,
  maxStringLength: 16 * 1024 * 1024,
  maxKeyLength: 256,
  maxValues: 40_000_000,
  maxEvents: 2_000_000,
  maxConnections: 50_000,
};

export type ImportErrorKind = 'syntax' | 'limit' | 'invalid' | 'format' | 'version' | 'io';

/** Where in the input a problem is. `path` is a JSON path (`sessions[0].connections[3]...`). */
export interface ImportError {
  kind: ImportErrorKind;
  /** Complete human-readable sentence, position included. */
  message: string;
  path?: string;
  /** Byte offset (UTF-8) from the start of the input, 0-based. */
  offset?: number;
  /** 1-based line and column (column counts UTF-16 code units). */
  line?: number;
  column?: number;
}

export type ImportResult<T = TraceFileV1> = { ok: true; trace: T; warnings: string[] } | { ok: false; error: ImportError };
