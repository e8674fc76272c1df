/**
 * Stream timing: how fast a connection's answer came and where it stalled, from the capture's
 * own timestamps (the time each chunk reached the page).
 *
 *   streamTiming(analyzed, options?)        per connection, and per message within it
 *   resumeWaits(analyzed[], resumes)        how long the user saw no new text across a reconnect
 *
 * "Content" is model output the user sees grow: text, reasoning and tool-call deltas. The
 * first event of a stream is often a role or metadata chunk, so time to first byte and time
 * to first content token are told apart. Token counts come from the protocol's own `usage`
 * reports when it sends them; otherwise they are estimated as characters ÷ 4 (the usual
 * rule of thumb for English text with BPE tokenizers) and marked as an estimate.
 *
 * Gaps are measured between consecutive frames that carried content (several deltas in one
 * frame arrived together). Everything is one pass over the recognized events plus one sort of
 * the gaps, so 100,000 events cost milliseconds; `timingFold` keeps that pass going as a live
 * stream grows, so a panel refreshing it reads only the new events.
 */
import type { AiEvent } from '../protocols/types';
import type { Frame } from '../parse/types';
import { crossed } from '../parse';
import { messageKey } from '../reassembly';
import type { AnalyzedConnection } from './connection';
import type { ResumeObservation } from './resume';

/** A gap between content tokens at least this long is a stall (a user notices a second). */
export const DEFAULT_STALL_MS = 1000;

/** Where a token count came from: the protocol's `usage` report, or characters ÷ 4. */
export const TOKEN_SOURCES = ['usage', 'estimate-chars'] as const;
export type TokenSource = (typeof TOKEN_SOURCES)[number];

/** Characters per token of the estimate. */
export const CHARS_PER_TOKEN = 4;

/**
 * Upper bounds (ms) of the gap histogram's buckets: 0–1, 1–2, 2–4 … ms, doubling up to about
 * 65 s; a last bucket (`toMs` null) holds anything longer.
 */
export const GAP_BUCKET_BOUNDS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] as const;

export interface TimingOptions {
  /** Gaps of at least this many ms are stalls (default `DEFAULT_STALL_MS`). */
  stallMs?: number;
}

export interface HistogramBucket {
  /** [fromMs, toMs); toMs null for the open-ended last bucket. */
  fromMs: number;
  toMs: number | null;
  count: number;
}

export interface GapStats {
  /** Number of gaps (content frames − 1). */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Every bucket from the first to the last non-empty one. */
  histogram: HistogramBucket[];
}

export interface Stall {
  /** Arrival of the last content before the stall and of the first after it. */
  start: number;
  end: number;
  durationMs: number;
  /** `TraceEvent.seq` of the events that carried those two frames. */
  fromSeq: number;
  toSeq: number;
}

export interface TokenCount {
  tokens: number;
  source: TokenSource;
  /** Characters of content the count (or estimate) covers. */
  chars: number;
}

/** Timing of one answer (message) of a stream. */
export interface MessageTiming {
  key: string;
  /** ms from the connection's start to this message's first and last content token. */
  firstTokenMs: number;
  lastTokenMs: number;
  tokens: TokenCount;
  /** Tokens over the time from the first to the last content token; null when that is 0 ms. */
  tokensPerSecond: number | null;
}

export interface StreamTiming {
  connectionId: string;
  startedAt: number;
  /** ms from the connection's start to its first received event; null when nothing arrived. */
  firstByteMs: number | null;
  /** ms from the connection's start to the first content token; null when none arrived. */
  firstTokenMs: number | null;
  /** ms from the start to the end (or the last event while the stream is open). */
  totalMs: number | null;
  tokens: TokenCount;
  /** Tokens over the time from the first to the last content token. */
  tokensPerSecond: number | null;
  gaps: GapStats;
  stallMs: number;
  stalls: Stall[];
  messages: MessageTiming[];
}

