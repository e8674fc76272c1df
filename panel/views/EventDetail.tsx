import { useState } from 'preact/hooks';
import { copyText } from '../clipboard';
import { formatBytes, formatDuration } from '../format';
import { base64ToBytes, hexDump, utf8Bytes } from '../logic/hex';
import { parseJson } from '../logic/jsonTree';
import type { EventRow } from '../logic/rows';
import type { PanelStore } from '../store';
import { eventJson } from './EventTable';
import { JsonTree } from './JsonTree';
import { shownRow } from '../logic/hide-secrets';

type View = 'raw' | 'json' | 'hex';

function HexView({ row }: { row: EventRow }) {
  const bytes = row.base64 !== null ? base64ToBytes(row.base64) : utf8Bytes(row.text ?? '');
  const { lines, truncated } = hexDump(bytes);
  return (
    <pre class="hex" aria-label="Hex">
      {lines.join('\n')}
      {truncated && `\n… ${formatBytes(bytes.length)} in all`}
    </pre>
  );
}

export function EventDetail({ store, row: captured, startedAt }: { store: PanelStore; row: EventRow; startedAt: number }) {
  const row = shownRow(captured);
  const [wanted, setWanted] = useState<View | null>(null);
  const json = row.json !== undefined ? row.json : parseJson(row.text);
  const hasJson = json !== undefined;
  // The user's last choice sticks across rows when it applies; otherwise the most useful view.
  const view: View = wanted === 'json' && !hasJson ? 'raw' : (wanted ?? (hasJson ? 'json' : row.base64 !== null ? 'hex' : 'raw'));
  const tab = (v: View, label: string, enabled = true) => (
    <button type="button" role="tab" aria-selected={view === v} disabled={!enabled} class={view === v ? 'active' : undefined} onClick={() => setWanted(v)}>
      {label}
    </button>
  );
  const span = row.first === row.last ? `event ${row.first}` : `events ${row.first}–${row.last}`;
  return (
    <aside class="event-detail" aria-label="Event detail">
      <div class="tabs" role="tablist" aria-label="Event views">
        {tab('raw', 'Raw')}
        {tab('json', 'JSON', hasJson)}
        {tab('hex', 'Hex')}
        <span class="spacer" />
        <button type="button" onClick={() => void copyText(row.text ?? row.base64 ?? '', 'data')} title="Copy this event's data">
          Copy
        </button>
        <button type="button" onClick={() => void copyText(eventJson(row), 'event')} title="Copy this event with its metadata as JSON">
          Copy event
        </button>
        <button type="button" class="close" aria-label="Close detail" title="Close (Esc)" onClick={() => (store.selection.detailOpen.value = false)}>
          ×
        </button>
      </div>
      <div class="event-meta">
        #{row.index} · {row.dir === 'in' ? '↓ received' : '↑ sent'} · {row.type}
        {row.id && ` · id ${row.id}`} · {formatBytes(row.size)} · +{formatDuration(row.time - startedAt)} · {span}
        {row.error && <span class="error"> · {row.error}</span>}
      </div>
      <div class="detail-body">
        {view === 'raw' && <pre class="raw" aria-label="Raw">{row.text ?? row.base64 ?? ''}</pre>}
        {view === 'json' && hasJson && <JsonTree key={`${row.index}`} value={json} />}
        {view === 'hex' && <HexView row={row} />}
      </div>
    </aside>
  );
}
