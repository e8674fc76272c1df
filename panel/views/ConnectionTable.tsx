import { formatBytes, formatDuration, shortUrl } from '../format';
import { menu } from '../menu';
import { copyText } from '../clipboard';
import { COPY_ACTIONS, copyOf, receivedText } from '../requests';
import { lateJoinLine, type ConnectionRow } from '../logic/rows';
import { ariaSort, nextSort, type SortKey } from '../logic/sort';
import { moveSelection } from '../logic/virtual';
import { selectConnection, type PanelStore } from '../store';

const COLUMNS: { key: SortKey; label: string; num?: boolean; cls: string }[] = [
  { key: 'url', label: 'URL', cls: 'c-url' },
  { key: 'kind', label: 'Kind', cls: 'c-kind' },
  { key: 'protocol', label: 'Protocol', cls: 'c-protocol' },
  { key: 'status', label: 'Status', cls: 'c-status' },
  { key: 'events', label: 'Events', num: true, cls: 'c-events' },
  { key: 'bytes', label: 'Received', num: true, cls: 'c-bytes' },
  { key: 'duration', label: 'Duration', num: true, cls: 'c-duration' },
  { key: 'end', label: 'End', cls: 'c-end' },
];

function rowMenu(store: PanelStore, row: ConnectionRow, e: MouseEvent) {
  const conn = store.capture.get(row.id);
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
        {COLUMNS.map((c) => (
          <col key={c.key} class={c.cls} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" class={c.num ? 'num' : undefined} aria-sort={ariaSort(sort, c.key)}>
              <button type="button" class="sort" onClick={() => (store.filter.sort.value = nextSort(sort, c.key))} title={`Sort by ${c.label}`}>
                {c.label}
              </button>
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
            <td class="url" title={r.url}>
              <span class="method">{r.method}</span> {shortUrl(r.url)}
              {r.joinedLate && (
                <span class={`badge late ${r.joinedLate.missedFrames > 0 ? 'warn' : 'ok'}`} title={lateJoinLine(r.joinedLate) ?? undefined}>
                  joined late
                </span>
              )}
            </td>
            <td title={r.kindLabel}>{r.kindLabel}</td>
            <td class={r.protocolGuess ? 'guess' : undefined} title={r.protocolGuess ? `${r.protocolName}: guessed from the payload's shape` : r.protocolName}>
              {r.protocolName}
            </td>
            <td class={`status ${r.statusClass}`} title={r.statusLabel}>
              {r.statusLabel}
            </td>
            <td class="num events">{r.events}</td>
            <td class="num">{formatBytes(r.bytes)}</td>
            <td class="num">{r.duration === null ? '' : formatDuration(r.duration)}</td>
            <td class={`end end-${r.end ?? 'live'}`} title={r.endLabel}>{r.endLabel}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
