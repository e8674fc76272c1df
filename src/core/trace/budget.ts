/**
 * The byte budget of a tab's live capture. Per-string and per-batch limits bound one message,
 * not a page that streams (or forges) without end: past the budget, the payloads of the oldest
 * events are dropped — their text and bytes, not the events themselves, so every event keeps
 * its place (`seq`), time, size and id, the timeline stays whole, and the newest data is kept.
 * The background decides, the panel applies the same decision to its copy, and a page signal
 * says what was dropped.
 */
import type { TabCapture, TraceEvent } from './model';

/** Per live session (one page load of a tab). Settings may lower or raise it. */
export const DEFAULT_BYTE_BUDGET = 128 * 1024 * 1024;
/** Once over budget, drop down to this share of it, so eviction runs rarely, not every batch. */
const EVICT_TO = 0.75;
/** What an event costs besides its payload (the object and its fields), roughly. */
const EVENT_OVERHEAD = 64;

/** Payloads of events `seq ≤ throughSeq` of a connection are dropped. */
export interface Eviction {
  connId: string;
  throughSeq: number;
}

/** Roughly the bytes an event holds: its payload strings, one byte per character, and overhead. */
export function heldBytes(e: Pick<TraceEvent, 'text' | 'base64'>): number {
  return (e.text?.length ?? 0) + (e.base64?.length ?? 0) + EVENT_OVERHEAD;
}

export function heldBytesOf(capture: TabCapture): number {
  let n = 0;
  for (const c of capture.values()) for (const e of c.events) n += heldBytes(e);
  return n;
}

/**
 * Which payloads to drop so that `held` comes down to 75 % of `budget`: oldest first by time
 * across the tab's connections. Returns nothing while under budget.
 */
export function planEviction(capture: TabCapture, held: number, budget: number): { evictions: Eviction[]; events: number; bytes: number } {
  if (held <= budget) return { evictions: [], events: 0, bytes: 0 };
  const target = held - budget * EVICT_TO;
  // Each connection's events are in time order: merge them by time, one cursor per connection.
  const cursors = [...capture.values()].map((c) => ({ c, i: 0 }));
  const through = new Map<string, number>();
  let freed = 0;
  let events = 0;
  while (freed < target) {
    let best: (typeof cursors)[number] | null = null;
    for (const k of cursors) {
      const e = k.c.events[k.i];
      if (e && (!best || e.time < best.c.events[best.i]!.time)) best = k;
    }
    if (!best) break;
    const e = best.c.events[best.i]!;
    best.i += 1;
    const payload = heldBytes(e) - EVENT_OVERHEAD;
    if (payload === 0) continue;
    freed += payload;
    events += 1;
    through.set(best.c.summary.id, e.seq);
  }
  return { evictions: [...through].map(([connId, throughSeq]) => ({ connId, throughSeq })), events, bytes: freed };
}

/** Drops the payloads the evictions name; returns the bytes freed. The same on both sides. */
export function dropPayloads(capture: TabCapture, evictions: readonly Eviction[]): number {
  let freed = 0;
  for (const { connId, throughSeq } of evictions) {
    const c = capture.get(connId);
    if (!c) continue;
    for (const e of c.events) {
      if (e.seq > throughSeq) break;
      freed += heldBytes(e) - EVENT_OVERHEAD;
      e.text = null;
      e.base64 = null;
    }
  }
  return freed;
}

/** The page signal's words for what was dropped. */
export function evictionDetail(events: number, bytes: number, budget: number): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
  return `The payloads of the ${events} oldest event${events === 1 ? '' : 's'} (${mib(bytes)}) were dropped to keep this tab within its ${mib(budget)} capture budget; the events themselves, their times and sizes are kept`;
}
