/** Findings: flags, verdicts and the summary, all computed from captures by pure functions. */
export * from './types';
export { analyzeConnection, analyzeWithView, answerText, readWithField, type AnalyzedConnection } from './connection';
export { passiveFlags, IDLE_LIMIT_MS } from './flags';
export { findResumes, type ResumeObservation } from './resume';
export { cancelSignals, type CancelSignal } from './cancel';
export { reconnectResumeVerdict, multiSurfaceVerdict, secondTabCancelVerdict, type ReconnectResumeRun, type MultiSurfaceRun, type SecondTabCancelRun } from './verdicts';
export { trapSummary, type TrapSummary } from './summary';
export { joinLongPolls } from './long-poll';
