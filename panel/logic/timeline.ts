/** Math of the timeline picture: a visible time span mapped onto a width, zoom, ticks and silences. */
export interface Span {
  t0: number;
  t1: number;
}

export const MIN_SPAN_MS = 5;

export function toX(t: number, view: Span, width: number): number {
  return ((t - view.t0) / Math.max(1e-9, view.t1 - view.t0)) * width;
}

export function toTime(x: number, view: Span, width: number): number {
  return view.t0 + (x / Math.max(1, width)) * (view.t1 - view.t0);
}

function clampSpan(s: Span, bounds: Span): Span {
  const w = Math.min(s.t1 - s.t0, bounds.t1 - bounds.t0);
  let t0 = Math.max(bounds.t0, s.t0);
  if (t0 + w > bounds.t1) t0 = bounds.t1 - w;
  return { t0, t1: t0 + w };
}

/** Zooms by `factor` (<1 zooms in) keeping the time under `anchor` (0..1 of the width) in place. */
export function zoom(view: Span, factor: number, anchor: number, bounds: Span): Span {
  const w = view.t1 - view.t0;
  const nw = Math.max(MIN_SPAN_MS, Math.min(bounds.t1 - bounds.t0, w * factor));
  const at = view.t0 + w * anchor;
  return clampSpan({ t0: at - nw * anchor, t1: at - nw * anchor + nw }, bounds);
}

/** Pans by a fraction of the visible width. */
export function pan(view: Span, fraction: number, bounds: Span): Span {
  const d = (view.t1 - view.t0) * fraction;
  return clampSpan({ t0: view.t0 + d, t1: view.t1 + d }, bounds);
}

function lowerBoundBy(count: number, timeAt: (i: number) => number, t: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeAt(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One tick per occupied pixel column: 100,000 events draw as at most `width` ticks. Times
 * must be ascending (events are appended in time order). From each tick it jumps to the first
 * event past its pixel (a binary search), so the cost follows the width, not the events: the
 * lane of a stream of 100,000 events is drawn again each frame it grows.
 */
export function tickXs(count: number, timeAt: (i: number) => number, view: Span, width: number): number[] {
  const out: number[] = [];
  let last = -1;
  let i = lowerBoundBy(count, timeAt, view.t0);
  while (i < count) {
    const t = timeAt(i);
    if (t > view.t1) break;
    const x = Math.round(toX(t, view, width));
    if (x !== last) out.push(x);
    last = x;
    i = Math.max(i + 1, lowerBoundBy(count, timeAt, toTime(x + 0.5, view, width)));
  }
  return out;
}

/** Gaps of at least `minGap` ms between consecutive instants (open, events, end), ascending. */
export function silences(count: number, timeAt: (i: number) => number, minGap: number): Span[] {
  const out: Span[] = [];
  for (let i = 1; i < count; i++) {
    const a = timeAt(i - 1);
    const b = timeAt(i);
    if (b - a >= minGap) out.push({ t0: a, t1: b });
  }
  return out;
}

/** The one silence between two instants, if they are at least `minGap` ms apart. */
export function gapBetween(a: number, b: number, minGap: number): Span[] {
  return b - a >= minGap ? [{ t0: a, t1: b }] : [];
}

export interface LaneIndex {
  /** Gaps of at least the index's minGap between consecutive events. */
  gaps: Span[];
  /** Times of the events sent by the page. */
  sent: number[];
}

interface LaneMemo extends LaneIndex {
  count: number;
  minGap: number;
}

const lanes = new WeakMap<readonly unknown[], LaneMemo>();

/**
 * A lane's silences between events and its sent events' times, kept per events list and
 * extended with the new events only: the list grows by appending, and the lane is drawn each
 * frame a stream grows.
 */
export function laneIndex(events: ReadonlyArray<{ time: number; dir: string }>, minGap: number): LaneIndex {
  let m = lanes.get(events);
  if (!m || m.count > events.length || m.minGap !== minGap) {
    m = { count: 0, minGap, gaps: [], sent: [] };
    lanes.set(events, m);
  }
  for (let i = m.count; i < events.length; i++) {
    const e = events[i]!;
    if (i > 0 && e.time - events[i - 1]!.time >= minGap) m.gaps.push({ t0: events[i - 1]!.time, t1: e.time });
    if (e.dir === 'out') m.sent.push(e.time);
  }
  m.count = events.length;
  return m;
}

/** Readable axis labels: a step of 1, 2 or 5 × 10^n ms giving about `target` labels. */
export function axisTicks(view: Span, target = 6): number[] {
  const w = view.t1 - view.t0;
  if (w <= 0) return [];
  const raw = w / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) out.push(t);
  return out;
}

/** The index of the time in `times` nearest to `t` (for clicking a lane). */
export function nearestIndex(count: number, timeAt: (i: number) => number, t: number): number {
  if (count === 0) return -1;
  const i = lowerBoundBy(count, timeAt, t);
  if (i === 0) return 0;
  if (i >= count) return count - 1;
  return t - timeAt(i - 1) <= timeAt(i) - t ? i - 1 : i;
}
