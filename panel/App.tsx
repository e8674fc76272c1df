import { useEffect } from 'preact/hooks';
import type { PanelConnection } from './connect';
import { copiedNote } from './clipboard';
import type { PanelStore } from './store';
import { ConnectionDetail } from './views/ConnectionDetail';
import { ConnectionTable } from './views/ConnectionTable';
import { ContextMenu } from './views/ContextMenu';
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
  if (total === 0) return <p class="empty">No streaming connections yet. Start a generation in the page.</p>;
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

export function App({ store, connection }: Props) {
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
  const selected = store.selected.value;
  const hasRows = store.allRows.value.length > 0;
  return (
    <main class="layout">
      <Toolbar store={store} connection={connection} />
      <section class="list-pane" aria-label="Connections" style={hasRows && selected ? { maxHeight: `${store.layout.listHeight.value}px` } : undefined}>
        <ListPane store={store} />
      </section>
      {hasRows && selected && <Splitter store={store} />}
      {hasRows &&
        (selected ? (
          <ConnectionDetail store={store} conn={selected} />
        ) : (
          <p class="empty hint">Select a connection to see its events, the reassembled output and the request (↑/↓ move, / filters).</p>
        ))}
      <ContextMenu />
      {copiedNote.value && (
        <div class="toast" role="status">
          {copiedNote.value}
        </div>
      )}
    </main>
  );
}
