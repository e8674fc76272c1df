/**
 * The virtualized event table: one fixed row height, so only the rows in view (plus overscan)
 * exist in the DOM, whether the connection has 40 events or 100,000. While streaming it follows
 * new rows only if the user is at the bottom; it never takes focus.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../clipboard';
import { formatBytes, formatDuration } from '../format';
import { menu } from '../menu';
import { previewText, type EventRow } from '../logic/rows';
import { shownRow } from '../logic/hide-secrets';
import { highlightParts } from '../logic/search';
import { bottomScrollTop, isAtBottom, moveSelection, revealScrollTop, virtualWindow } from '../logic/virtual';
import { selectEvent, type PanelStore } from '../store';

export const ROW_HEIGHT = 20;
const HEADER_HEIGHT = 22;
const OVERSCAN = 12;

function Highlighted({ text, query }: { text: string; query: string }) {
  if (query === '') return <>{text}</>;
  return (
    <>
      {highlightParts(text, query).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text))}
    </>
  );
}

export function eventJson(r: EventRow): string {
  return JSON.stringify({ index: r.index, time: r.time, dir: r.dir, type: r.type, id: r.id || undefined, size: r.size, data: r.text ?? r.base64 });
}

function rowMenu(r: EventRow, e: MouseEvent) {
  menu.show(e, [
    { label: 'Copy data', run: () => void copyText(r.text ?? r.base64 ?? '', 'data') },
    { label: 'Copy event as JSON', run: () => void copyText(eventJson(r), 'event') },
  ]);
}

/** `live` picks where a freshly shown table starts: following the bottom of a live stream, at the top of an ended one. */
export function EventTable({ store, startedAt, live, compact }: { store: PanelStore; startedAt: number; live: boolean; compact: boolean }) {
  const rows = store.eventRows.value;
  const selected = store.selection.eventIndex.value;
  const query = store.search.query.value;
  const matches = store.matches.value;
  const current = store.search.current.value;
  const currentRow = current >= 0 ? matches[current] : undefined;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const following = useRef(live);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // New rows: follow them only if the user was at the bottom (a scrolled-up reader stays put).
  // Where the bottom is, is arithmetic (fixed row height, the viewport's height from the
  // ResizeObserver), so this render already draws the rows there and the effect only writes
  // scrollTop: reading scrollHeight/scrollTop here forced a second layout per batch and the
  // state update a second render, 20 ms a batch at 1,000 events/s.
  const followTop = following.current ? bottomScrollTop(rows.length, ROW_HEIGHT, HEADER_HEIGHT, height) : null;
  const written = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el || followTop === null) return;
    // The reader scrolled away since our last write, and a render came before its scroll
    // event: they stay where they went. (Reading scrollTop right before writing it costs no
    // extra layout: the write needs that same one.)
    const at = el.scrollTop;
    if (written.current !== null && at < written.current - 1) {
      following.current = false;
      written.current = null;
      setScrollTop(at);
      return;
    }
    el.scrollTop = followTop;
    // Where the browser put it (clamped, rounded to device pixels), read back at no cost: the
    // layout is clean after the write.
    written.current = el.scrollTop;
  }, [followTop]);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el || selected === null) return;
    const top = revealScrollTop(selected, ROW_HEIGHT, el.scrollTop, el.clientHeight - HEADER_HEIGHT);
    if (top !== el.scrollTop) {
      el.scrollTop = top;
      setScrollTop(el.scrollTop);
    }
  }, [selected, rows]);

  const onScroll = () => {
    const top = viewport.current!.scrollTop;
    setScrollTop(top);
    following.current = isAtBottom(top, height, HEADER_HEIGHT + rows.length * ROW_HEIGHT, ROW_HEIGHT);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && selected !== null) {
      e.preventDefault();
      store.selection.detailOpen.value = true;
      return;
    }
    const page = Math.max(1, Math.floor((height - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const next = moveSelection(e.key, selected, rows.length, page);
    if (next === null) return;
    e.preventDefault();
    selectEvent(store, next);
  };

  const { start, end } = virtualWindow({ count: rows.length, rowHeight: ROW_HEIGHT, scrollTop: followTop ?? scrollTop, viewportHeight: height - HEADER_HEIGHT, overscan: OVERSCAN });
  const hits = query === '' ? null : new Set(matches);
  return (
    <div class="viewport" ref={viewport} onScroll={onScroll}>
      <div class="sizer" style={{ height: `${HEADER_HEIGHT + rows.length * ROW_HEIGHT}px` }}>
        <table
          class="grid events-table"
          aria-label="Connection events"
          aria-rowcount={rows.length + 1}
          data-rows={rows.length}
          tabIndex={0}
          onKeyDown={onKeyDown}
          style={{ top: `${start * ROW_HEIGHT}px` }}
        >
          <colgroup>
            <col class="c-seq" />
            <col class="c-time" />
            <col class="c-dir" />
            <col class="c-type" />
            {!compact && <col class="c-id" />}
            {!compact && <col class="c-size" />}
            <col />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" class="num">#</th>
              <th scope="col" class="num">Time</th>
              <th scope="col">Dir</th>
              <th scope="col">Type</th>
              {!compact && <th scope="col">Id</th>}
              {!compact && (
                <th scope="col" class="num">
                  Size
                </th>
              )}
              <th scope="col">Data</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(start, end).map((r, slot) => {
              const cls = [r.index === selected && 'selected', hits?.has(r.index) && 'hit', r.index === currentRow && 'current-hit', r.error && 'bad', r.request && 'request-start'].filter(Boolean).join(' ');
              return (
                <tr
                  // While following a stream, keyed by its place in the window: each batch shifts
                  // the window by whole rows, and a reused row only changes its text where new
                  // rows would be built, styled and laid out from nothing. A reader's scroll
                  // moves a few rows at a time, so there the event's index keeps the rest as
                  // they are (slot keys made wheel steps slower: 13 -> 20 ms p95).
                  key={followTop !== null ? slot : r.index}
                  aria-rowindex={r.index + 2}
                  aria-selected={r.index === selected}
                  data-index={r.index}
                  class={cls || undefined}
                  onClick={() => selectEvent(store, r.index, true)}
                  onContextMenu={(e) => rowMenu(shownRow(r), e)}
                >
                  <td class="num">{r.index}</td>
                  <td class="num">+{formatDuration(r.time - startedAt)}</td>
                  <td class={`dir dir-${r.dir}`} title={r.dir === 'in' ? 'received' : 'sent'}>
                    {r.dir === 'in' ? '↓' : '↑'}
                  </td>
                  <td>
                    {r.request && (
                      <span class="request-mark" title={`request ${r.request.n} of ${r.request.of}: ${r.request.url}`}>
                        request {r.request.n}/{r.request.of}
                      </span>
                    )}
                    {r.type}
                    {r.mark && <span class={`frame-mark mark-${r.mark}`} title="What the panel's WebSocket control did to this frame"> {r.mark}</span>}
                  </td>
                  {!compact && <td>{r.id}</td>}
                  {!compact && <td class="num">{formatBytes(r.size)}</td>}
                  <td class="data">
                    <Highlighted text={previewText(shownRow(r))} query={query} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