const isContent = (e: AiEvent): e is Extract<AiEvent, { type: 'text-delta' | 'reasoning-delta' | 'tool-call-delta' }> =>
  e.type === 'text-delta' || e.type === 'reasoning-delta' || e.type === 'tool-call-delta';

function contentChars(e: AiEvent): number {
  if (e.type === 'text-delta' || e.type === 'reasoning-delta') return e.text.length;
  if (e.type === 'tool-call-delta') return e.argsDelta.length;
  return 0;
}

const estimate = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

function bucketOf(ms: number): number {
  for (let i = 0; i < GAP_BUCKET_BOUNDS.length; i++) if (ms < GAP_BUCKET_BOUNDS[i]!) return i;
  return GAP_BUCKET_BOUNDS.length;
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The gap statistics of a growing list of gaps: the histogram's counts and the gaps kept sorted,
 * each batch sorted alone and merged in, so a live stream's stats cost its new gaps, not all of them.
 */
class GapAcc {
  private readonly counts = new Array<number>(GAP_BUCKET_BOUNDS.length + 1).fill(0);
  private sorted = new Float64Array(0);

  add(batch: readonly number[] | Float64Array): void {
    if (batch.length === 0) return;
    for (const g of batch) this.counts[bucketOf(g)]! += 1;
    const fresh = Float64Array.from(batch).sort();
    const old = this.sorted;
    const out = new Float64Array(old.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) out[k++] = old[i]! <= fresh[j]! ? old[i++]! : fresh[j++]!;
    while (i < old.length) out[k++] = old[i++]!;
    while (j < fresh.length) out[k++] = fresh[j++]!;
    this.sorted = out;
  }

  stats(): GapStats {
    const counts = this.counts;
    const first = counts.findIndex((c) => c > 0);
    const last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
    const histogram: HistogramBucket[] = [];
    if (first >= 0) {
      for (let i = first; i <= last; i++) histogram.push({ fromMs: i === 0 ? 0 : GAP_BUCKET_BOUNDS[i - 1]!, toMs: GAP_BUCKET_BOUNDS[i] ?? null, count: counts[i]! });
    }
    const sorted = this.sorted;
    if (sorted.length === 0) return { count: 0, p50Ms: null, p95Ms: null, maxMs: null, histogram };
    return { count: sorted.length, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), maxMs: sorted[sorted.length - 1]!, histogram };
  }
}

export function gapStats(gaps: readonly number[] | Float64Array): GapStats {
  const acc = new GapAcc();
  acc.add(gaps);
  return acc.stats();
}

interface MessageAcc {
  first: number;
  last: number;
  chars: number;
}

function rate(tokens: number, fromMs: number, toMs: number): number | null {
  const span = toMs - fromMs;
  return span > 0 ? (tokens * 1000) / span : null;
}

/** The time of a frame as the page received it: its last carrying event. */
function frameTime(frames: readonly Frame[], index: number): number | null {
  return frames[index]?.time ?? null;
}

/** A stream's timing, kept up to date as its recognized events grow. */
export interface TimingFold {
  /**
   * The timing of `a` as `streamTiming` gives it. When `a`'s events extend the ones the last
   * call read (the same event objects, more of them: a growing WebSocket or EventSource
   * reading), only the new ones are read; otherwise (another reading, a new threshold) it starts over.
   */
  update(a: AnalyzedConnection, options?: TimingOptions): StreamTiming;
}

interface FoldState {
  conn: AnalyzedConnection['conn'];
  stallMs: number;
  /** Recognized events read so far, and the last of them, by identity. */
  fed: number;
  lastEvent: AiEvent | null;
  gaps: GapAcc;
  stalls: Stall[];
  messages: Map<string, MessageAcc>;
  /** The largest output-token report of each message (cumulative in some protocols, final in others). */
  usage: Map<string, number>;
  firstToken: number | null;
  lastToken: number | null;
  lastFrame: number;
  lastSeq: number;
  chars: number;
}

