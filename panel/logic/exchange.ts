/**
 * Export and import, the panel's side: what it hands to the core's `exportTrace` / `exportHar`,
 * the redaction list the dialog shows, and an import that never blocks the panel — the file is
 * fed to the core's parser in bounded pieces with a pause between them, so a 100 MB file keeps
 * the panel responsive and a hostile one only ever produces an error message.
 */
import { exportHar, exportTrace, harChunks, importTrace, sessionsFromTrace, type ExportSession, type RedactionReport, type TraceEnvironment, type TraceFlag } from '../../src/core/export';
import type { ImportError } from '../../src/core/export/trace-format';
import type { Mock } from '../../src/core/mock/model';
import type { SessionInfo } from '../../src/core/trace/session';
import { snapshotOf } from '../../src/core/trace/model';
import { tabDataOf, type ImportedSession, type TabData } from '../source';

export type ExportFormat = 'trace' | 'har';

export interface ExportRequest {
  format: ExportFormat;
  redact: boolean;
  sessions: { info: SessionMeta; data: TabData }[];
  environment: TraceEnvironment;
  flags: TraceFlag[];
  /** The Mocks drawer's mocks, carried by a trace export (a HAR has no place for them). */
  mocks?: Mock[];
}

export type SessionMeta = ExportSession['info'];

export interface ExportFile {
  fileName: string;
  mime: string;
  report: RedactionReport;
  chunks(): Iterable<string>;
}

function exportSessions(req: ExportRequest): ExportSession[] {
  // With what the page showed, so an imported trace reads answers (and verdicts) as the panel did.
  return req.sessions.map(({ info, data }) => ({ info, snapshot: { ...snapshotOf(data.capture, data.signals, data.faults, data.testRuns), ...(data.view.length > 0 ? { view: data.view } : {}) } }));
}

export function buildExport(req: ExportRequest): ExportFile {
  const input = { sessions: exportSessions(req), environment: req.environment, flags: req.flags };
  const trace = exportTrace({ ...input, mocks: req.mocks }, { redact: req.redact });
  if (req.format === 'trace') return { fileName: trace.fileName, mime: 'application/json', report: trace.report, chunks: () => trace.chunks() };
  const { har, report } = exportHar(input, { redact: req.redact });
  return { fileName: trace.fileName.replace(/\.dstrace\.json$/, '.har'), mime: 'application/json', report, chunks: () => harChunks(har) };
}

/** A session's metadata for export when the background's list does not (yet) have it. */
export function fallbackMeta(id: string | null, tabId: number | null, url: string, data: TabData): SessionMeta {
  let t0 = Infinity;
  let t1 = 0;
  for (const c of data.capture.values()) {
    t0 = Math.min(t0, c.summary.startedAt);
    t1 = Math.max(t1, c.summary.endedAt ?? c.events.at(-1)?.time ?? c.summary.startedAt);
  }
  const now = Date.now();
  return { id: id ?? 'live', tabId, browserRun: 'unknown', url, startedAt: Number.isFinite(t0) ? t0 : now, updatedAt: t1 || now, correlationIds: [] };
}

export function metaOf(s: SessionInfo): SessionMeta {
  return { id: s.id, tabId: s.tabId, browserRun: s.browserRun, url: s.url, startedAt: s.startedAt, updatedAt: s.updatedAt, correlationIds: s.correlationIds };
}

const LOCATIONS: Record<string, string> = {
  'request-header': 'request header',
  'response-header': 'response header',
  url: 'URL parameter',
  body: 'request body',
  event: 'event payload',
  evidence: 'finding evidence',
};

/** "authorization (request header) × 2", grouped over connections, most frequent first. */
export function redactionLines(report: RedactionReport): string[] {
  const groups = new Map<string, number>();
  for (const h of report.where) {
    const key = `${h.name} (${LOCATIONS[h.location] ?? h.location})`;
    groups.set(key, (groups.get(key) ?? 0) + h.count);
  }
  return [...groups.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => (n > 1 ? `${k} × ${n}` : k));
}

export const IMPORT_PIECE_BYTES = 256 * 1024;

/** Pauses between pieces: a macrotask, so the panel paints and handles input meanwhile. */
export const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Re-cuts a byte stream into pieces of at most `pieceBytes`, pausing between them and telling
 * `onProgress` how far it got. Pieces are views of the chunks read, not copies.
 */
export async function* yieldingPieces(stream: ReadableStream<Uint8Array>, onProgress: (bytes: number) => void = () => {}, pieceBytes = IMPORT_PIECE_BYTES, pause = nextTask): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      for (let i = 0; i < r.value.length; i += pieceBytes) {
        const piece = r.value.subarray(i, i + pieceBytes);
        yield piece;
        done += piece.length;
        onProgress(done);
        await pause();
      }
    }
  } finally {
    reader.releaseLock();
  }
}

export type ImportOutcome = { ok: true; sessions: ImportedSession[]; warnings: string[]; kind: 'trace' | 'har'; mocks: Mock[] } | { ok: false; error: ImportError };

/** Reads a trace or HAR into sessions the panel can show; never throws. */
export async function importFile(stream: ReadableStream<Uint8Array>, onProgress?: (bytes: number) => void): Promise<ImportOutcome> {
  const r = await importTrace(yieldingPieces(stream, onProgress));
  if (!r.ok) return { ok: false, error: r.error };
  try {
    const sessions = sessionsFromTrace(r.trace).map(({ info, snapshot }) => ({ info, data: tabDataOf(snapshot) }));
    if (sessions.length === 0) return { ok: false, error: { kind: 'invalid', message: 'The file holds no sessions to show.' } };
    return { ok: true, sessions, warnings: r.warnings, kind: r.source ?? 'trace', mocks: r.trace.mocks ?? [] };
  } catch {
    return { ok: false, error: { kind: 'invalid', message: 'Could not import the trace: its sessions could not be rebuilt.' } };
  }
}

/** The error as the panel shows it: the core's sentence, plus line and column when it has them. */
export function importErrorText(e: ImportError): string {
  const at = e.line !== undefined && !e.message.includes(`line ${e.line}`) ? ` (line ${e.line}, column ${e.column ?? 1})` : '';
  const path = e.path && !e.message.includes(e.path) ? ` at ${e.path}` : '';
  return `${e.message}${path}${at}`;
}
