import { formatBytes, formatDuration, shortUrl } from '../format';
import { menu } from '../menu';
import { copyText } from '../clipboard';
import { COPY_ACTIONS, copyOf, receivedText } from '../requests';
import { lateJoinLine, lateJoinIncomplete, type ConnectionRow } from '../logic/rows';
import { ariaSort, nextSort, type SortKey } from '../logic/sort';
import { moveSelection } from '../logic/virtual';
import { selectConnection, type PanelStore } from '../store';
import { CONNECTION_COLUMNS, toggleColumn, type ConnectionColumn } from '../timing';
import type { StreamTiming } from '../../src/core/analysis';
import { rateLabel } from './TimingView';
import { deepOriginLine, workerLabel } from '../logic/deep-capture';

interface Column {
  key: ConnectionColumn;
  label: string;
  /** Timing columns do not sort (their figures are computed lazily, per shown row). */
  sort?: SortKey;
  num?: boolean;
  cls: string;
  title?: string;
}

const COLUMNS: Record<ConnectionColumn, Column> = {
  url: { key: 'url', sort: 'url', label: 'URL', cls: 'c-url' },
  kind: { key: 'kind', sort: 'kind', label: 'Kind', cls: 'c-kind' },
  protocol: { key: 'protocol', sort: 'protocol', label: 'Protocol', cls: 'c-protocol' },
  status: { key: 'status', sort: 'status', label: 'Status', cls: 'c-status' },
  events: { key: 'events', sort: 'events', label: 'Events', num: true, cls: 'c-events' },
  bytes: { key: 'bytes', sort: 'bytes', label: 'Received', num: true, cls: 'c-bytes' },
  duration: { key: 'duration', sort: 'duration', label: 'Duration', num: true, cls: 'c-duration' },
  end: { key: 'end', sort: 'end', label: 'End', cls: 'c-end' },
  ttfb: { key: 'ttfb', label: 'TTFB', num: true, cls: 'c-timing', title: 'Time to first byte' },
  ttft: { key: 'ttft', label: 'First token', num: true, cls: 'c-timing', title: 'Time to first content token' },
  tps: { key: 'tps', label: 'Tokens/s', num: true, cls: 'c-timing', title: 'Output tokens per second (~: estimated from characters ÷ 4)' },
  'gap-p95': { key: 'gap-p95', label: 'Gap p95', num: true, cls: 'c-timing', title: '95th percentile of the gaps between content tokens' },
  stalls: { key: 'stalls', label: 'Stalls', num: true, cls: 'c-timing', title: 'Gaps between content tokens over the stall threshold' },
};

const dur = (v: number | null) => (v === null ? '' : formatDuration(v));

function timingCell(col: ConnectionColumn, t: StreamTiming): string {
  switch (col) {
    case 'ttfb':
      return dur(t.firstByteMs);
    case 'ttft':
      return dur(t.firstTokenMs);
    case 'tps':
      return t.tokensPerSecond === null ? '' : rateLabel(t);
    case 'gap-p95':
      return dur(t.gaps.p95Ms);
    case 'stalls':
      return t.firstTokenMs === null ? '' : String(t.stalls.length);
    default:
      return '';
  }
}

/** Right-click on the header: every column with its check, as DevTools' Network panel offers. */
function headerMenu(store: PanelStore, e: MouseEvent) {
  const shown = store.timing.columns.value;
  menu.show(
    e,
    CONNECTION_COLUMNS.map((c) => ({
      label: COLUMNS[c].title ? `${COLUMNS[c].label} (${COLUMNS[c].title})` : COLUMNS[c].label,
      checked: shown.includes(c),
      disabled: c === 'url',
      run: () => (store.timing.columns.value = toggleColumn(store.timing.columns.value, c)),
    })),
  );
}