export function timingFold(): TimingFold {
  let st: FoldState | null = null;
  return {
    update(a, options = {}) {
      const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
      if (!(stallMs > 0)) throw new RangeError(`the stall threshold must be a positive number of ms, not ${String(options.stallMs)}`);
      const events = a.recognition.events;
      const continues = st !== null && st.conn === a.conn && st.stallMs === stallMs && st.fed <= events.length && (st.fed === 0 || events[st.fed - 1] === st.lastEvent);
      if (!continues) {
        st = { conn: a.conn, stallMs, fed: 0, lastEvent: null, gaps: new GapAcc(), stalls: [], messages: new Map(), usage: new Map(), firstToken: null, lastToken: null, lastFrame: -1, lastSeq: -1, chars: 0 };
      }
      const s = st!;
      const frames = a.recognition.frames;
      const newGaps: number[] = [];
      for (let i = s.fed; i < events.length; i++) {
        const e = events[i]!;
        if (e.type === 'usage' && e.outputTokens !== undefined) {
          const key = messageKey(e);
          s.usage.set(key, Math.max(s.usage.get(key) ?? 0, e.outputTokens));
          continue;
        }
        if (!isContent(e)) continue;
        const t = frameTime(frames, e.frame);
        if (t === null) continue;
        const n = contentChars(e);
        s.chars += n;
        const key = messageKey(e);
        const m = s.messages.get(key);
        if (m) {
          m.last = t;
          m.chars += n;
        } else s.messages.set(key, { first: t, last: t, chars: n });
        if (e.frame !== s.lastFrame) {
          const seq = frames[e.frame]!.at.last;
          if (s.lastToken !== null) {
            // Chunks arrive in order; an imported trace may not be: out of order counts as together.
            const gap = Math.max(0, t - s.lastToken);
            newGaps.push(gap);
            if (gap >= stallMs) s.stalls.push({ start: s.lastToken, end: t, durationMs: gap, fromSeq: s.lastSeq, toSeq: seq });
          }
          s.lastFrame = e.frame;
          s.lastSeq = seq;
          s.lastToken = t;
        }
        s.firstToken ??= t;
      }
      s.gaps.add(newGaps);
      s.fed = events.length;
      s.lastEvent = events.at(-1) ?? null;
      return timingOf(a, s);
    },
  };
}

/** The timing the fold's state gives, with what is read from the connection as it is now (start, end, first byte). */
function timingOf(a: AnalyzedConnection, st: FoldState): StreamTiming {
  const s = a.conn.summary;
  const events = a.conn.events;
  const firstIn = events.find((e) => e.dir === 'in' && crossed(e));
  const lastTime = events.at(-1)?.time ?? null;
  const end = s.endedAt ?? lastTime;
  const { messages, usage, chars, firstToken, lastToken } = st;
  const messageTimings: MessageTiming[] = [...messages].map(([key, m]) => {
    const reported = usage.get(key);
    const tokens: TokenCount = reported !== undefined ? { tokens: reported, source: 'usage', chars: m.chars } : { tokens: estimate(m.chars), source: 'estimate-chars', chars: m.chars };
    return { key, firstTokenMs: m.first - s.startedAt, lastTokenMs: m.last - s.startedAt, tokens, tokensPerSecond: rate(tokens.tokens, m.first, m.last) };
  });
  // The stream's count is the protocol's when it reported every message's usage (or reported
  // usage for the stream as a whole); a partial report would undercount, so it is estimated.
  const allReported = messageTimings.length > 0 && messageTimings.every((m) => m.tokens.source === 'usage');
  const streamReport = messageTimings.length > 0 && !allReported && usage.size > 0 && [...usage.keys()].every((k) => !messages.has(k)) ? [...usage.values()].reduce((x, y) => x + y, 0) : null;
  const tokens: TokenCount = allReported
    ? { tokens: messageTimings.reduce((x, m) => x + m.tokens.tokens, 0), source: 'usage', chars }
    : streamReport !== null
      ? { tokens: streamReport, source: 'usage', chars }
      : { tokens: estimate(chars), source: 'estimate-chars', chars };

  return {
    connectionId: s.id,
    startedAt: s.startedAt,
    firstByteMs: firstIn ? firstIn.time - s.startedAt : null,
    firstTokenMs: firstToken === null ? null : firstToken - s.startedAt,
    totalMs: end === null ? null : end - s.startedAt,
    tokens,
    tokensPerSecond: firstToken === null || lastToken === null ? null : rate(tokens.tokens, firstToken, lastToken),
    gaps: st.gaps.stats(),
    stallMs: st.stallMs,
    // The stalls found so far, as a list of their own (the fold goes on adding to its list).
    stalls: [...st.stalls],
    messages: messageTimings,
  };
}

