/**
 * Resume alignment: did the reconnected stream pick up where the dropped one left off?
 *
 *   alignResume(before: ResumeSide, after: ResumeSide, opts?): Alignment
 *
 * `before` is what the client had when the connection dropped, `after` what the reconnected
 * stream delivered (build both with `resumeSide`). Each side may carry the resume ids
 * (sequence numbers, SSE event ids, offsets) of its frames; ids are trusted over text.
 *
 * - continuation: `after` starts right after `before` (replayed 0), or first replays a tail of
 *   `before` exactly — the same ids again, or without ids the same text ending at a frame
 *   boundary — and `replayed` is the length of that overlap in chars. `verified` is false when
 *   nothing (ids) proves that no text went missing.
 * - duplicate: text the client already showed is delivered again as new (fresh ids, or a
 *   span from the middle of `before`), so a client appending it shows it twice.
 * - gap: ids jump past the next expected one: `missingIds` lists what never arrived and
 *   `position` is where in `before`'s text the missing part belongs.
 * - restart: `after` begins again from the start (ids at or before `before`'s first, or the
 *   same opening text), or replays already-seen ids with different text (a new answer).
 */
import type { Recognition, ResumeHandle } from '../protocols/types';
import type { AssembledMessage, TextSpan } from './reassemble';
import { formatId, numericIds } from './sequence';

export interface ResumeSide {
  text: string;
  spans: TextSpan[];
  /** Resume ids in arrival order with the frame that carried each. */
  ids?: Array<{ frame: number; value: string }>;
  /**
   * The ids are positions whose digits are not a count (offsets: Durable Streams' are byte
   * positions, opaque by its protocol), so they compare only by equality, never as ordinals.
   */
  opaque?: boolean;
}

export interface AlignmentEvidence {
  beforeFrames: number[];
  afterFrames: number[];
  /** Ranges of the text involved, [start, end) in each side's text. */
  beforeRange?: { start: number; end: number };
  afterRange?: { start: number; end: number };
  detail: string;
}

export type Alignment =
  | { kind: 'continuation'; replayed: number; verified: boolean; evidence: AlignmentEvidence }
  | { kind: 'duplicate'; length: number; evidence: AlignmentEvidence }
  | { kind: 'gap'; position: number; missingIds?: string[]; missingCount?: number; evidence: AlignmentEvidence }
  | { kind: 'restart'; sameStart: boolean; evidence: AlignmentEvidence };

export interface AlignOptions {
  /** Shortest text overlap taken as a replay when no ids tell (default 3). */
  minOverlap?: number;
}

/** An overlap this long (chars) is taken as a replay even off frame boundaries: no accident. */
const NO_ACCIDENT = 16;

const ID_KINDS: ResumeHandle['kind'][] = ['sequence', 'offset', 'event-id', 'cursor'];

/** A message plus the resume ids of the recognition it came from (preferring sequences). */
export function resumeSide(rec: Pick<Recognition, 'events' | 'frames'>, message: Pick<AssembledMessage, 'text' | 'spans'>): ResumeSide {
  // A side may be part of one connection (an EventSource before or after its reconnect): its
  // SSE ids are those of the frames its events came from, not of every frame.
  const own = new Set(rec.events.map((e) => e.frame));
  for (const kind of ID_KINDS) {
    const ids =
      kind === 'event-id'
        ? rec.frames.flatMap((f) => (f.id && own.has(f.index) ? [{ frame: f.index, value: f.id }] : []))
        : rec.events.flatMap((e) => (e.handles ?? []).filter((h) => h.kind === kind).map((h) => ({ frame: e.frame, value: h.value })));
    if (ids.length > 0) return { text: message.text, spans: message.spans, ids, ...(kind === 'offset' ? { opaque: true } : {}) };
  }
  return { text: message.text, spans: message.spans };
}

function framesIn(side: ResumeSide, start: number, end: number): number[] {
  return [...new Set(side.spans.filter((s) => s.end > start && s.start < end).map((s) => s.frame))];
}

