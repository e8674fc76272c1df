/**
 * Resume observations: each time a stream broke and the client connected again, what the new
 * connection asked for (Last-Event-ID, offset, cursor) and how its output lines up with what
 * the client had (continuation, duplicate, gap, restart). The reconnect-resume verdict and the
 * "reconnect replays" flag are both read from these.
 *
 * A reconnect is either an EventSource reconnecting within one connection (the browser does it),
 * or a new streaming connection opened after an earlier one broke (network error or an injected
 * drop) that shares an identity with it (a chat, run, stream, message or session id: see
 * identity.ts), or, for id-less streams, goes to the same place (same kind, method and path).
 */
import { alignResume, reassemble, resumeSide, type Alignment, type ResumeSide } from '../reassembly';
import { resumeRequestOf, type Recognition, type ResumeHandle } from '../protocols';
import { RESUME_PARAMS } from '../protocols/resume-request';
import type { AnalyzedConnection } from './connection';
import { sharedIdentities } from './identity';
import type { AssembledMessage } from '../reassembly';

export interface ResumeObservation {
  before: { connectionId: string; brokeAt: number; lastEventSeq: number | null };
  after: { connectionId: string; openedAt: number; firstEventSeq: number | null };
  /** What the client asked to resume from (empty: it asked for nothing). */
  request: ResumeHandle[];
  /** Ids the two connections share, which link them (empty: linked by URL only). */
  linkedBy: string[];
  /** The new connection repeated the original request (same method, URL and body): the prompt was sent again. */
  sameRequest: boolean;
  sameConnection: boolean;
  alignment: Alignment | null;
  beforeText: string;
  afterText: string;
  /** Keys (message ids, or 'default') of the message before the drop and the one aligned with it. */
  beforeMessage: string | null;
  afterMessage: string | null;
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

/** The message the client was receiving when the stream broke: the last one with text. */
function activeMessage(messages: AssembledMessage[]): AssembledMessage | null {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.text.length > 0) return messages[i]!;
  return messages.at(-1) ?? null;
}

function sideOf(rec: Pick<Recognition, 'events' | 'frames'>, m: AssembledMessage | null): ResumeSide {
  return m ? resumeSide(rec, m) : { text: '', spans: [] };
}

/**
 * Client-sent resume requests inside a WebSocket (subscribe with an offset, resume…). A control
 * a recognizer names as a resume (`resume: cf_agent_stream_resume_ack`) asks for the stream it
 * names too, even without a position.
 */
function controlHandles(rec: Recognition): ResumeHandle[] {
  return rec.events.filter((e) => e.type === 'control').flatMap((e) => (e.handles ?? []).filter((h) => h.kind === 'offset' || h.kind === 'sequence' || h.kind === 'cursor' || h.kind === 'event-id' || (e.name.startsWith('resume: ') && h.kind === 'stream-id')));
}

function splitRecognition(rec: Recognition, firstEventAfter: number): { before: Recognition; after: Recognition } {
  const isBefore = (frameIndex: number) => (rec.frames[frameIndex]?.at.first ?? 0) < firstEventAfter;
  return {
    before: { ...rec, events: rec.events.filter((e) => isBefore(e.frame)) },
    after: { ...rec, events: rec.events.filter((e) => !isBefore(e.frame)) },
  };
}

type Aligned = Pick<ResumeObservation, 'alignment' | 'beforeText' | 'afterText' | 'beforeMessage' | 'afterMessage'>;

/** The last position (offset, cursor) of a kind the stream gave before it broke. */
function lastPosition(rec: Recognition, kind: ResumeHandle['kind']): string | undefined {
  for (let i = rec.events.length - 1; i >= 0; i--) {
    const h = (rec.events[i]!.handles ?? []).filter((x) => x.kind === kind).at(-1);
    if (h) return h.value;
  }
  return undefined;
}

/**
 * A text continuation the ids could not prove is proven by the request when the client asked
 * to resume from exactly the last opaque position (offset, cursor) the dropped stream gave it:
 * the server then starts after everything the client had.
 */
function provenByRequest(aligned: Aligned, beforeRec: Recognition, request: ResumeHandle[]): Aligned {
  const a = aligned.alignment;
  if (!a || a.kind !== 'continuation' || a.verified) return aligned;
  const asked = request.find((h) => (h.kind === 'offset' || h.kind === 'cursor') && lastPosition(beforeRec, h.kind) === h.value);
  if (!asked) return aligned;
  return { ...aligned, alignment: { ...a, verified: true, evidence: { ...a.evidence, detail: `resumed from ${asked.kind} ${asked.value}, the last the dropped stream had delivered; the text continues` } } };
}

function align(beforeRec: Recognition, afterRec: Recognition, beforeMsgs: AssembledMessage[], afterMsgs: AssembledMessage[]): Aligned {
  const b = activeMessage(beforeMsgs);
  // Prefer the same message on the new stream; otherwise the first one with text.
  const a = (b && afterMsgs.find((m) => m.key === b.key && m.text.length > 0)) ?? afterMsgs.find((m) => m.text.length > 0) ?? null;
  const before = sideOf(beforeRec, b);
  const after = sideOf(afterRec, a);
  const keys = { beforeMessage: b?.key ?? null, afterMessage: a?.key ?? null };
  if (!b || !a) return { alignment: null, beforeText: before.text, afterText: after.text, ...keys };
  return { alignment: alignResume(before, after), beforeText: before.text, afterText: after.text, ...keys };
}

