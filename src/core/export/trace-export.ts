/**
 * The export and import entry points the panel calls:
 *   exportTrace(input)  → redacted trace + report + a stream of pieces to save;
 *   importTrace(source) → a validated trace (our format or a HAR), or an error with position.
 */
import { FORBIDDEN_KEYS } from './json-stream';
import { redactTrace, type RedactionConfig, type RedactionReport } from './redact';
import type { ImportLimits, ImportResult, TraceFileV1 } from './trace-format';
import { traceFromSessions, type TraceInput } from './trace-model';
import { parseJsonSource, type TraceSource } from './trace-reader';
import { toImportError, validateTrace } from './trace-validate';
import { traceChunks, type WriteOptions } from './trace-writer';
import { harToTrace } from './har-import';

export interface ExportOptions {
  /** Redaction is on unless this is explicitly false (the user opted out for this export). */
  redact?: boolean;
  redaction?: RedactionConfig;
  /** Add `parsed.json` to events whose payload is one JSON value (bigger file, easier to read). */
  includeParsed?: boolean;
}

export interface PreparedExport {
  trace: TraceFileV1;
  report: RedactionReport;
}

function hasForbiddenKey(v: unknown, depth = 0): boolean {
  if (depth > 32) return true;
  if (Array.isArray(v)) return v.some((x) => hasForbiddenKey(x, depth + 1));
  if (typeof v === 'object' && v !== null) return Object.keys(v).some((k) => FORBIDDEN_KEYS.has(k) || hasForbiddenKey((v as Record<string, unknown>)[k], depth + 1));
  return false;
}

function withParsed(trace: TraceFileV1): TraceFileV1 {
  return {
    ...trace,
    sessions: trace.sessions.map((s) => ({
      ...s,
      connections: s.connections.map((c) => ({
        ...c,
        events: c.events.map((e) => {
          const t = e.text?.trim();
          if (!t || (t[0] !== '{' && t[0] !== '[')) return e;
          try {
            const json = JSON.parse(t) as unknown;
            // Importers refuse prototype keys anywhere; too-deep or hostile payloads stay text only.
            return hasForbiddenKey(json) ? e : { ...e, parsed: { json } };
          } catch {
            return e;
          }
        }),
      })),
    })),
  };
}

/** Builds the trace that will be written: redacted unless opted out, optionally with parsed fields. */
export function prepareTrace(input: TraceInput, options: ExportOptions = {}): PreparedExport {
  let trace = traceFromSessions(input);
  let report: RedactionReport = { rules: [], count: 0, where: [] };
  if (options.redact !== false) ({ trace, report } = redactTrace(trace, options.redaction));
  if (options.includeParsed) trace = withParsed(trace);
  return { trace, report };
}

export interface TraceExport extends PreparedExport {
  /** The file as pieces; call again for a second copy. */
  chunks(options?: WriteOptions): Generator<string>;
  fileName: string;
}

export function traceFileName(trace: TraceFileV1): string {
  const stamp = trace.exportedAt.replace(/[:.]/g, '-').replace(/Z$/, '');
  return `durable-sessions-${stamp}.dstrace.json`;
}

export function exportTrace(input: TraceInput, options: ExportOptions = {}): TraceExport {
  const prepared = prepareTrace(input, options);
  return { ...prepared, chunks: (o?: WriteOptions) => traceChunks(prepared.trace, o), fileName: traceFileName(prepared.trace) };
}

export type ImportedKind = 'trace' | 'har';

/**
 * Imports a file of either kind, told apart by content (a HAR has a top-level `log`), through
 * the same bounded parser and the same validation. Never throws.
 */
export async function importTrace(source: TraceSource, limits: Partial<ImportLimits> = {}): Promise<ImportResult & { source?: ImportedKind }> {
  try {
    const value = await parseJsonSource(source, limits);
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'log') && !Object.hasOwn(value, 'format')) {
      const r = harToTrace(value, { limits });
      return r.ok ? { ...r, source: 'har' } : r;
    }
    const r = validateTrace(value, limits);
    return r.ok ? { ...r, source: 'trace' } : r;
  } catch (e) {
    return toImportError(e);
  }
}
