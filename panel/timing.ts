/**
 * Stream timing in the panel: the stall threshold and the connection list's optional columns
 * (both remembered in localStorage, as Preserve log is), and each connection's timing,
 * memoized on the connection. A live stream's timing is refreshed at most every
 * `LIVE_REFRESH_MS`, and no more often than ten times what reading it took: re-reading a
 * growing stream per batch would be quadratic, and a 100,000-frame socket takes seconds to read.
 * Where the stream's reading grows in place, a refresh reads only the new events.
 */
import { signal, type Signal } from '@preact/signals';
import { findResumes, resumeWaits, timingFold, DEFAULT_STALL_MS, type ResumeWait, type StreamTiming, type TimingFold } from '../src/core/analysis';
import type { ConnectionCapture } from '../src/core/trace/model';
import type { Analysis } from './analysis';

export const LIVE_REFRESH_MS = 600;

/** Columns of the connection list; `optional` ones can be hidden or shown from the header's menu. */
export const CONNECTION_COLUMNS = ['url', 'kind', 'protocol', 'status', 'events', 'bytes', 'duration', 'end', 'ttfb', 'ttft', 'tps', 'gap-p95', 'stalls'] as const;
export type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];
export const TIMING_COLUMNS: readonly ConnectionColumn[] = ['ttfb', 'ttft', 'tps', 'gap-p95', 'stalls'];
export const DEFAULT_COLUMNS: readonly ConnectionColumn[] = ['url', 'kind', 'protocol', 'status', 'events', 'bytes', 'duration', 'end'];

const COLUMNS_KEY = 'durable-sessions.columns';
const STALL_KEY = 'durable-sessions.stallMs';

function persisted<T>(key: string, fallback: T, read: (raw: string) => T | null, write: (v: T) => string): Signal<T> {
  let initial = fallback;
  try {
    const raw = globalThis.localStorage?.getItem(key);
    if (raw != null) initial = read(raw) ?? fallback;
  } catch {
    // No storage (tests, sandboxed frames): the default applies.
  }
  const s = signal(initial);
  s.subscribe((v) => {
    try {
      globalThis.localStorage?.setItem(key, write(v));
    } catch {
      // Not persisted; the choice still holds for this panel.
    }
  });
  return s;
}

function parseColumns(raw: string): ConnectionColumn[] | null {
  try {
    const v = JSON.parse(raw) as unknown;
    if (!Array.isArray(v)) return null;
    const cols = CONNECTION_COLUMNS.filter((c) => v.includes(c));
    // The URL column is what a row is; it is never hidden.
    return cols.includes('url') ? cols : ['url', ...cols];
  } catch {
    return null;
  }
}

export function createTimingStore() {
  return {
    /** Shown columns, in the list's order. */
    columns: persisted<ConnectionColumn[]>(COLUMNS_KEY, [...DEFAULT_COLUMNS], parseColumns, (v) => JSON.stringify(v)),
    /** Gaps between content tokens of at least this many ms are stalls. */
    stallMs: persisted(STALL_KEY, DEFAULT_STALL_MS, (raw) => (Number(raw) > 0 ? Number(raw) : null), String),
  };
}

export type TimingStore = ReturnType<typeof createTimingStore>;

/** Shows or hides one column, keeping the list's order. */
export function toggleColumn(columns: readonly ConnectionColumn[], col: ConnectionColumn): ConnectionColumn[] {
  if (col === 'url') return [...columns];
  const on = new Set(columns);
  if (on.has(col)) on.delete(col);
  else on.add(col);
  return CONNECTION_COLUMNS.filter((c) => on.has(c));
}

interface TimingMemo {
  key: string;
  at: number;
  /** ms the last reading took. */
  cost: number;
  value: StreamTiming;
}

/** Whether a memo of a live capture is recent enough to show instead of reading again. */
function fresh(m: { at: number; cost: number }, t: number): boolean {
  return t - m.at < Math.max(LIVE_REFRESH_MS, 10 * m.cost);
}

export interface Timings {
  of(conn: ConnectionCapture): StreamTiming;
  /** Waits across every reconnect of the shown connections (the analysis' resume links). */
  resumes(conns: readonly ConnectionCapture[]): ResumeWait[];
}

export function createTimings(analysis: Analysis, stallMs: () => number, now: () => number = Date.now): Timings {
  const cache = new WeakMap<ConnectionCapture, TimingMemo>();
  // Each connection's fold reads only what its stream added since the last refresh, where the
  // stream's reading grows in place (timing.ts `timingFold`).
  const folds = new WeakMap<ConnectionCapture, TimingFold>();
  const foldOf = (conn: ConnectionCapture): TimingFold => {
    let f = folds.get(conn);
    if (!f) folds.set(conn, (f = timingFold()));
    return f;
  };
  let waits: { key: string; at: number; cost: number; value: ResumeWait[] } | null = null;
  return {
    of(conn) {
      const key = `${conn.events.length}:${conn.summary.state}:${stallMs()}`;
      const hit = cache.get(conn);
      const t = now();
      if (hit && (hit.key === key || (conn.summary.state !== 'ended' && hit.key.endsWith(`:${stallMs()}`) && fresh(hit, t)))) return hit.value;
      const value = foldOf(conn).update(analysis.analyzed(conn), { stallMs: stallMs() });
      cache.set(conn, { key, at: t, cost: now() - t, value });
      return value;
    },
    resumes(conns) {
      const key = conns.map((c) => `${c.summary.id}:${c.events.length}:${c.summary.state}`).join('|');
      const t = now();
      const live = conns.some((c) => c.summary.state !== 'ended');
      if (waits && (waits.key === key || (live && fresh(waits, t)))) return waits.value;
      const analyzed = conns.map((c) => analysis.analyzed(c));
      const value = resumeWaits(analyzed, findResumes(analyzed));
      waits = { key, at: t, cost: now() - t, value };
      return value;
    },
  };
}
