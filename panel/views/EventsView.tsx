import { setEventMode, stepSearch, type PanelStore } from '../store';
import type { ConnectionCapture } from '../../src/core/trace/model';
import { EventDetail } from './EventDetail';
import { EventTable } from './EventTable';
import { HideSecretsToggle } from './HideSecretsToggle';

function SearchBox({ store }: { store: PanelStore }) {
  const { query, current } = store.search;
  const n = store.matches.value.length;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      stepSearch(store, e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && query.value !== '') {
      e.stopPropagation();
      query.value = '';
      current.value = -1;
    }
  };
  return (
    <div class="search" role="search">
      <input
        id="event-search"
        type="search"
        placeholder="Search events (Ctrl+F)"
        aria-label="Search events"
        spellcheck={false}
        value={query.value}
        onInput={(e) => {
          query.value = e.currentTarget.value;
          current.value = -1;
        }}
        onKeyDown={onKeyDown}
      />
      <span class="hits" aria-live="polite">
        {query.value === '' ? '' : n === 0 ? 'No matches' : current.value < 0 ? `${n} matches` : `${current.value + 1} of ${n}`}
      </span>
      <button type="button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={n === 0} onClick={() => stepSearch(store, -1)}>
        ↑
      </button>
      <button type="button" aria-label="Next match" title="Next match (Enter)" disabled={n === 0} onClick={() => stepSearch(store, 1)}>
        ↓
      </button>
    </div>
  );
}

export function EventsView({ store, conn }: { store: PanelStore; conn: ConnectionCapture }) {
  const rows = store.eventRows.value;
  const mode = store.eventMode.value;
  const index = store.selection.eventIndex.value;
  const row = index === null ? undefined : rows[index];
  const open = store.selection.detailOpen.value && row !== undefined;
  const unit = mode === 'messages' ? 'messages' : 'events';
  return (
    <div class="events-view">
      <div class="subbar">
        {store.hasModes.value && (
          <div class="segmented" role="radiogroup" aria-label="Rows">
            {(['messages', 'chunks'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={mode === m}
                class={mode === m ? 'active' : undefined}
                title={m === 'messages' ? 'Parsed SSE / NDJSON messages' : 'Raw chunks as the page read them'}
                onClick={() => setEventMode(store, m)}
              >
                {m === 'messages' ? 'Messages' : 'Chunks'}
              </button>
            ))}
          </div>
        )}
        <SearchBox store={store} />
        <span class="spacer" />
        <HideSecretsToggle />
        <span class="count">
          {rows.length} {unit}
        </span>
      </div>
      {rows.length === 0 ? (
        <p class="empty">No events on this connection yet.</p>
      ) : (
        <div class={open ? 'events-body with-detail' : 'events-body'}>
          <EventTable key={`${conn.summary.id}/${mode}`} store={store} startedAt={conn.summary.startedAt} live={conn.summary.state !== 'ended'} compact={open} />
          {open && <EventDetail store={store} row={row} startedAt={conn.summary.startedAt} />}
        </div>
      )}
    </div>
  );
}
