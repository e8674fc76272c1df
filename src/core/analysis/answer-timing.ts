/**
 * The timing of "the answer" of a capture, as a report states it per test: the AI stream the
 * verdict's evidence names first (else the one that delivered the most content), its figures,
 * and the waits across every reconnect the analysis linked to it.
 */
import type { AnalyzedConnection } from './connection';
import { findResumes } from './resume';
import { resumeWaits, streamTiming, type GapStats, type ResumeWait, type Stall, type StreamTiming, type TimingOptions } from './timing';
import type { Evidence } from './types';

export interface AnswerTiming extends Pick<StreamTiming, 'connectionId' | 'firstByteMs' | 'firstTokenMs' | 'totalMs' | 'tokens' | 'tokensPerSecond' | 'stallMs'> {
  url: string;
  gaps: Omit<GapStats, 'histogram'>;
  stalls: Stall[];
  /** Reconnects this answer went through: how long the user saw no new text. */
  resumeWaits: ResumeWait[];
}

function contentChars(a: AnalyzedConnection): number {
  return a.output.messages.reduce((n, m) => n + m.text.length, 0);
}

/** Null when the capture holds no AI stream. */
export function answerTiming(conns: readonly AnalyzedConnection[], evidence: readonly Evidence[] = [], options: TimingOptions = {}): AnswerTiming | null {
  const ai = conns.filter((c) => c.isAiStream);
  if (ai.length === 0) return null;
  const named = evidence.map((e) => e.connectionId).find((id) => id !== undefined && ai.some((c) => c.conn.summary.id === id));
  const answer = ai.find((c) => c.conn.summary.id === named) ?? ai.reduce((best, c) => (contentChars(c) > contentChars(best) ? c : best));
  const t = streamTiming(answer, options);
  const id = answer.conn.summary.id;
  // Follow the answer through its reconnects: the stream it resumed on, and the one after that.
  const waits: ResumeWait[] = [];
  const linked = new Set([id]);
  for (const w of resumeWaits(conns, findResumes([...conns]))) {
    if (!linked.has(w.beforeConnectionId) && !linked.has(w.afterConnectionId)) continue;
    linked.add(w.beforeConnectionId).add(w.afterConnectionId);
    waits.push(w);
  }
  const { histogram: _h, ...gaps } = t.gaps;
  return {
    connectionId: id,
    url: answer.conn.summary.url,
    firstByteMs: t.firstByteMs,
    firstTokenMs: t.firstTokenMs,
    totalMs: t.totalMs,
    tokens: t.tokens,
    tokensPerSecond: t.tokensPerSecond,
    gaps,
    stallMs: t.stallMs,
    stalls: t.stalls,
    resumeWaits: waits,
  };
}