export function streamTiming(a: AnalyzedConnection, options: TimingOptions = {}): StreamTiming {
  return timingFold().update(a, options);
}

/** Across one reconnect: when the last text before it and the first new text after it arrived. */
export interface ResumeWait {
  beforeConnectionId: string;
  afterConnectionId: string;
  brokeAt: number;
  reopenedAt: number;
  /** Arrival of the last content before the break; null when none had arrived. */
  lastTextAt: number | null;
  /** Arrival of the first content after the reconnect that the user had not seen yet (replays skipped); null when none came. */
  nextTextAt: number | null;
  /** nextTextAt − lastTextAt: how long the answer did not grow. Null when either is missing. */
  waitedMs: number | null;
}

/** Content deltas with the event seq of the chunk that completed their frame, in order. */
function contentArrivals(a: AnalyzedConnection): Array<{ time: number; seq: number; chars: number; key: string }> {
  const out: Array<{ time: number; seq: number; chars: number; key: string }> = [];
  const frames = a.recognition.frames;
  for (const e of a.recognition.events) {
    if (!isContent(e)) continue;
    const f = frames[e.frame];
    if (f) out.push({ time: f.time, seq: f.at.last, chars: contentChars(e), key: messageKey(e) });
  }
  return out;
}

/**
 * For each resume the analysis found: the wait the user saw. Text the new stream replays
 * (an aligned continuation's `replayed` characters of the same message) is not new text.
 */
export function resumeWaits(conns: readonly AnalyzedConnection[], resumes: readonly ResumeObservation[]): ResumeWait[] {
  const byId = new Map(conns.map((c) => [c.conn.summary.id, c]));
  const arrivals = new Map<string, ReturnType<typeof contentArrivals>>();
  const arrivalsOf = (id: string) => {
    let a = arrivals.get(id);
    if (!a) {
      const c = byId.get(id);
      a = c ? contentArrivals(c) : [];
      arrivals.set(id, a);
    }
    return a;
  };
  return resumes.map((r) => {
    const before = arrivalsOf(r.before.connectionId);
    const after = arrivalsOf(r.after.connectionId);
    const lastBefore = r.sameConnection ? before.filter((x) => r.before.lastEventSeq !== null && x.seq <= r.before.lastEventSeq) : before;
    const firstAfter = r.sameConnection ? after.filter((x) => r.after.firstEventSeq !== null && x.seq >= r.after.firstEventSeq) : after;
    let skip = r.alignment?.kind === 'continuation' ? r.alignment.replayed : 0;
    let next: number | null = null;
    for (const x of firstAfter) {
      if (skip > 0 && (r.afterMessage === null || x.key === r.afterMessage)) {
        skip -= x.chars;
        if (skip >= 0) continue;
      }
      next = x.time;
      break;
    }
    const lastTextAt = lastBefore.at(-1)?.time ?? null;
    return {
      beforeConnectionId: r.before.connectionId,
      afterConnectionId: r.after.connectionId,
      brokeAt: r.before.brokeAt,
      reopenedAt: r.after.openedAt,
      lastTextAt,
      nextTextAt: next,
      waitedMs: lastTextAt === null || next === null ? null : next - lastTextAt,
    };
  });
}
