/**
 * Verdict rules of the three validation tests (README, “Validation tests”). Each takes what
 * was observed during a test run — the captures of the tabs involved and the moments the
 * runner acted — and returns PASS only when the evidence shows it; otherwise FAIL with the
 * events that prove it, or INCONCLUSIVE when the run could not show either.
 */
import type { AnalyzedConnection } from './connection';
import { answerText } from './connection';
import { cancelSignals } from './cancel';
import { findResumes } from './resume';
import type { Evidence, Verdict } from './types';
import type { ViewSample } from '../view/sample';
import { answerBlock, clip, coverage, duplicatedOnPage, grewAfter, growingTexts, pageAt, pageFinal } from './page';
import { transportLabel } from '../trace/model';

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

/**
 * Why no generation was there to test, as precisely as the capture allows: nothing streamed;
 * streams that carried no text the page shows (named, so the user can look at them); or an
 * answer that had already finished.
 */
export function noGenerationReason(conns: AnalyzedConnection[], action: string): { reason: string; evidence: Evidence[] } {
  const ai = aiStreams(conns);
  if (ai.length > 0) {
    return { reason: `The answer had finished before the test could ${action}: use a longer answer (a prompt that makes the model write more).`, evidence: ai.slice(-3).map((c) => ev(c, `AI stream ended`, { text: answerText(c).slice(0, 160) })) };
  }
  const streams = conns.filter((c) => c.conn.summary.streaming || c.conn.summary.kind === 'websocket');
  if (streams.length > 0) {
    const named = streams.slice(-4).map((c) => `${c.conn.summary.method} ${c.conn.summary.url.replace(/^https?:\/\/[^/]+/, '')} (${transportLabel(c.conn.summary)}, ${c.conn.events.length} events)`);
    return {
      reason: `Requests went out, but no stream carried text the page shows, so no generation was seen. Candidates: ${named.join('; ')}.`,
      evidence: streams.slice(-4).map((c) => ev(c, `candidate stream: ${c.recognition.name}`)),
    };
  }
  return { reason: `No generation was streaming when the test was to ${action}: no stream was open.`, evidence: [] };
}

/** When each text delta arrived, one time per delta (a frame carrying several counts each). */
function deltaTimes(c: AnalyzedConnection): number[] {
  return c.recognition.events.filter((e) => e.type === 'text-delta' && e.text !== '').map((e) => c.recognition.frames[e.frame]?.time ?? 0).sort((a, b) => a - b);
}

/** How many of the first deltas after a reconnect may come before a catch-up burst starts (a repeat of the last one had, say). */
const BURST_START_WITHIN = 3;

/**
 * For an id-less stream that continued after a reconnect that asked for nothing: whether the
 * server went on generating while the client was away. The tokens then resume at their normal
 * pace after a silence many times longer than that pace, with no catch-up burst of what was
 * generated meanwhile — so what was generated meanwhile never arrived. Returns the estimated
 * number of missing deltas, or 0.
 *
 * `beforeTimes` are frame times (their gaps give the pace); `afterTimes` one time per delta, so
 * that a replay packed into one frame (a polling response of many packets) counts as the burst
 * it is. A catch-up must be worth its name: a run of deltas far faster than the pace, holding
 * at least half of what the silence would have produced, or everything the stream still
 * carried. Two tokens that a busy event loop delivered together are not one.
 */
export function missedWhileAway(beforeTimes: number[], afterTimes: number[]): number {
  if (beforeTimes.length < 4 || afterTimes.length < 4) return 0;
  const gaps = beforeTimes.slice(1).map((t, i) => t - beforeTimes[i]!).sort((a, b) => a - b);
  const pace = gaps[Math.floor(gaps.length / 2)]!;
  if (pace <= 0) return 0;
  const silence = afterTimes[0]! - beforeTimes.at(-1)!;
  if (silence < pace * 3 + 300) return 0;
  const missing = Math.round(silence / pace) - 1;
  const fast = (i: number) => afterTimes[i]! - afterTimes[i - 1]! < pace * 0.4;
  for (let start = 0; start < BURST_START_WITHIN && start + 1 < afterTimes.length; start++) {
    let end = start + 1;
    while (end < afterTimes.length && fast(end)) end++;
    const burst = end - start;
    if (burst >= 3 && (burst * 2 >= missing || end === afterTimes.length)) return 0;
  }
  return missing;
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
  /** What tab A's page showed (absent in traces without it). */
  view?: ViewSample[];
}

