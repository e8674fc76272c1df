/**
 * Verdict rules of the three validation tests (../shared/durable-sessions.md). Each takes what
 * was observed during a test run — the captures of the tabs involved and the moments the
 * runner acted — and returns PASS only when the evidence shows it; otherwise FAIL with the
 * events that prove it, or INCONCLUSIVE when the run could not show either.
 */
import type { AnalyzedConnection } from './connection';
import { answerText } from './connection';
import { cancelSignals } from './cancel';
import { findResumes } from './resume';
import type { Evidence, Verdict } from './types';

const GRACE_MS = 1500;

function aiStreams(conns: AnalyzedConnection[]): AnalyzedConnection[] {
  return conns.filter((c) => c.isAiStream);
}

function ev(c: AnalyzedConnection, label: string, extra: Partial<Evidence> = {}): Evidence {
  return { label, connectionId: c.conn.summary.id, time: c.conn.summary.startedAt, ...extra };
}

/** Times at which a connection delivered model text (events carrying text deltas). */
function textTimes(c: AnalyzedConnection): number[] {
  const frames = new Set(c.recognition.events.filter((e) => e.type === 'text-delta' && e.text !== '').map((e) => e.frame));
  return [...frames].map((i) => c.recognition.frames[i]?.time ?? 0).sort((a, b) => a - b);
}

function finished(c: AnalyzedConnection): boolean {
  return c.output.messages.some((m) => m.finished);
}

// ── reconnect-resume ────────────────────────────────────────────────────────────────────
export interface ReconnectResumeRun {
  /** Tab A's connections at the end of the run. */
  conns: AnalyzedConnection[];
  /** When the drop fired, and on which connection(s); null when there was nothing to drop. */
  droppedAt: number | null;
  droppedConnectionIds: string[];
  /** How long the app was given to reconnect and complete. */
  timeoutMs: number;
}

export function reconnectResumeVerdict(run: ReconnectResumeRun): Verdict {
  const base = { test: 'reconnect-resume' as const };
  const dropped = run.conns.filter((c) => run.droppedConnectionIds.includes(c.conn.summary.id));
  if (run.droppedAt === null || dropped.length === 0) {
    return { ...base, verdict: 'inconclusive', reason: 'No generation was streaming, so there was nothing to drop. Start a generation in the page, then run the test.', evidence: [], advice: null };
  }
  const victim = dropped.find((c) => c.isAiStream) ?? dropped[0]!;
  if (textTimes(victim).length < 2) {
    return { ...base, verdict: 'inconclusive', reason: 'The stream had delivered too little output when it was cut to tell a resume from a restart. Use a longer answer or drop later.', evidence: [ev(victim, 'dropped stream')], advice: null };
  }
  const dropEvidence: Evidence = { ...ev(victim, `dropped after ${victim.conn.events.length} events`), time: run.droppedAt };
  const resumes = findResumes(run.conns).filter((r) => dropped.some((d) => d.conn.summary.id === r.before.connectionId) && r.after.openedAt <= run.droppedAt! + run.timeoutMs);
  if (resumes.length === 0) {
    return {
      ...base,
      verdict: 'fail',
      reason: `The app did not reconnect within ${Math.round(run.timeoutMs / 1000)} s after the stream dropped: the rest of the answer is lost.`,
      evidence: [dropEvidence, { label: `reassembled before the drop: “${answerText(victim).slice(-160)}”` }],
      advice: 'Give the stream an id (a run or stream id, SSE `id:` lines or offsets), reconnect on error, and resume with Last-Event-ID or the last offset.',
    };
  }
  const r = resumes.find((x) => x.alignment && x.afterText.length > 0) ?? resumes[0]!;
  const after = run.conns.find((c) => c.conn.summary.id === r.after.connectionId)!;
  const reconnectEvidence: Evidence = {
    label: `reconnected${r.request.length ? ` with ${r.request.map((h) => `${h.kind} ${h.value}`).join(', ')}` : ' asking for nothing to resume from'}`,
    connectionId: r.after.connectionId,
    time: r.after.openedAt,
  };
  const texts: Evidence[] = [
    { label: 'text before the drop', text: r.beforeText.slice(-200) },
    { label: 'text after reconnecting', text: r.afterText.slice(0, 200) },
  ];
  const a = r.alignment;
  if (!a) {
    return { ...base, verdict: 'inconclusive', reason: 'The app reconnected but no answer text arrived on the new stream within the timeout.', evidence: [dropEvidence, reconnectEvidence], advice: null };
  }
  const detail: Evidence = { label: a.evidence.detail, connectionId: r.after.connectionId };
  if (a.kind === 'restart') {
    return { ...base, verdict: 'fail', reason: 'The app reconnected, but the answer started over from the beginning (the generation was restarted or replayed), instead of resuming after the last event.', evidence: [dropEvidence, reconnectEvidence, detail, ...texts], advice: 'Send the last event id or offset when reconnecting, and have the server resume from it rather than start a new generation.' };
  }
  if (a.kind === 'duplicate') {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but ${a.length} characters the user already saw were delivered again as new output (duplicated).`, evidence: [dropEvidence, reconnectEvidence, detail, ...texts], advice: 'Resume strictly after the last event id the client has, or de-duplicate by id on the client.' };
  }
  if (a.kind === 'gap') {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but output was skipped${a.missingIds?.length ? ` (missing ${a.missingIds.slice(0, 5).join(', ')})` : ''}.`, evidence: [dropEvidence, reconnectEvidence, detail, ...texts], advice: 'Resume from the last id the client received, not the last one the server sent.' };
  }
  const complete = finished(after) || (after.conn.summary.end === 'clean' && after.conn.summary.state === 'ended');
  if (!complete) {
    return { ...base, verdict: 'fail', reason: `The app resumed where it left off, but the answer did not complete within ${Math.round(run.timeoutMs / 1000)} s.`, evidence: [dropEvidence, reconnectEvidence, detail, ...texts], advice: 'Check that the resumed stream carries the end of the answer (its finish event).' };
  }
  return {
    ...base,
    verdict: 'pass',
    reason: `The app reconnected by itself ${Math.round(r.after.openedAt - run.droppedAt)} ms after the drop, resumed after the last event it had${a.replayed ? ` (the server replayed ${a.replayed} characters it already had, which the client recognised)` : ''} with no gap or duplicate${a.verified ? '' : ' (judged by the text: the stream carries no ids)'}, and the answer completed.`,
    evidence: [dropEvidence, reconnectEvidence, detail, ...texts],
    advice: null,
  };
}

