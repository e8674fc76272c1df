import type { PanelConnection } from '../connect';
import { openSessions } from '../actions';
import { trapWord } from '../logic/findings';
import { indicatorOf } from '../logic/notices';
import type { PanelStore } from '../store';
import { deepCaptureNote } from '../logic/deep-capture';
import { requestDebuggerPermission } from '../deep-permission';

const FILTER_HINT = 'Filter: text in URL, kind:ws, protocol:openai, status:error, -kind:fetch';

/** The summary badge: always visible, opens the findings that explain it. */
function TrapBadge({ store }: { store: PanelStore }) {
  const summary = store.findings.summary.value;
  const word = trapWord(summary);
  const cls = word === 'yes' ? 'bad' : word === 'no' ? 'ok' : 'unknown';
  return (
    <button type="button" class={`trap-badge ${cls}`} title={`${summary.text} — show tests & findings`} onClick={() => (store.view.value = 'findings')}>
      Single-Connection Trap: <strong>{word}</strong>
    </button>
  );
}

/** The per-tab deep-capture switch, with what it costs (the browser's banner) or why it is off. */
function DeepCaptureSwitch({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const deep = store.captureState.deep.value;
  if (!deep) return null;
  const toggle = (on: boolean) => {
    if (!on) return void connection?.setDeepCapture(false);
    // Asked first thing in the click: the permission request needs the user's gesture.
    requestDebuggerPermission().then(
      (granted) => {
        if (granted) void connection?.setDeepCapture(true);
        else store.captureState.requestError.value = 'Deep capture needs the debugger permission, which was not granted.';
      },
      (e: unknown) => (store.captureState.requestError.value = `Asking for the debugger permission failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <span class="deep-capture">
      <label title="Read the streams this tab's workers open, through the browser's debugger (Chromium)">
        <input type="checkbox" aria-label="Deep capture" checked={deep.on} disabled={deep.unavailable !== null || store.readOnly.value} onChange={(e) => toggle(e.currentTarget.checked)} /> Deep capture
      </label>
      <span class={`deep-note ${deep.on ? 'on' : 'off'}`} role="note" aria-label="Deep capture note">
        {deepCaptureNote(deep)}
      </span>
    </span>
  );
}

export function Toolbar({ store, connection, onImport }: { store: PanelStore; connection: PanelConnection | null; onImport: () => void }) {
  const { filter } = store;
  const shown = store.rows.value.length;
  const total = store.allRows.value.length;
  const state = store.captureState.state.value;
  const source = store.source.value;
  const ind = indicatorOf(state, source.kind);
  const readOnly = store.readOnly.value;
  return (
    <div class="toolbar" role="toolbar" aria-label="Capture">
      <h1 class="title">Durable Sessions</h1>
      <span class={`indicator ${ind.cls}`} title={ind.title} role="status">
        {ind.label}
      </span>
      {!readOnly && state?.origin !== null && (
        <label title="Keep recording this site from page load on, even with DevTools closed">
          <input type="checkbox" checked={state?.recordOnLoad ?? false} disabled={!state} onChange={(e) => void connection?.setRecordOnLoad(e.currentTarget.checked)} /> Record from page load
        </label>
      )}
      {!readOnly && state?.origin !== null && <DeepCaptureSwitch store={store} connection={connection} />}
      <button type="button" onClick={() => void connection?.clear()} title="Clear the capture of this tab" disabled={readOnly}>
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
      <label title="Keep the connections of earlier page loads when the page navigates">
        <input type="checkbox" checked={filter.preserveLog.value} onChange={(e) => (filter.preserveLog.value = e.currentTarget.checked)} /> Preserve log
      </label>
      <span class="summary">{shown === total ? `${total} connections` : `${shown} / ${total} connections`}</span>
      <span class="spacer" />
      <TrapBadge store={store} />
      <button type="button" aria-haspopup="dialog" title="Captures stored for this browser, also from before a restart" onClick={() => openSessions(store, connection)}>
        Sessions…
      </button>
      <button type="button" aria-haspopup="dialog" title="Save what is shown as a trace or HAR file" onClick={() => (store.exchange.exportOpen.value = true)}>
        Export…
      </button>
      <button type="button" title="Open a trace or HAR file (or drop it on the panel)" onClick={onImport}>
        Import…
      </button>
    </div>
  );
}
