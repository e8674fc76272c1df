import { useEffect, useRef, useState } from 'preact/hooks';
import type { PanelConnection } from './connect';
import { copiedNote } from './clipboard';
import type { PanelStore } from './store';
import { importInto } from './importer';
import { ConnectionDetail } from './views/ConnectionDetail';
import { ConnectionTable } from './views/ConnectionTable';
import { ContextMenu } from './views/ContextMenu';
import { ExportDialog } from './views/ExportDialog';
import { FaultsBar } from './views/FaultsBar';
import { FindingsView } from './views/FindingsView';
import { Notices } from './views/Notices';
import { SearchView } from './views/SearchView';
import { MocksView } from './views/MocksView';
import { SessionPicker } from './views/SessionPicker';
import { Splitter } from './views/Splitter';
import { Timeline } from './views/Timeline';
import { Toolbar } from './views/Toolbar';
import { handleGlobalKey } from './keys';

interface Props {
  store: PanelStore;
  connection: PanelConnection | null;
}

function ListPane({ store }: { store: PanelStore }) {
  const total = store.allRows.value.length;
  const rows = store.rows.value;
  if (total === 0) {
    const s = store.source.value;
    if (s.kind !== 'live') return <p class="empty">This {s.kind === 'stored' ? 'stored session' : 'imported session'} has no streaming connections. Tick “All requests” to see every request it holds.</p>;
    if (store.captureState.state.value?.origin === null) return <p class="empty">This page cannot be captured (browser pages such as chrome:// are off limits to extensions). Open a web page in this tab.</p>;
    return <p class="empty">No streaming connections yet. Start a generation in the page.</p>;
  }
  if (rows.length === 0) {
    return (
      <p class="empty">
        No connections match “{store.filter.text.value}”. Press Esc in the filter to see all {total}.
      </p>
    );
  }
  return (
    <>
      <div class="list-scroll">
        <ConnectionTable store={store} />
      </div>
      <Timeline store={store} />
    </>
  );
}

function ViewTabs({ store, faultsOpen, toggleFaults }: { store: PanelStore; faultsOpen: boolean; toggleFaults: () => void }) {
  const view = store.view.value;
  const flags = store.findings.flags.value.length;
  const tab = (id: 'connections' | 'findings', label: string, count?: number) => (
    <button type="button" role="tab" id={`view-${id}`} aria-label={label} aria-selected={view === id} class={view === id ? 'active' : undefined} onClick={() => (store.view.value = id)}>
      {label}
      {count ? <span class="count"> ({count})</span> : null}
    </button>
  );
  return (
    <div class="tabs view-tabs" role="tablist" aria-label="Views">
      {tab('connections', 'Connections')}
      {tab('findings', 'Tests & findings', flags)}
      <span class="spacer" />
      {!store.readOnly.value && (
        <button type="button" aria-expanded={store.mocks.open.value} onClick={() => (store.mocks.open.value = !store.mocks.open.value)} title="Answer a request from a mock: a template or a file, with stalls, drops and duplicates">
          {store.mocks.open.value ? 'Hide mocks' : 'Mocks…'}
        </button>
      )}
      {!store.readOnly.value && (
        <button type="button" aria-expanded={faultsOpen} aria-controls="faults-bar" onClick={toggleFaults} title="Inject drops, stalls, offline windows…">
          {faultsOpen ? 'Hide faults' : 'Faults…'}
        </button>
      )}
    </div>
  );
}

function ConnectionsView({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const selected = store.selected.value;
  const hasRows = store.allRows.value.length > 0;
  return (
    <>
      <section class="list-pane" aria-label="Connections" style={hasRows && selected ? { maxHeight: `${store.layout.listHeight.value}px` } : undefined}>
        <ListPane store={store} />
      </section>
      {hasRows && selected && <Splitter store={store} />}
      {hasRows &&
        (selected ? (
          <ConnectionDetail store={store} conn={selected} connection={connection} />
        ) : (
          <p class="empty hint">Select a connection to see its events, the reassembled output and the request (↑/↓ move, / filters).</p>
        ))}
    </>
  );
}

export function App({ store, connection }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [faultsOpen, setFaultsOpen] = useState(true);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleGlobalKey(store, e);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);
  if (store.tabId.value === null) {
    return (
      <main class="notice">
        <h1>Durable Sessions</h1>
        <p>Open this panel from DevTools, or give the tab to inspect as <code>?tabId=N</code>.</p>
      </main>
    );
  }
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer?.files[0];
    if (file) void importInto(store, file);
  };
  return (
    <main
      class={dragging ? 'layout dragging' : 'layout'}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.relatedTarget === null) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <Toolbar store={store} connection={connection} onImport={() => fileInput.current?.click()} />
      <input
        ref={fileInput}
        type="file"
        class="sr"
        aria-label="Import a trace or HAR file"
        accept=".json,.har,application/json"
        tabIndex={-1}
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void importInto(store, f);
        }}
      />
      <Notices store={store} />
      <ViewTabs store={store} faultsOpen={faultsOpen} toggleFaults={() => setFaultsOpen(!faultsOpen)} />
      {faultsOpen && !store.readOnly.value && (
        <div id="faults-bar">
          <FaultsBar store={store} connection={connection} />
        </div>
      )}
      {store.mocks.open.value && !store.readOnly.value && <MocksView store={store} connection={connection} />}
      {store.view.value === 'findings' ? <FindingsView store={store} connection={connection} /> : <ConnectionsView store={store} connection={connection} />}
      {store.streamSearch.open.value && <SearchView store={store} />}
      {store.sessions.open.value && <SessionPicker store={store} connection={connection} />}
      {store.exchange.exportOpen.value && <ExportDialog store={store} />}
      {dragging && <div class="drop-hint">Drop a trace or HAR file to open it read-only</div>}
      <ContextMenu />
      {copiedNote.value && (
        <div class="toast" role="status">
          {copiedNote.value}
        </div>
      )}
    </main>
  );
}
