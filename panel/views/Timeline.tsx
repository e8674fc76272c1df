/**
 * The timeline picture: one lane per listed connection, events as ticks, open / end / reconnect
 * marks, long silences shaded, stalls of the answer (gaps between content tokens over the
 * timing threshold) marked, wheel or buttons to zoom, and a cursor at the selected event.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { Stall } from '../../src/core/analysis';
import { formatDuration, shortUrl } from '../format';
import type { ConnectionRow } from '../logic/rows';
import { axisTicks, gapBetween, laneIndex, nearestIndex, pan, tickXs, toTime, toX, zoom, type Span } from '../logic/timeline';
import { rowContaining } from '../logic/rows';
import { selectConnection, selectEvent, type PanelStore } from '../store';
import { lastTimeOf, offlineWindows } from '../source';

const LANE = 18;
const AXIS = 16;
const LABEL = 160;
/** A gap this long between events is worth seeing: the stall a user notices. */
const SILENCE_MS = 500;

function boundsOf(rows: ConnectionRow[], capture: Map<string, ConnectionCapture>, now: number): Span {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const r of rows) {
    const c = capture.get(r.id);
    t0 = Math.min(t0, r.startedAt);
    t1 = Math.max(t1, r.endedAt ?? (r.state === 'ended' ? (c?.events.at(-1)?.time ?? r.startedAt) : now));
  }
  if (!Number.isFinite(t0)) return { t0: 0, t1: 1000 };
  return { t0, t1: Math.max(t1, t0 + 50) };
}

function EndMark({ x, y, cause }: { x: number; y: number; cause: string }) {
  const mid = y + LANE / 2;
  if (cause === 'network-error') return <path class="mark end-network-error" d={`M${x - 4} ${mid - 4}l8 8m0 -8l-8 8`}><title>network error</title></path>;
  if (cause === 'client-abort') return <rect class="mark end-client-abort" x={x - 3.5} y={mid - 3.5} width={7} height={7}><title>aborted by the app</title></rect>;
  return <rect class={`mark end-${cause}`} x={x - 1} y={y + 2} width={3} height={LANE - 4}><title>{cause === 'clean' ? 'ended cleanly' : 'closed by server'}</title></rect>;
}

