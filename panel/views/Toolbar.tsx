import type { PanelConnection } from '../connect';
import type { PanelStore } from '../store';

const FILTER_HINT = 'Filter: text in URL, kind:ws, protocol:openai, status:error, -kind:fetch';

export function Toolbar({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const { filter } = store;
  const shown = store.rows.value.length;
  const total = store.allRows.value.length;
  return (
    <div class="toolbar" role="toolbar" aria-label="Capture">
      <h1 class="title">Durable Sessions</h1>
      <span class="recording" title="Capturing streams of the inspected tab">● Recording</span>
      <button type="button" onClick={() => connection?.clear()} title="Clear the capture of this tab">
        Clear
      </button>
      <input
        id="filter"
        class="filter"
        type="search"
        placeholder={FILTER_HINT}
        title={`${FILTER_HINT} ( / focuses, Esc clears)`}
        aria-label="Filter connections"
        spellcheck={false}
        value={filter.text.value}
        onInput={(e) => (filter.text.value = e.currentTarget.value)}
      />
      <label>
        <input type="checkbox" checked={filter.showAll.value} onChange={(e) => (filter.showAll.value = e.currentTarget.checked)} /> All requests
      </label>
      <span class="spacer" />
      <span class="summary">{shown === total ? `${total} connections` : `${shown} / ${total} connections`}</span>
    </div>
  );
}