/** The resume parameters that name a position (not a stream or run), as JSON keys in a body. */
const POSITION_KINDS: ReadonlySet<ResumeHandle['kind']> = new Set(['sequence', 'offset', 'cursor', 'event-id']);
const POSITION_KEY = new RegExp(`"(${Object.keys(RESUME_PARAMS).filter((k) => POSITION_KINDS.has(RESUME_PARAMS[k]!)).join('|')})"\\s*:\\s*"?([^",}\\s]+)`, 'gi');

/**
 * Resume positions the client sent in request bodies around a reconnect (Socket.IO sends its
 * `40{"pid","offset"}` over a polling POST before it upgrades to the new WebSocket).
 */
function resumeBodies(conns: AnalyzedConnection[], from: number, to: number, paths: string[]): ResumeHandle[] {
  const out: ResumeHandle[] = [];
  // A joined Engine.IO polling session (engineio-poll.ts) holds that POST among its requests.
  for (const c of conns.flatMap((j) => j.parts ?? [j])) {
    const s = c.conn.summary;
    if ((s.kind !== 'fetch' && s.kind !== 'xhr') || s.method === 'GET' || !s.requestBodyPreview || s.startedAt < from || s.startedAt > to || !paths.includes(pathOf(s.url))) continue;
    for (const m of s.requestBodyPreview.matchAll(POSITION_KEY)) out.push({ kind: RESUME_PARAMS[m[1]!.toLowerCase()]!, value: m[2]! });
  }
  return out;
}

export function findResumes(conns: AnalyzedConnection[]): ResumeObservation[] {
  const out: ResumeObservation[] = [];
  // EventSource: the browser reconnects within the same object.
  for (const c of conns) {
    const s = c.conn.summary;
    for (const mark of s.reconnectMarks) {
      if (mark.reopenedAt === null) continue;
      const { before, after } = splitRecognition(c.recognition, mark.afterEvents);
      const aligned = align(before, after, reassemble(before).messages, reassemble(after).messages);
      out.push({
        before: { connectionId: s.id, brokeAt: mark.time, lastEventSeq: mark.afterEvents > 0 ? mark.afterEvents - 1 : null },
        after: { connectionId: s.id, openedAt: mark.reopenedAt, firstEventSeq: c.conn.events.length > mark.afterEvents ? mark.afterEvents : null },
        request: mark.lastEventId ? [{ kind: 'event-id', value: mark.lastEventId }] : [],
        linkedBy: [],
        sameRequest: false,
        sameConnection: true,
        ...aligned,
      });
    }
  }
  // A new connection to the same place after one broke.
  const sorted = [...conns].filter((c) => c.conn.summary.streaming).sort((x, y) => x.conn.summary.startedAt - y.conn.summary.startedAt);
  for (const prev of sorted) {
    const p = prev.conn.summary;
    if (p.state !== 'ended' || p.end !== 'network-error' || p.endedAt === null) continue;
    const later = sorted.filter((c) => c.conn.summary.id !== p.id && c.conn.summary.startedAt >= p.endedAt! - 50);
    const samePlace = (n: typeof p) => n.kind === p.kind && n.method === p.method && pathOf(n.url) === pathOf(p.url);
    const next = later.find((c) => sharedIdentities(prev, c).length > 0) ?? later.find((c) => samePlace(c.conn.summary));
    if (!next) continue;
    const n = next.conn.summary;
    const asked = [...resumeRequestOf(next.conn), ...controlHandles(next.recognition), ...resumeBodies(conns, p.endedAt - 50, n.startedAt + 2000, [pathOf(p.url).replace(/^ws/, 'http'), pathOf(n.url).replace(/^ws/, 'http')])];
    // A polling session's resume POST is both its own control and a request body: once each.
    const request = asked.filter((h, i) => asked.findIndex((x) => x.kind === h.kind && x.value === h.value) === i);
    const aligned = provenByRequest(align(prev.recognition, next.recognition, prev.output.messages, next.output.messages), prev.recognition, request);
    out.push({
      before: { connectionId: p.id, brokeAt: p.endedAt, lastEventSeq: prev.conn.events.length > 0 ? prev.conn.events.length - 1 : null },
      after: { connectionId: next.conn.summary.id, openedAt: next.conn.summary.startedAt, firstEventSeq: next.conn.events.length > 0 ? 0 : null },
      request,
      linkedBy: sharedIdentities(prev, next),
      // A WebSocket's URL is not its request: what it asks for rides in its frames.
      sameRequest: n.kind !== 'websocket' && samePlace(n) && n.url === p.url && n.requestBodyPreview === p.requestBodyPreview,
      sameConnection: false,
      ...aligned,
    });
  }
  return out.sort((x, y) => x.before.brokeAt - y.before.brokeAt);
}