function Lane({ row, conn, stalls, y, view, w, selected, cursorX, now }: { row: ConnectionRow; conn: ConnectionCapture; stalls: Stall[]; y: number; view: Span; w: number; selected: boolean; cursorX: number | null; now: number }) {
  const ev = conn.events;
  const end = row.endedAt ?? (row.state === 'ended' ? (ev.at(-1)?.time ?? row.startedAt) : now);
  const x = (t: number) => LABEL + toX(t, view, w);
  const inView = (t: number) => t >= view.t0 && t <= view.t1;
  // Silences are the long gaps between the lane's instants: open, each event, end. Those
  // between events are kept as the lane grows; the first and the last (to "now" while live)
  // are measured here.
  const index = laneIndex(ev, SILENCE_MS);
  const head = gapBetween(row.startedAt, ev[0]?.time ?? end, SILENCE_MS);
  const tail = ev.length > 0 ? gapBetween(ev.at(-1)!.time, end, SILENCE_MS) : [];
  const quiet = [...head, ...index.gaps, ...tail];
  const ticks = tickXs(ev.length, (i) => ev[i]!.time, view, w).filter((t) => t >= 0 && t <= w);
  const sent = index.sent;
  const sentTicks = tickXs(sent.length, (i) => sent[i]!, view, w).filter((t) => t >= 0 && t <= w);
  const x0 = Math.max(LABEL, x(row.startedAt));
  const x1 = Math.min(LABEL + w, x(end));
  return (
    <g class={selected ? 'lane selected' : 'lane'} data-id={row.id} data-ticks={ticks.length} data-stalls={stalls.length} aria-label={`${row.method} ${shortUrl(row.url)}`}>
      <rect class="lane-bg" x={0} y={y} width={LABEL + w} height={LANE} />
      <text class="lane-label" x={4} y={y + LANE - 5}>
        {`${row.kindLabel} ${shortUrl(row.url)}`.slice(0, 28)}
      </text>
      {x1 > x0 && <line class={`life life-${row.end ?? 'live'}`} x1={x0} x2={x1} y1={y + LANE / 2} y2={y + LANE / 2} />}
      {quiet.map((s) => {
        const a = Math.max(LABEL, x(s.t0));
        const b = Math.min(LABEL + w, x(s.t1));
        return b > a ? (
          <rect key={s.t0} class="silence" x={a} y={y + 1} width={b - a} height={LANE - 2}>
            <title>{`silent for ${formatDuration(s.t1 - s.t0)}`}</title>
          </rect>
        ) : null;
      })}
      {stalls.map((s) => {
        const a = Math.max(LABEL, x(s.start));
        const b = Math.min(LABEL + w, x(s.end));
        return b > a ? (
          <g key={s.start} class="stall" data-duration={s.durationMs}>
            <line class="stall-line" x1={a} x2={b} y1={y + LANE - 2} y2={y + LANE - 2} />
            <title>{`stall: no token for ${formatDuration(s.durationMs)}`}</title>
          </g>
        ) : null;
      })}
      <path class="ticks" d={ticks.map((t) => `M${LABEL + t + 0.5} ${y + 4}v${LANE - 8}`).join('')} />
      {sentTicks.length > 0 && <path class="ticks sent" d={sentTicks.map((t) => `M${LABEL + t + 0.5} ${y + 2}v${LANE - 4}`).join('')} />}
      {inView(row.startedAt) && <circle class="mark open" cx={x(row.startedAt)} cy={y + LANE / 2} r={3}><title>opened</title></circle>}
      {(conn.summary.reconnectMarks ?? []).filter((m) => inView(m.time)).map((m) => (
        <path key={m.time} class="mark reconnect" d={`M${x(m.time)} ${y + 3}l4 6l-4 6l-4 -6z`}>
          <title>{`reconnect after ${m.afterEvents} events${m.lastEventId ? `, Last-Event-ID ${m.lastEventId}` : ''}`}</title>
        </path>
      ))}
      {(conn.summary.faults ?? []).filter((f) => inView(f.time)).map((f, i) => (
        // Labelled, not only a tooltip: a fault the user injected must be seen where it hit.
        <g key={`${f.id}-${i}`} class="fault-mark" data-kind={f.kind}>
          <path class="mark fault" d={`M${x(f.time) + 2} ${y + 2}l-5 8h4l-2 6l5 -8h-4z`} />
          <text class="fault-label" x={x(f.time) + 5} y={y + LANE - 5}>
            {f.kind}
          </text>
          <title>{`injected ${f.kind}${f.detail ? `: ${f.detail}` : ''}`}</title>
        </g>
      ))}
      {row.end && inView(end) && <EndMark x={x(end)} y={y} cause={row.end} />}
      {cursorX !== null && <circle class="cursor-dot" cx={cursorX} cy={y + LANE / 2} r={3.5} />}
    </g>
  );
}

/** Page-wide marks across every lane: offline windows (from signals) and page-level faults. */
function PageMarks({ store, view, w, height, now }: { store: PanelStore; view: Span; w: number; height: number; now: number }) {
  const { signals, faults } = store.data;
  const x = (t: number) => LABEL + toX(t, view, w);
  const clampX = (t: number) => Math.min(LABEL + w, Math.max(LABEL, x(t)));
  const inView = (t: number) => t >= view.t0 && t <= view.t1;
  return (
    <g class="page-marks">
      {offlineWindows(signals, now).map((o) => {
        const a = clampX(o.t0);
        const b = clampX(o.t1);
        if (b < a || o.t1 < view.t0 || o.t0 > view.t1) return null;
        return (
          <g key={o.t0} class="offline-window">
            <rect class="offline" x={a} y={AXIS} width={Math.max(2, b - a)} height={height - AXIS}>
              <title>{`page offline for ${formatDuration(o.t1 - o.t0)}${o.closed ? '' : ' (still offline)'}`}</title>
            </rect>
            {inView(o.t0) && <text class="page-label" x={a + 2} y={AXIS + 9}>offline</text>}
            {o.closed && inView(o.t1) && <text class="page-label" x={b + 2} y={AXIS + 9}>online</text>}
          </g>
        );
      })}
      {faults.filter((f) => f.connectionId === null && inView(f.time)).map((f, i) => (
        <g key={`${f.id}-${i}`} class="fault-mark page-fault" data-kind={f.kind}>
          <line class="page-fault-line" x1={x(f.time)} x2={x(f.time)} y1={AXIS - 4} y2={height} />
          <text class="fault-label" x={x(f.time) + 3} y={height - 3}>{`${f.kind} (page)`}</text>
          <title>{`injected ${f.kind}${f.detail ? `: ${f.detail}` : ''}`}</title>
        </g>
      ))}
    </g>
  );
}

