/**
 * Search across every stream of a session: the raw data of each event, the parsed messages
 * (frames) whose bytes spanned several chunks, and the reassembled answers, with hits grouped
 * by connection and each pointing at the event (and frame) to jump to.
 *
 * Duplicates are left out: a frame carried by one chunk is already searched as that chunk, and
 * an answer match inside a frame whose chunks already matched says nothing new; what remains
 * are the matches only joining makes visible (a phrase split over tokens or chunks).
 *
 * One pass per text with one compiled RegExp; snippets are built only for the first hits, so
 * 100,000 events are searched in tens of milliseconds (see the benchmark's search arm).
 */
import type { Frame } from '../parse/types';
import type { AssembledMessage } from '../reassembly';
import type { TraceEvent } from '../trace/model';
import { compileQuery, type QueryOptions } from './query';

export const HIT_SOURCES = ['event', 'frame', 'answer'] as const;
export type HitSource = (typeof HIT_SOURCES)[number];

/** What a caller knows about one connection; frames and messages are optional (memoized by the caller). */
export interface SearchableConnection {
  id: string;
  events: readonly TraceEvent[];
  frames?: readonly Frame[];
  messages?: readonly Pick<AssembledMessage, 'key' | 'text' | 'spans'>[];
}

export interface Snippet {
  before: string;
  match: string;
  after: string;
}

export interface SearchHit {
  connectionId: string;
  source: HitSource;
  /** The event to select (`TraceEvent.seq`): the matching chunk, or the first chunk of the matching frame. */
  seq: number;
  /** The frame (parsed message) that holds the match, when known. */
  frame: number | null;
  /** The answer's message key, for answer hits. */
  message: string | null;
  /** Position of the match in the searched text. */
  start: number;
  end: number;
  snippet: Snippet;
}

export interface ConnectionHits {
  connectionId: string;
  /** Matching events, frames and answer passages (all of them, also those without a hit object). */
  count: number;
  hits: SearchHit[];
}

export interface SearchResult {
  groups: ConnectionHits[];
  /** All matches over all connections. */
  total: number;
  /** More matches exist than `hits` lists (bounded by `maxHits`). */
  truncated: boolean;
  /** Why the query could not run (an invalid pattern), or null. */
  error: string | null;
}

export interface SearchOptions extends QueryOptions {
  /** Hit objects (with snippets) built in all; further matches are only counted (default 1000). */
  maxHits?: number;
  /** Characters of context on each side of a snippet (default 40). */
  context?: number;
}

const MAX_MATCH_SHOWN = 200;

function snippetOf(text: string, start: number, end: number, context: number): Snippet {
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  const shownEnd = Math.min(end, start + MAX_MATCH_SHOWN);
  return {
    before: (from > 0 ? '…' : '') + text.slice(from, start),
    match: text.slice(start, shownEnd) + (shownEnd < end ? '…' : ''),
    after: text.slice(end, to) + (to < text.length ? '…' : ''),
  };
}

/** The frame holding character `pos` of a message (spans are ascending). */
function frameOfChar(spans: readonly { start: number; end: number; frame: number }[], pos: number): number | null {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (pos < s.start) hi = mid - 1;
    else if (pos >= s.end) lo = mid + 1;
    else return s.frame;
  }
  return null;
}

export function searchStreams(conns: readonly SearchableConnection[], query: string, options: SearchOptions = {}): SearchResult {
  const compiled = compileQuery(query, options);
  if (compiled === null) return { groups: [], total: 0, truncated: false, error: null };
  if (!compiled.ok) return { groups: [], total: 0, truncated: false, error: compiled.error };
  const re = compiled.pattern;
  const maxHits = options.maxHits ?? 1000;
  const context = options.context ?? 40;
  let built = 0;
  let total = 0;
  const groups: ConnectionHits[] = [];

  const first = (text: string, from = 0): RegExpExecArray | null => {
    re.lastIndex = from;
    return re.exec(text);
  };

  for (const c of conns) {
    const group: ConnectionHits = { connectionId: c.id, count: 0, hits: [] };
    const add = (hit: Omit<SearchHit, 'connectionId' | 'snippet'>, text: string) => {
      group.count += 1;
      total += 1;
      if (built >= maxHits) return;
      built += 1;
      group.hits.push({ connectionId: c.id, ...hit, snippet: snippetOf(text, hit.start, hit.end, context) });
    };
    // Which chunks matched, so frames and answers add only what they alone show.
    const hitSeqs = new Set<number>();
    for (const e of c.events) {
      if (e.text === null) continue;
      const m = first(e.text);
      if (!m) continue;
      hitSeqs.add(e.seq);
      add({ source: 'event', seq: e.seq, frame: null, message: null, start: m.index, end: m.index + m[0].length }, e.text);
    }
    const frames = c.frames ?? [];
    const framesHit = (f: Frame | undefined) => {
      if (!f) return false;
      for (let s = f.at.first; s <= f.at.last; s++) if (hitSeqs.has(s)) return true;
      return false;
    };
    for (const f of frames) {
      if (f.at.first === f.at.last || f.kind === 'ws-binary' || f.envelope?.binary === true || framesHit(f)) continue;
      const m = first(f.data);
      if (!m) continue;
      add({ source: 'frame', seq: f.at.first, frame: f.index, message: null, start: m.index, end: m.index + m[0].length }, f.data);
    }
    for (const msg of c.messages ?? []) {
      for (let m = first(msg.text); m; m = first(msg.text, m.index + m[0].length)) {
        const frameIndex = frameOfChar(msg.spans, m.index);
        const f = frameIndex === null ? undefined : frames[frameIndex];
        // A match inside one frame whose chunks already matched is that hit again.
        const endFrame = frameOfChar(msg.spans, m.index + m[0].length - 1);
        if (f && endFrame === frameIndex && framesHit(f)) continue;
        add({ source: 'answer', seq: f?.at.first ?? 0, frame: frameIndex, message: msg.key, start: m.index, end: m.index + m[0].length }, msg.text);
      }
    }
    if (group.count > 0) groups.push(group);
  }
  return { groups, total, truncated: total > built, error: null };
}