function evidence(before: ResumeSide, after: ResumeSide, b: [number, number], a: [number, number], detail: string): AlignmentEvidence {
  return {
    beforeFrames: framesIn(before, b[0], b[1]),
    afterFrames: framesIn(after, a[0], a[1]),
    beforeRange: { start: b[0], end: b[1] },
    afterRange: { start: a[0], end: a[1] },
    detail,
  };
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function byIds(before: ResumeSide, after: ResumeSide): Alignment | null {
  const bIds = before.ids ?? [];
  const aIds = after.ids ?? [];
  if (bIds.length === 0 || aIds.length === 0) return null;
  const bn = numericIds(bIds.map((x) => x.value));
  const an = numericIds(aIds.map((x) => x.value));
  const comparable = !before.opaque && !after.opaque && bn && an && bn[0]!.prefix === an[0]!.prefix;
  const seen = new Set(bIds.map((x) => x.value));
  // Ordinals: numeric ids compare as numbers; opaque ids only by membership in `before`.
  const lastB = comparable ? Math.max(...bn.map((x) => x.n)) : null;
  const firstB = comparable ? Math.min(...bn.map((x) => x.n)) : null;
  const firstA = comparable ? an[0]!.n : null;
  const isOld = (i: number): boolean => (comparable ? an[i]!.n <= lastB! : seen.has(aIds[i]!.value));
  if (!comparable && !isOld(0)) return null;
  const lastBFrame = bIds.at(-1)!.frame;
  const B = before.text;
  const A = after.text;
  if (comparable && firstA! > lastB! + 1) {
    const missing: string[] = [];
    for (let n = lastB! + 1; n < firstA! && missing.length < 100; n++) missing.push(formatId(an[0]!, n));
    return {
      kind: 'gap', position: B.length, missingIds: missing, missingCount: firstA! - lastB! - 1,
      evidence: { ...evidence(before, after, [B.length, B.length], [0, 0], `ids jump from ${bIds.at(-1)!.value} to ${aIds[0]!.value}`), beforeFrames: [lastBFrame], afterFrames: [aIds[0]!.frame] },
    };
  }
  if (!isOld(0)) {
    // Fresh ids that continue the sequence decide it: the model may well repeat itself across
    // the cut ("agent agent"), so a text overlap proves nothing here. Opaque fresh ids prove
    // less: an overlap with them is a duplicate no id-based dedupe can catch.
    const k = comparable ? 0 : junctionOverlap(B, A, after.spans, 3);
    if (k > 0) return { kind: 'duplicate', length: k, evidence: evidence(before, after, [B.length - k, B.length], [0, k], `new ids ${aIds[0]!.value}… re-deliver ${k} chars`) };
    return { kind: 'continuation', replayed: 0, verified: true, evidence: { ...evidence(before, after, [B.length, B.length], [0, 0], `ids continue ${bIds.at(-1)!.value} → ${aIds[0]!.value}`), beforeFrames: [lastBFrame], afterFrames: [aIds[0]!.frame] } };
  }
  const oldFrames = new Set(aIds.filter((_, i) => isOld(i)).map((x) => x.frame));
  const replayEnd = after.spans.filter((s) => oldFrames.has(s.frame)).reduce((end, s) => Math.max(end, s.end), 0);
  const replayedText = A.slice(0, replayEnd);
  const fromStart = comparable ? firstA! <= firstB! : aIds[0]!.value === bIds[0]!.value;
  if (fromStart) {
    const same = commonPrefix(A, B) >= Math.min(B.length, replayEnd || 1);
    return { kind: 'restart', sameStart: same, evidence: evidence(before, after, [0, Math.min(B.length, replayEnd)], [0, replayEnd], `after starts again at id ${aIds[0]!.value}`) };
  }
  if (B.endsWith(replayedText)) {
    return { kind: 'continuation', replayed: replayedText.length, verified: true, evidence: evidence(before, after, [B.length - replayedText.length, B.length], [0, replayEnd], `ids ${aIds[0]!.value}… replayed, text identical`) };
  }
  return { kind: 'restart', sameStart: false, evidence: evidence(before, after, [0, B.length], [0, replayEnd], `ids ${aIds[0]!.value}… replayed with different text`) };
}

/** Longest k with B ending in A's first k chars, ending at a frame boundary of A (replays are whole frames) or long enough to be no accident. */
function junctionOverlap(B: string, A: string, aSpans: TextSpan[], min: number): number {
  const ends = new Set(aSpans.map((s) => s.end));
  for (let k = Math.min(B.length, A.length); k >= min; k--) {
    if ((ends.has(k) || k === A.length || k >= NO_ACCIDENT) && B.endsWith(A.slice(0, k))) return k;
  }
  return 0;
}

export function alignResume(before: ResumeSide, after: ResumeSide, opts: AlignOptions = {}): Alignment {
  const min = opts.minOverlap ?? 3;
  const B = before.text;
  const A = after.text;
  const viaIds = byIds(before, after);
  if (viaIds) return viaIds;
  if (A === '' || B === '') {
    return { kind: 'continuation', replayed: 0, verified: false, evidence: evidence(before, after, [B.length, B.length], [0, 0], A === '' ? 'nothing delivered after the resume' : 'nothing before the drop') };
  }
  const cp = commonPrefix(A, B);
  if (cp >= Math.min(B.length, 8)) {
    return { kind: 'restart', sameStart: true, evidence: evidence(before, after, [0, cp], [0, cp], `after repeats the first ${cp} chars`) };
  }
  const k = junctionOverlap(B, A, after.spans, min);
  if (k > 0) {
    return { kind: 'continuation', replayed: k, verified: false, evidence: evidence(before, after, [B.length - k, B.length], [0, k], `after replays the last ${k} chars`) };
  }
  const probe = A.slice(0, Math.max(min, Math.min(after.spans[0] ? after.spans[0].end : A.length, 16)));
  const p = probe.length >= min ? B.indexOf(probe) : -1;
  // A span from the middle of `before` that `after` re-delivers and then leaves: only a long
  // one is evidence. A few characters (" the ", one common word) match by chance when the
  // reconnected stream simply goes on with later text, and reading them as a replay would hide
  // whatever was generated while the client was away.
  const len = p > 0 ? commonPrefix(A, B.slice(p)) : 0;
  if (len >= NO_ACCIDENT) {
    return { kind: 'duplicate', length: len, evidence: evidence(before, after, [p, p + len], [0, len], `after re-delivers chars ${p}–${p + len} of before`) };
  }
  return { kind: 'continuation', replayed: 0, verified: false, evidence: evidence(before, after, [B.length, B.length], [0, 0], 'text continues; without ids a gap cannot be ruled out') };
}