function rowMenu(store: PanelStore, row: ConnectionRow, e: MouseEvent) {
  const conn = store.capture.get(row.id) ?? store.joined.value.byId.get(row.id)?.conn;
  if (!conn) return;
  menu.show(e, [
    ...COPY_ACTIONS.map((a) => ({ label: a.label, run: () => void copyText(copyOf(conn, a.format, a.secrets), a.what) })),
    { label: 'Copy URL', run: () => void copyText(row.url, 'URL') },
    { label: 'Copy received data', run: () => void copyText(receivedText(conn), 'received data') },
  ]);
}

export function ConnectionTable({ store }: { store: PanelStore }) {
  const rows = store.rows.value;
  const selectedId = store.selection.connectionId.value;
  const sort = store.filter.sort.value;
  const columns = store.timing.columns.value.map((c) => COLUMNS[c]);
  const timed = columns.some((c) => c.sort === undefined);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = rows.findIndex((r) => r.id === selectedId);
    const next = moveSelection(e.key, i < 0 ? null : i, rows.length, 10);
    if (next === null) return;
    e.preventDefault();
    selectConnection(store, rows[next]!.id);
  };
  return (
    <table class="grid connections" aria-label="Streaming connections" tabIndex={0} onKeyDown={onKeyDown}>
      <colgroup>
        {columns.map((c) => (
          <col key={c.key} class={c.cls} />
        ))}
      </colgroup>
      <thead onContextMenu={(e) => headerMenu(store, e)} title="Right-click to choose columns">
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col" class={c.num ? 'num' : undefined} aria-sort={c.sort ? ariaSort(sort, c.sort) : undefined} data-column={c.key} title={c.title}>
              {c.sort ? (
                <button type="button" class="sort" onClick={() => (store.filter.sort.value = nextSort(sort, c.sort!))} title={`Sort by ${c.label}`}>
                  {c.label}
                </button>
              ) : (
                <span class="sort">{c.label}</span>
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.id}
            class={r.id === selectedId ? 'selected' : undefined}
            aria-selected={r.id === selectedId}
            data-id={r.id}
            data-state={r.state}
            onClick={() => selectConnection(store, r.id)}
            onContextMenu={(e) => rowMenu(store, r, e)}
          >
            {columns.map((c) => cell(store, c.key, r, timed))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function cell(store: PanelStore, col: ConnectionColumn, r: ConnectionRow, timed: boolean) {
  switch (col) {
    case 'url':
      return (
        <td key={col} class="url" title={r.url}>
          <span class="method">{r.method}</span> {shortUrl(r.url)}
          {r.joinedLate && (
            <span class={`badge late ${lateJoinIncomplete(r.joinedLate) ? 'warn' : 'ok'}`} title={lateJoinLine(r.joinedLate) ?? undefined}>
              joined late
            </span>
          )}
          {r.deep && (
            <span class="badge deep" title={deepOriginLine(r.deep)}>
              {workerLabel(r.deep.workerType)} · deep
            </span>
          )}
        </td>
      );
    case 'kind':
      return <td key={col} title={r.kindLabel}>{r.kindLabel}</td>;
    case 'protocol':
      return (
        <td key={col} class={r.protocolGuess ? 'guess' : undefined} title={r.protocolGuess ? `${r.protocolName}: guessed from the payload's shape` : r.protocolName}>
          {r.protocolName}
        </td>
      );
    case 'status':
      return (
        <td key={col} class={`status ${r.statusClass}`} title={r.statusLabel}>
          {r.statusLabel}
        </td>
      );
    case 'events':
      return <td key={col} class="num events">{r.events}</td>;
    case 'bytes':
      return <td key={col} class="num">{formatBytes(r.bytes)}</td>;
    case 'duration':
      return <td key={col} class="num">{r.duration === null ? '' : formatDuration(r.duration)}</td>;
    case 'end':
      return (
        <td key={col} class={`end end-${r.end ?? 'live'}`} title={r.endLabel}>
          {r.endLabel}
        </td>
      );
    default: {
      const conn = timed ? store.capture.get(r.id) : undefined;
      return <td key={col} class="num timing">{conn ? timingCell(col, store.timings.of(conn)) : ''}</td>;
    }
  }
}
