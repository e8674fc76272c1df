/** Findings: flags, verdicts and the summary, all computed from captures by pure functions. */
export * from './types';
export { analyzeConnection, analyzeWithView, answerText, readWithField, type AnalyzedConnection } from './connection';
export { passiveFlags, IDLE_LIMIT_MS } from './flags';
export { findResumes, type ResumeObservation } from './resume';
export { cancelSignals, type CancelSignal } from './cancel';
export { reconnectResumeVerdict, multiSurfaceVerdict, secondTabCancelVerdict, type ReconnectResumeRun, type MultiSurfaceRun, type SecondTabCancelRun } from './verdicts';
export { trapSummary, type TrapSummary } from './summary';
export { streamTiming, timingFold, resumeWaits, gapStats, DEFAULT_STALL_MS, TOKEN_SOURCES, CHARS_PER_TOKEN, GAP_BUCKET_BOUNDS, type StreamTiming, type TimingFold, type MessageTiming, type GapStats, type HistogramBucket, type Stall, type TokenCount, type TokenSource, type TimingOptions, type ResumeWait } from './timing';
export { answerTiming, type AnswerTiming } from './answer-timing';
export { joinLongPolls, longPollPath } from './long-poll';
export { engineIoPoll, enginePayload, enginePollPath, isEnginePollSession, joinEnginePolls } from './engineio-poll';