// ── multi-surface ───────────────────────────────────────────────────────────────────────
export interface MultiSurfaceRun {
  tabA: AnalyzedConnection[];
  tabB: AnalyzedConnection[];
  /** When tab B was opened, and when the run stopped watching it. */
  openedAt: number;
  endedAt: number;
}

/** Whether two answers are the same message: one contains the other's opening words. */
function sameAnswer(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x.length < 8 || y.length < 8) return false;
  const probe = (s: string) => s.slice(0, Math.min(40, s.length));
  return x.includes(probe(y)) || y.includes(probe(x)) || x.includes(y.slice(-Math.min(40, y.length)));
}

export function multiSurfaceVerdict(run: MultiSurfaceRun): Verdict {
  const base = { test: 'multi-surface' as const };
  const inFlight = aiStreams(run.tabA).filter((c) => textTimes(c).some((t) => t < run.openedAt) && (c.conn.summary.endedAt ?? Infinity) > run.openedAt);
  if (inFlight.length === 0) {
    return { ...base, verdict: 'inconclusive', reason: 'No generation was streaming in this tab when the second tab opened. Start a generation, then run the test.', evidence: [], advice: null };
  }
  const a = inFlight[0]!;
  const aText = answerText(a);
  const aEnd = Math.max(...inFlight.map((c) => c.conn.summary.endedAt ?? run.endedAt));
  const live = aiStreams(run.tabB).filter((c) => sameAnswer(aText, answerText(c)) && textTimes(c).some((t) => t <= aEnd + GRACE_MS));
  const evidenceA = ev(a, 'in-flight generation in tab A', { text: aText.slice(0, 160) });
  if (live.length > 0) {
    const b = live[0]!;
    return {
      ...base,
      verdict: 'pass',
      reason: 'The second tab received the in-flight answer live, while tab A was still streaming it.',
      evidence: [evidenceA, ev(b, `tab B streamed the same message (${textTimes(b).length} deltas)`, { text: answerText(b).slice(0, 160) })],
      advice: null,
    };
  }
  const lateOrStatic = run.tabB.filter((c) => c.conn.summary.startedAt >= run.openedAt && (c.conn.summary.kind === 'fetch' || c.conn.summary.kind === 'xhr'));
  return {
    ...base,
    verdict: 'fail',
    reason: aiStreams(run.tabB).length === 0 ? 'The second tab opened on the same conversation received no stream of the in-flight answer: the generation is bound to tab A’s connection.' : 'The second tab streamed something, but not the in-flight answer of tab A.',
    evidence: [evidenceA, { label: `tab B made ${lateOrStatic.length} requests and ${aiStreams(run.tabB).length} AI streams`, time: run.openedAt }],
    advice: 'Address the generation as a session (conversation or run id in the URL), let any client subscribe to it, and replay from the start for late joiners.',
  };
}