export function reconnectResumeVerdict(run: ReconnectResumeRun): Verdict {
  const base = { test: 'reconnect-resume' as const };
  const dropped = run.conns.filter((c) => run.droppedConnectionIds.includes(c.conn.summary.id));
  if (run.droppedAt === null || dropped.length === 0) {
    return { ...base, verdict: 'inconclusive', ...noGenerationReason(run.conns, 'drop the stream'), advice: null };
  }
  const victim = dropped.find((c) => c.isAiStream) ?? dropped[0]!;
  if (textTimes(victim).length < 2) {
    return { ...base, verdict: 'inconclusive', reason: 'The stream had delivered too little output when it was cut to tell a resume from a restart. Use a longer answer or drop later.', evidence: [ev(victim, 'dropped stream')], advice: null };
  }
  const dropEvidence: Evidence = { ...ev(victim, `dropped after ${victim.conn.events.filter((e) => e.time <= run.droppedAt!).length} events`), time: run.droppedAt };
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
    // The protocol's name says whose handle it is (a Durable Streams offset, an Ably channel serial).
    label: `reconnected${r.request.length ? ` with ${r.request.map((h) => `${h.kind} ${h.value}`).join(', ')}` : r.linkedBy.length ? ` to ${r.linkedBy.slice(0, 3).join(', ')}, asking for no position to resume from` : ' asking for nothing to resume from'}${after.recognition.protocol ? ` (${after.recognition.name})` : ''}`,
    connectionId: r.after.connectionId,
    time: r.after.openedAt,
  };
  const texts: Evidence[] = [
    { label: 'text before the drop', text: r.beforeText.slice(-200) },
    { label: 'text after reconnecting', text: r.afterText.slice(0, 200) },
  ];
  const a = r.alignment;
  if (!a) {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but the rest of the answer never arrived on the new connection within ${Math.round(run.timeoutMs / 1000)} s: it is lost.`, evidence: [dropEvidence, reconnectEvidence, { label: `reassembled before the drop: “${clip(r.beforeText, 160)}”` }], advice: 'Resume the generation on reconnect: send the last event id or offset and have the server continue from it.' };
  }
  const detail: Evidence = { label: a.evidence.detail, connectionId: r.after.connectionId };
  // What the user saw: the answer's block at the drop and at the end.
  const view = run.view ?? [];
  const whole = a.kind === 'restart' ? r.afterText : a.kind === 'continuation' ? r.beforeText + r.afterText.slice(a.replayed) : a.kind === 'duplicate' ? r.beforeText + r.afterText.slice(a.length) : r.beforeText + r.afterText;
  const block = answerBlock(view, whole);
  const seen = pageFinal(block);
  const onPage: Evidence[] = block
    ? [{ label: 'the page at the drop', text: clip(pageAt(block, run.droppedAt)), time: run.droppedAt }, { label: 'the page at the end', text: clip(seen) }]
    : view.length > 0 ? [{ label: 'the page shows none of the answer the wire carried' }] : [];
  const dupOnPage = block ? duplicatedOnPage(seen, whole) : null;
  const pageWhole = block !== null && coverage(seen, whole) >= 0.9 && dupOnPage === null;
  const beforeMsg = r.beforeMessage;
  const afterMsg = r.afterMessage;
  const sameGeneration = beforeMsg !== null && beforeMsg !== 'default' && beforeMsg === afterMsg;
  const newGeneration = r.sameRequest || (beforeMsg !== null && afterMsg !== null && beforeMsg !== 'default' && afterMsg !== 'default' && beforeMsg !== afterMsg);
  const complete = finished(after) || (after.conn.summary.end === 'clean' && after.conn.summary.state === 'ended');
  if (dupOnPage !== null) {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but the page shows part of the answer twice (“${dupOnPage}”…): output was duplicated.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Resume strictly after the last event id the client has, or de-duplicate by id on the client.' };
  }
  // A full replay of the same generation that the client de-duplicated: the user saw it once.
  if ((a.kind === 'restart' && sameGeneration && !newGeneration) || (a.kind === 'duplicate' && !newGeneration)) {
    if (pageWhole && complete) {
      const replayed = a.kind === 'restart' ? r.afterText.length : a.length;
      return { ...base, verdict: 'pass', reason: `The app reconnected by itself ${Math.round(r.after.openedAt - run.droppedAt)} ms after the drop and the server replayed ${a.kind === 'restart' ? 'the same generation from its start' : 'text the client already had'} (${replayed} characters on the wire${sameGeneration ? `, same message id ${beforeMsg}` : ''}); the page shows the whole answer once.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Resuming after the last event id (Last-Event-ID, an offset) instead of replaying from the start saves the replayed bytes and a visible redraw.' };
    }
  }
  if (a.kind === 'restart') {
    const why = r.sameRequest ? ' — it sent the same request (the prompt) again' : newGeneration ? ` — a new message (${afterMsg}) replaced ${beforeMsg}` : '';
    return { ...base, verdict: 'fail', reason: `The app reconnected, but the answer started over from the beginning: the generation was restarted${why}, instead of resuming after the last event${pageWhole ? ' (the final text looks right, but it was generated again)' : ''}.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Send the last event id or offset when reconnecting, and have the server resume from it rather than start a new generation.' };
  }
  if (a.kind === 'duplicate') {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but ${a.length} characters the user already saw were delivered again as new output (duplicated).`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Resume strictly after the last event id the client has, or de-duplicate by id on the client.' };
  }
  if (a.kind === 'gap') {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but output was skipped${a.missingIds?.length ? ` (missing ${a.missingIds.slice(0, 5).join(', ')})` : ''}.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Resume from the last id the client received, not the last one the server sent.' };
  }
  // Text that merely reads on is no resume when the stream says it is another message: the
  // interrupted answer was abandoned and a new one started (a Realtime session has no resume).
  if (a.kind === 'continuation' && !a.verified && newGeneration) {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but a new message (${afterMsg}) replaced the interrupted one (${beforeMsg}): the rest of the interrupted answer is lost.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Resume the interrupted generation (its id and the last position the client had) instead of starting a new one.' };
  }
  // A short unverified overlap at the junction may be chance (a common word that ends one side
  // and starts the other), so it does not exempt the stream from the timing check: a real
  // replay of what was missed comes as a catch-up burst, which the check sees.
  const missed = a.kind === 'continuation' && !a.verified && r.request.length === 0 ? missedWhileAway(textTimes(victim).filter((t) => t <= r.before.brokeAt), deltaTimes(after).filter((t) => t >= r.after.openedAt)) : 0;
  if (missed > 0) {
    return { ...base, verdict: 'fail', reason: `The app reconnected, but output was most likely skipped: it asked for nothing to resume from, and the stream went on at its normal pace after ${((r.after.openedAt - r.before.brokeAt) / 1000).toFixed(1)} s away, with no catch-up of the about ${missed} pieces generated meanwhile (judged by timing: the stream carries no ids).`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Give events ids or offsets and resume from the last one the client has (Socket.IO: connection state recovery; SSE: id: lines and Last-Event-ID).' };
  }
  if (!complete) {
    return { ...base, verdict: 'fail', reason: `The app resumed where it left off, but the answer did not complete within ${Math.round(run.timeoutMs / 1000)} s.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Check that the resumed stream carries the end of the answer (its finish event).' };
  }
  if (block && !pageWhole) {
    return { ...base, verdict: 'fail', reason: `The wire resumed and completed the answer, but the page does not show it whole: it shows ${Math.round(coverage(seen, whole) * 100)}% of its words.`, evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts], advice: 'Render what the resumed stream delivers into the same message.' };
  }
  return {
    ...base,
    verdict: 'pass',
    reason: `The app reconnected by itself ${Math.round(r.after.openedAt - run.droppedAt)} ms after the drop, resumed after the last event it had${a.replayed ? ` (the server replayed ${a.replayed} characters it already had, which the client recognised)` : ''} with no gap or duplicate${a.verified ? '' : ' (judged by the text: the stream carries no ids)'}, and the answer completed.`,
    evidence: [dropEvidence, reconnectEvidence, detail, ...onPage, ...texts],
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
  /** What tab B's page showed (absent in traces without it). */
  viewB?: ViewSample[];
}

/** Whether two answers are the same message: one contains the other's opening words. */
function sameAnswer(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (x.length < 8 || y.length < 8) return false;
  const probe = (s: string) => s.slice(0, Math.min(40, s.length));
  return x.includes(probe(y)) || y.includes(probe(x)) || x.includes(y.slice(-Math.min(40, y.length)));
}

/**
 * What tab B shows of tab A's answer until `until`: its streams that carried the same message
 * (the wire), and the texts of its page's answer block as that answer grew there (the page).
 */
function shownInTabB(tabB: AnalyzedConnection[], viewB: ViewSample[], aText: string, until: number) {
  const wire = aiStreams(tabB).filter((c) => sameAnswer(aText, answerText(c)) && textTimes(c).some((t) => t <= until));
  const block = answerBlock(viewB, aText);
  const growing = growingTexts(block, aText, until);
  return { wire, block, growing, pageLive: growing.length >= 2 };
}

export function multiSurfaceVerdict(run: MultiSurfaceRun): Verdict {
  const base = { test: 'multi-surface' as const };
  const inFlight = aiStreams(run.tabA).filter((c) => textTimes(c).some((t) => t < run.openedAt) && (c.conn.summary.endedAt ?? Infinity) > run.openedAt);
  if (inFlight.length === 0) {
    return { ...base, verdict: 'inconclusive', ...noGenerationReason(run.tabA, 'follow it in a second tab'), advice: null };
  }
  const a = inFlight[0]!;
  const aText = answerText(a);
  const aEnd = Math.max(...inFlight.map((c) => c.conn.summary.endedAt ?? run.endedAt));
  const evidenceA = ev(a, 'in-flight generation in tab A', { text: aText.slice(0, 160) });
  // What tab B's user saw while tab A streamed: the answer growing there, or not.
  const viewB = run.viewB ?? [];
  const { wire: live, block: blockB, growing: grewB, pageLive } = shownInTabB(run.tabB, viewB, aText, aEnd + GRACE_MS);
  const pageB: Evidence[] = grewB.length > 0
    ? [{ label: `tab B’s page showed the answer growing (${grewB.map((s) => s.text.length).join(' → ')} characters) while tab A streamed`, text: clip(grewB.at(-1)!.text, 160), time: grewB[0]!.time }]
    : viewB.length > 0 ? [{ label: blockB ? `tab B’s page showed the answer only as ${pageFinal(blockB).length} characters, not growing live` : 'tab B’s page did not show the answer' }] : [];
  if (live.length > 0 || pageLive) {
    if (live.length > 0 && viewB.length > 0 && !pageLive && blockB === null) {
      return { ...base, verdict: 'inconclusive', reason: 'Tab B received the in-flight answer on the wire, but its page did not show it (rendered where the inspector cannot read, e.g. a shadow root or canvas?).', evidence: [evidenceA, ev(live[0]!, 'tab B streamed the same message'), ...pageB], advice: null };
    }
    const b = live[0];
    return {
      ...base,
      verdict: 'pass',
      reason: `The second tab received the in-flight answer live, while tab A was still streaming it${pageLive ? ', and its page showed it growing' : ''}.`,
      evidence: [evidenceA, ...(b ? [ev(b, `tab B streamed the same message (${textTimes(b).length} deltas)`, { text: answerText(b).slice(0, 160) })] : []), ...pageB],
      advice: null,
    };
  }
  const lateOrStatic = run.tabB.filter((c) => c.conn.summary.startedAt >= run.openedAt && (c.conn.summary.kind === 'fetch' || c.conn.summary.kind === 'xhr'));
  return {
    ...base,
    verdict: 'fail',
    reason: aiStreams(run.tabB).length === 0 ? 'The second tab opened on the same conversation received no stream of the in-flight answer: the generation is bound to tab A’s connection.' : 'The second tab streamed something, but not the in-flight answer of tab A.',
    evidence: [evidenceA, { label: `tab B made ${lateOrStatic.length} requests and ${aiStreams(run.tabB).length} AI streams`, time: run.openedAt }, ...pageB],
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
  /** What tab A's and tab B's pages showed (absent in traces without it). */
  viewA?: ViewSample[];
  viewB?: ViewSample[];
}

export function secondTabCancelVerdict(run: SecondTabCancelRun): Verdict {
  const base = { test: 'second-tab-cancel' as const };
  const at = run.stop.found ? (run.stop.pressedAt ?? run.endedAt) : run.endedAt;
  const inFlight = aiStreams(run.tabA).filter((c) => textTimes(c).some((t) => t < at) && (c.conn.summary.endedAt ?? Infinity) > at - 200);
  if (!run.stop.found) {
    // Tab B that does not even show the generation has no stop control for it: that is the
    // finding. Tab B that shows it live but has no control we recognise needs the user's help.
    const first = inFlight[0];
    const inB = first ? shownInTabB(run.tabB, run.viewB ?? [], answerText(first), Infinity) : null;
    if (first && inB && inB.wire.length === 0 && !inB.pageLive) {
      return { ...base, verdict: 'fail', reason: 'The second tab does not show the generation running in tab A and has no stop control for it: only the tab that started it can stop it.', evidence: [ev(first, 'generation streaming in tab A'), { label: 'no stop control in tab B (looked for a button named Stop, Cancel or similar)', time: at }], advice: 'Let every client of the session see the in-flight run and send an explicit cancel for it.' };
    }
    return { ...base, verdict: 'inconclusive', reason: 'No stop control was found in the second tab (looked for a button named Stop, Cancel or similar). Name it with --stop (or the stop selector in the test settings).', evidence: first ? [ev(first, 'generation streaming in tab A')] : [], advice: null };
  }
  if (inFlight.length === 0) {
    return { ...base, verdict: 'inconclusive', ...noGenerationReason(run.tabA, 'stop it from a second tab'), advice: null };
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
  // What tab A's user saw: the answer at the press and at the end; growth after the grace.
  const blockA = answerBlock(run.viewA ?? [], answerText(a));
  const pageGrew = grewAfter(blockA, pressed + GRACE_MS);
  const pageA: Evidence[] = blockA ? [{ label: 'tab A’s page when Stop was pressed', text: clip(pageAt(blockA, pressed)), time: pressed }, { label: 'tab A’s page at the end', text: clip(pageFinal(blockA)) }] : [];
  const evidence: Evidence[] = [
    ev(a, 'generation streaming in tab A'),
    { label: `pressed “${run.stop.label}” in tab B`, time: pressed },
    ...cancels.map((x) => ({ label: `tab B sent an explicit cancel: ${x.label}`, connectionId: x.connectionId, time: x.time, ...(x.eventSeq !== null ? { eventSeqs: [x.eventSeq] } : {}) })),
  ];
  if (later.length > 0 || pageGrew > 2) {
    const what = later.length > 0 ? `${later.length} more deltas` : `its page grew by ${pageGrew} words`;
    return { ...base, verdict: 'fail', reason: `Tab A kept streaming after Stop was pressed in tab B (${what}): the cancel did not reach the generation.`, evidence: [...evidence, ...pageA, ...(later.length ? [ev(a, 'still streaming', { time: later.at(-1)! })] : [])], advice: 'Make Stop send an explicit cancel for the session’s run, and stop the generation at the source.' };
  }
  if (cancels.length === 0) {
    return { ...base, verdict: 'fail', reason: 'Tab B sent no explicit cancel (no cancel request or message), so the server cannot tell a cancel from a disconnect.', evidence: [...evidence, ...pageA], advice: 'Send a cancel request or message; keep "disconnect" meaning only "disconnect".' };
  }
  // Whether tab A was told why is worth advice, not the verdict (README, “Live cancel from a second tab”).
  return {
    ...base,
    verdict: 'pass',
    reason: `Tab B sent an explicit cancel and the generation stopped at the source: tab A stopped growing${aCancelled ? ', and its stream ended with a cancellation it can tell apart from a disconnect' : ' (but its stream carried no cancellation event, so tab A cannot tell “cancelled” from “the connection dropped”)'}.`,
    evidence: [...evidence, ...pageA, ...(aCancelled ? [ev(a, 'tab A received the cancellation', { time: a.conn.summary.endedAt ?? pressed })] : [])],
    advice: aCancelled ? null : 'End tab A’s stream with an explicit cancelled event, so every client knows why it stopped.',
  };
}
