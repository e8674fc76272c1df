/**
 * Passive flags: signs of the Single-Connection Trap visible in traffic alone, with no fault
 * injected (README, “Passive flags”). Each names its evidence.
 */
import { checkSequence } from '../reassembly';
import type { AnalyzedConnection } from './connection';
import { cancelSignals } from './cancel';
import { findResumes } from './resume';
import type { Evidence, Flag } from './types';

/** Common idle timeouts of proxies and load balancers start at 30 s (some at 60 s). */
export const IDLE_LIMIT_MS = 30_000;
/** A cancel request this close to a stream's end counts as the stop's explicit signal. */
const CANCEL_WINDOW_MS = 3_000;

const RESUMABLE = new Set(['event-id', 'sequence', 'offset', 'cursor', 'run-id', 'stream-id', 'session-id']);

function conn(c: AnalyzedConnection, label: string, eventSeqs?: number[]): Evidence {
  const e: Evidence = { label, connectionId: c.conn.summary.id, time: c.conn.summary.startedAt };
  if (eventSeqs) e.eventSeqs = eventSeqs;
  return e;
}

function requestBound(ai: AnalyzedConnection[]): Flag[] {
  return ai
    .filter((c) => c.conn.summary.method !== 'GET' && !c.recognition.handles.some((h) => RESUMABLE.has(h.kind)))
    .map((c) => ({
      id: 'request-bound-stream',
      severity: 'high',
      capability: 'resilient-delivery',
      message: `The answer streams as the response to the ${c.conn.summary.method} that started it, with no id, offset or stream handle a client could resume from: when this connection drops, the rest of the answer is lost.`,
      evidence: [conn(c, `${c.conn.summary.method} ${c.conn.summary.url} (${c.recognition.name})`)],
      learnMore: '#request-bound-stream',
    }));
}

function sseWithoutIds(ai: AnalyzedConnection[]): Flag[] {
  return ai
    .filter((c) => {
      const sse = c.recognition.frames.filter((f) => f.kind === 'sse' && f.dir === 'in');
      // Positions in the payload (Durable Streams offsets, Responses sequence numbers) resume without `id:`.
      const positioned = c.recognition.handles.some((h) => h.kind === 'offset' || h.kind === 'sequence' || h.kind === 'cursor');
      return sse.length >= 3 && sse.every((f) => !f.id) && !positioned;
    })
    .map((c) => ({
      id: 'sse-without-ids',
      severity: 'medium',
      capability: 'resilient-delivery',
      message: 'SSE events carry no `id:`, so a reconnecting client cannot send Last-Event-ID and the server cannot resume after the last event it delivered.',
      evidence: [conn(c, `${c.recognition.frames.length} SSE events, none with an id`, c.recognition.frames.slice(0, 3).map((f) => f.at.first))],
      learnMore: '#sse-without-ids',
    }));
}

function bareAbort(ai: AnalyzedConnection[], all: AnalyzedConnection[]): Flag[] {
  const cancels = cancelSignals(all);
  return ai
    .filter((c) => {
      const s = c.conn.summary;
      if (s.end !== 'client-abort' || s.endedAt === null) return false;
      if (c.output.messages.some((m) => m.finished || m.cancelled)) return false; // closed after the answer ended
      return !cancels.some((x) => Math.abs(x.time - s.endedAt!) <= CANCEL_WINDOW_MS);
    })
    .map((c) => ({
      id: 'bare-abort-stop',
      severity: 'high',
      capability: 'live-control',
      message: 'Stop only closed the stream; no cancel request or message was sent. The server cannot tell "the user cancelled" from "the network dropped" (the SSE Resume-Cancel Conflict).',
      evidence: [{ ...conn(c, `closed by the page mid-answer after ${c.conn.events.length} events, no cancel within ${CANCEL_WINDOW_MS / 1000} s`), time: c.conn.summary.endedAt! }],
      learnMore: '#bare-abort-stop',
    }));
}

function reconnectReplays(all: AnalyzedConnection[]): Flag[] {
  return findResumes(all)
    .filter((r) => r.alignment && (r.alignment.kind === 'restart' || r.alignment.kind === 'duplicate'))
    .map((r) => ({
      id: 'reconnect-replays',
      severity: 'high',
      capability: 'resilient-delivery',
      message:
        r.request.length === 0
          ? 'A reconnect carried no Last-Event-ID or offset and the answer started over from the beginning.'
          : `A reconnect asked to resume (${r.request.map((h) => `${h.kind} ${h.value}`).join(', ')}) but the server replayed output the client already had.`,
      evidence: [
        { label: `stream broke`, connectionId: r.before.connectionId, time: r.before.brokeAt },
        { label: `reconnected: ${r.alignment!.evidence.detail}`, connectionId: r.after.connectionId, time: r.after.openedAt, text: r.afterText.slice(0, 200) },
      ],
      learnMore: '#reconnect-replays',
    }));
}

