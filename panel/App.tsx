import type { PanelStore } from './store';
import type { PanelConnection } from './connect';
import { ConnectionTable } from './views/ConnectionTable';
import { EventList } from './views/EventList';

interface Props {
  store: PanelStore;
  connection: PanelConnection | null;
}

export function App({ store, connection }: Props) {
  const tabId = store.tabId.value;
  const connections = store.connections.value;
  const selected = store.selected.value;
  if (tabId === null) {
    return (
      <main class="notice">
        <h1>Durable Sessions</h1>
        <p>Open this panel from DevTools, or give the tab to inspect as <code>?tabId=N</code>.</p>
      </main>
    );
  }
  return (
    <main class="layout">
      <div class="toolbar" role="toolbar" aria-label="Capture">
        <h1 class="title">Durable Sessions</h1>
        <span class="recording" title="Capturing streams of the inspected tab">● Recording</span>
        <button type="button" onClick={() => connection?.clear()} title="Clear the capture of this tab">
          Clear
        </button>
        <label>
          <input
            type="checkbox"
            checked={store.filter.value === 'all'}
            onChange={(e) => (store.filter.value = (e.currentTarget as HTMLInputElement).checked ? 'all' : 'streams')}
          />{' '}
          All requests
        </label>
        <span class="spacer" />
        <span class="summary">{connections.length} connections</span>
      </div>
      {connections.length === 0 ? (
        <p class="empty">No streaming connections yet. Start a generation in the page.</p>
      ) : (
        <ConnectionTable connections={connections} selectedId={store.selectedId.value} onSelect={(id) => (store.selectedId.value = id)} />
      )}
      {selected && <EventList connection={selected} />}
    </main>
  );
}
