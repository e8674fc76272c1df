/** Trace export and import: the format, its streaming writer and reader, validation, HAR and redaction. */
export * from './trace-format';
export { exportTrace, importTrace, prepareTrace, traceFileName, type ExportOptions, type PreparedExport, type TraceExport, type ImportedKind } from './trace-export';
export { traceFromSessions, sessionsFromTrace, faultOfFired, testRunOfRecord, recordOfTestRun, type TraceInput, type ExportSession, type SessionMeta } from './trace-model';
export { traceChunks, traceLines, traceReadableStream, type WriteOptions } from './trace-writer';
export { readTrace, readTraceSync, parseJsonSource, parseJsonSourceSync, type TraceSource, type Piece } from './trace-reader';
export { validateTrace, isValidBase64, FIELD_LIMITS } from './trace-validate';
export { MAX_VIEW_SAMPLES, boundedView, clipViewText } from './trace-view';
export { BoundedJsonParser, ImportFailure, FORBIDDEN_KEYS, formatPath } from './json-stream';
export { redactTrace, redactText, redactUrl, compileRedaction, isSecretHeader, REDACTED, type RedactionConfig, type RedactionReport, type RedactionHit, type RedactionLocation } from './redact';
export { compileJsonPath, replaceAtPath } from './json-path';
export { exportHar, harFromTrace, harEntryOf, harChunks, queryStringOf } from './har-export';
export { harToTrace, type HarImportOptions } from './har-import';
export { splitSseBlocks, parseSseBlock } from './sse-split';
export type * from './har-types';