function sequenceGaps(ai: AnalyzedConnection[]): Flag[] {
  const flags: Flag[] = [];
  for (const c of ai) {
    // EventSource reconnects replay on purpose; their ids are judged by reconnect-replays.
    if (c.conn.summary.reconnectMarks.length > 0) continue;
    for (const kind of ['sequence', 'offset', 'event-id'] as const) {
      const values = kind === 'event-id' ? c.recognition.frames.flatMap((f) => (f.id ? [f.id] : [])) : c.recognition.handles.filter((h) => h.kind === kind).map((h) => h.value);
      if (values.length < 3) continue;
      const report = checkSequence(values, { contiguous: kind !== 'offset' });
      if (!report.numeric || (report.gaps.length === 0 && report.repeats.length === 0)) continue;
      const parts = [
        ...report.gaps.map((g) => `missing ${g.missing.join(', ')}${g.missingCount > g.missing.length ? '…' : ''} after ${g.after}`),
        ...report.repeats.map((r) => `repeated ${r.value}`),
      ];
      flags.push({
        id: 'sequence-gaps',
        severity: 'medium',
        capability: 'resilient-delivery',
        message: `${kind} values have ${report.gaps.length ? 'gaps' : ''}${report.gaps.length && report.repeats.length ? ' and ' : ''}${report.repeats.length ? 'repeats' : ''}: output was lost or delivered twice.`,
        evidence: [conn(c, parts.slice(0, 5).join('; '))],
        learnMore: '#sequence-gaps',
      });
      break;
    }
  }
  return flags;
}

function silences(ai: AnalyzedConnection[], now: number): Flag[] {
  const flags: Flag[] = [];
  for (const c of ai) {
    const hasHeartbeat = c.recognition.frames.some((f) => f.kind === 'sse-comment') || c.recognition.events.some((e) => e.type === 'heartbeat');
    if (hasHeartbeat) continue;
    const times = c.conn.events.filter((e) => e.dir === 'in').map((e) => e.time);
    const end = c.conn.summary.endedAt ?? now;
    let worst = { gap: 0, at: 0, seq: 0 };
    let prev = c.conn.summary.startedAt;
    times.forEach((t, i) => {
      if (t - prev > worst.gap) worst = { gap: t - prev, at: prev, seq: i };
      prev = t;
    });
    if (end - prev > worst.gap) worst = { gap: end - prev, at: prev, seq: times.length };
    if (worst.gap < IDLE_LIMIT_MS) continue;
    flags.push({
      id: 'silence-without-heartbeat',
      severity: 'medium',
      capability: 'resilient-delivery',
      message: `The stream went silent for ${Math.round(worst.gap / 1000)} s with no heartbeat; proxies and load balancers commonly cut idle connections after 30–60 s.`,
      evidence: [{ ...conn(c, `silent for ${Math.round(worst.gap / 1000)} s`), time: worst.at }],
      learnMore: '#silence-without-heartbeat',
    });
  }
  return flags;
}

function funnelled(ai: AnalyzedConnection[]): Flag[] {
  return ai
    .map((c) => ({ c, agents: [...new Set(c.recognition.events.filter((e) => e.type === 'text-delta' && e.agent).map((e) => e.agent!))] }))
    .filter(({ agents }) => agents.length >= 2)
    .map(({ c, agents }) => ({
      id: 'orchestrator-funnel',
      severity: 'medium',
      capability: 'multi-agent',
      message: `One stream relays the output of ${agents.length} agents (${agents.join(', ')}): the orchestrator both coordinates and relays (the Orchestrator Dual-Purpose Problem). Let each agent publish to the session directly.`,
      evidence: [conn(c, `agents in one stream: ${agents.join(', ')}`)],
      learnMore: '#orchestrator-funnel',
    }));
}

/** All passive flags of a tab's connections. `now` bounds silences of streams still open. */
export function passiveFlags(conns: AnalyzedConnection[], now: number): Flag[] {
  const ai = conns.filter((c) => c.isAiStream);
  return [...requestBound(ai), ...sseWithoutIds(ai), ...bareAbort(ai, conns), ...reconnectReplays(conns), ...sequenceGaps(ai), ...silences(ai, now), ...funnelled(ai)];
}