// ── second-tab-cancel ───────────────────────────────────────────────────────────────────
export interface SecondTabCancelRun {
  tabA: AnalyzedConnection[];
  tabB: AnalyzedConnection[];
  stop: { found: false } | { found: true; enabled: boolean; label: string; pressedAt: number | null };
  /** When the run stopped watching tab A. */
  endedAt: number;
}

export function secondTabCancelVerdict(run: SecondTabCancelRun): Verdict {
  const base = { test: 'second-tab-cancel' as const };
  if (!run.stop.found) {
    return { ...base, verdict: 'inconclusive', reason: 'No stop control was found in the second tab (looked for a button named Stop, Cancel or similar). Name the selector in the test settings.', evidence: [], advice: null };
  }
  const at = run.stop.pressedAt ?? run.endedAt;
  const inFlight = aiStreams(run.tabA).filter((c) => textTimes(c).some((t) => t < at) && (c.conn.summary.endedAt ?? Infinity) > at - 200);
  if (inFlight.length === 0) {
    return { ...base, verdict: 'inconclusive', reason: 'No generation was streaming in tab A when the stop control was to be pressed.', evidence: [], advice: null };
  }
  const a = inFlight[0]!;
  if (!run.stop.enabled || run.stop.pressedAt === null) {
    return {
      ...base,
      verdict: 'fail',
      reason: `The second tab has a “${run.stop.label}” control, but it is disabled there: tab B cannot stop the generation running in tab A.`,
      evidence: [ev(a, 'generation streaming in tab A'), { label: `“${run.stop.label}” disabled in tab B`, time: at }],
      advice: 'Let every client of the session see the in-flight run and send an explicit cancel for it.',
    };
  }
  const pressed = run.stop.pressedAt;
  const cancels = cancelSignals(run.tabB).filter((x) => x.time >= pressed - 100 && x.time <= pressed + 3000);
  const later = textTimes(a).filter((t) => t > pressed + GRACE_MS);
  const aCancelled = a.output.messages.some((m) => m.cancelled) || a.recognition.events.some((e) => e.type === 'cancel');
  const evidence: Evidence[] = [
    ev(a, 'generation streaming in tab A'),
    { label: `pressed “${run.stop.label}” in tab B`, time: pressed },
    ...cancels.map((x) => ({ label: `tab B sent an explicit cancel: ${x.label}`, connectionId: x.connectionId, time: x.time, ...(x.eventSeq !== null ? { eventSeqs: [x.eventSeq] } : {}) })),
  ];
  if (later.length > 0) {
    return { ...base, verdict: 'fail', reason: `Tab A kept streaming after Stop was pressed in tab B (${later.length} more deltas): the cancel did not reach the generation.`, evidence: [...evidence, ev(a, 'still streaming', { time: later.at(-1)! })], advice: 'Make Stop send an explicit cancel for the session’s run, and stop the generation at the source.' };
  }
  if (cancels.length === 0) {
    return { ...base, verdict: 'fail', reason: 'Tab B sent no explicit cancel (no cancel request or message), so the server cannot tell a cancel from a disconnect.', evidence, advice: 'Send a cancel request or message; keep "disconnect" meaning only "disconnect".' };
  }
  if (!aCancelled) {
    return { ...base, verdict: 'fail', reason: 'The generation stopped, but tab A’s stream ended without a cancellation event: tab A cannot tell “cancelled” from “the connection dropped”.', evidence, advice: 'End the stream with an explicit cancelled event so every client knows why it stopped.' };
  }
  return { ...base, verdict: 'pass', reason: 'Tab B sent an explicit cancel, the generation stopped at the source, and tab A’s stream ended with a cancellation it can tell apart from a disconnect.', evidence: [...evidence, ev(a, 'tab A received the cancellation', { time: a.conn.summary.endedAt ?? pressed })], advice: null };
}