export function Timeline({ store }: { store: PanelStore }) {
  const rows = store.rows.value;
  void store.version.value;
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // A stored or imported capture no longer grows: its open streams end at its last instant.
  const now = store.readOnly.value ? lastTimeOf(store.data) : Date.now();
  const bounds = boundsOf(rows, store.capture, now);
  const view = store.timeline.view.value ?? bounds;
  const w = Math.max(50, width - LABEL - 8);
  const setView = (v: Span | null) => (store.timeline.view.value = v);
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const svg = e.currentTarget as SVGSVGElement;
    const anchor = Math.min(1, Math.max(0, (e.clientX - svg.getBoundingClientRect().left - LABEL) / w));
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) setView(pan(view, (e.deltaX || e.deltaY) / 500, bounds));
    else setView(zoom(view, e.deltaY > 0 ? 1.25 : 0.8, anchor, bounds));
  };
  const selId = store.selection.connectionId.value;
  const selRow = store.selection.eventIndex.value === null ? undefined : store.eventRows.value[store.selection.eventIndex.value];
  const cursorX = selRow && selRow.time >= view.t0 && selRow.time <= view.t1 ? LABEL + toX(selRow.time, view, w) : null;
  const onClick = (e: MouseEvent) => {
    const svg = e.currentTarget as SVGSVGElement;
    const r = svg.getBoundingClientRect();
    const lane = Math.floor((e.clientY - r.top - AXIS) / LANE);
    const row = rows[lane];
    if (!row) return;
    selectConnection(store, row.id);
    const conn = store.capture.get(row.id);
    const px = e.clientX - r.left - LABEL;
    if (!conn || px < 0 || conn.events.length === 0) return;
    const ev = nearestIndex(conn.events.length, (i) => conn.events[i]!.time, toTime(px, view, w));
    selectEvent(store, store.eventMode.value === 'messages' ? rowContaining(store.eventRows.value, ev) : ev);
  };
  const height = AXIS + rows.length * LANE;
  const origin = bounds.t0;
  return (
    <section class="timeline" aria-label="Timeline">
      <div class="subbar">
        <span class="muted">Timeline</span>
        <button type="button" aria-label="Zoom in" title="Zoom in (wheel)" onClick={() => setView(zoom(view, 0.5, 0.5, bounds))}>+</button>
        <button type="button" aria-label="Zoom out" title="Zoom out (wheel)" onClick={() => setView(zoom(view, 2, 0.5, bounds))}>−</button>
        <button type="button" title="Show the whole capture" onClick={() => setView(null)}>Fit</button>
        <span class="muted">{formatDuration(view.t1 - view.t0)} shown · shaded: silent ≥ {SILENCE_MS} ms · red underline: stall ≥ {formatDuration(store.timing.stallMs.value)} between tokens</span>
      </div>
      <div class="timeline-box" ref={box}>
        <svg class="timeline-svg" role="img" aria-label="Connection timeline" width={LABEL + w} height={height} onWheel={onWheel} onClick={onClick}>
          {axisTicks({ t0: view.t0 - origin, t1: view.t1 - origin }).map((t) => (
            <g key={t} class="axis">
              <line x1={LABEL + toX(t + origin, view, w)} x2={LABEL + toX(t + origin, view, w)} y1={AXIS - 4} y2={height} />
              <text x={LABEL + toX(t + origin, view, w) + 2} y={AXIS - 5}>{formatDuration(t)}</text>
            </g>
          ))}
          {rows.map((r, i) => {
            const conn = store.capture.get(r.id);
            return conn ? <Lane key={r.id} row={r} conn={conn} stalls={store.timings.of(conn).stalls} y={AXIS + i * LANE} view={view} w={w} selected={r.id === selId} cursorX={r.id === selId ? cursorX : null} now={now} /> : null;
          })}
          <PageMarks store={store} view={view} w={w} height={height} now={now} />
          {cursorX !== null && <line class="cursor" x1={cursorX} x2={cursorX} y1={AXIS - 4} y2={height} />}
        </svg>
      </div>
    </section>
  );
}
