/**
 * Banners between the toolbar and the views: what is shown (a stored session or an import,
 * read-only, with the way back to live), storage trouble, what capture cannot see, and import
 * progress or errors. Each is one sentence and at most one action.
 */
import { formatBytes } from '../format';
import { sessionCounts, sessionWhen } from '../logic/sessions';
import type { JoinedLate } from '../../src/core/trace/records';
import { captureLossNote, dormantNote, framesNote, internalErrorsBanner, storageBanner, workersNote } from '../logic/notices';
import { backToLive, showImportedSession, type PanelStore } from '../store';

function SourceBanner({ store }: { store: PanelStore }) {
  const s = store.source.value;
  if (s.kind === 'live') return null;
  const back = (
    <button type="button" onClick={() => backToLive(store)}>
      Back to live
    </button>
  );
  if (s.kind === 'stored') {
    return (
      <div class="banner source" role="status" aria-label="Shown source">
        <strong>Stored session (read-only)</strong>
        <span class="muted">
          {s.info.url} · {sessionWhen(s.info.startedAt, Date.now())} · {sessionCounts(s.info)}
        </span>
        <span class="spacer" />
        {back}
      </div>
    );
  }
  const cur = s.sessions[s.index];
  return (
    <div class="banner source" role="status" aria-label="Shown source">
      <strong>Imported {s.fileName} (read-only)</strong>
      {s.sessions.length > 1 ? (
        <label>
          Session{' '}
          <select value={s.index} onChange={(e) => showImportedSession(store, Number(e.currentTarget.value))}>
            {s.sessions.map((x, i) => (
              <option key={x.info.id} value={i}>
                {i + 1}. {x.info.url}
              </option>
            ))}
          </select>
        </label>
      ) : (
        cur && <span class="muted">{cur.info.url}</span>
      )}
      {cur && <span class="muted">{sessionCounts(cur.info)}</span>}
      {s.warnings.length > 0 && <span class="warn" title={s.warnings.join('\n')}>{s.warnings.length} warning{s.warnings.length === 1 ? '' : 's'}</span>}
      <span class="spacer" />
      {back}
    </div>
  );
}

function ImportBanner({ store }: { store: PanelStore }) {
  const st = store.exchange.importState.value;
  if (st.kind === 'idle') return null;
  if (st.kind === 'reading') {
    return (
      <div class="banner" role="status">
        Importing {st.name}… {formatBytes(st.bytes)} of {formatBytes(st.total)}
      </div>
    );
  }
  return (
    <div class="banner error nowrap" role="alert" aria-label="Import error">
      <span class="grow">
        <strong>Could not import {st.name}.</strong> {st.message}
      </span>
      <button type="button" aria-label="Dismiss" onClick={() => (store.exchange.importState.value = { kind: 'idle' })}>
        ✕
      </button>
    </div>
  );
}

export function Notices({ store }: { store: PanelStore }) {
  const state = store.captureState.state.value;
  const live = store.source.value.kind === 'live';
  void store.version.value;
  const storage = storageBanner(state?.storage);
  const late: JoinedLate[] = [];
  if (live) for (const c of store.capture.values()) if (c.summary.joinedLate) late.push(c.summary.joinedLate);
  const dormant = live ? dormantNote(state, store.captureState.loadedBeforePanel.value, late) : null;
  const workers = workersNote(store.data.signals);
  const frames = framesNote(store.data.signals);
  const loss = captureLossNote(store.data.signals);
  const failures = internalErrorsBanner(store.captureState.internalErrors.value);
  const refused = store.captureState.requestError.value;
  return (
    <div class="notices">
      <SourceBanner store={store} />
      <ImportBanner store={store} />
      {loss && (
        <div class="banner note" role="note" aria-label="Capture incomplete">
          {loss}
        </div>
      )}
      {failures && (
        <div class="banner error" role="alert" aria-label="Internal errors" title={store.captureState.internalErrors.value.map((e) => `${e.where} ×${e.count}: ${e.message}`).join('\n')}>
          {failures}
        </div>
      )}
      {refused && (
        <div class="banner error nowrap" role="alert" aria-label="Request failed">
          <span class="grow">{refused}</span>
          <button type="button" aria-label="Dismiss" onClick={() => (store.captureState.requestError.value = null)}>
            ✕
          </button>
        </div>
      )}
      {storage && (
        <div class="banner error" role="alert" aria-label="Storage">
          {storage}
        </div>
      )}
      {dormant && (
        <div class="banner note" role="note" aria-label="Dormant hooks">
          {dormant}
        </div>
      )}
      {live && store.captureState.linkedTabs.value.length > 0 && (
        <div class="banner note" role="note" aria-label="Linked tabs">
          Same session in {store.captureState.linkedTabs.value.length === 1 ? 'another tab' : `${store.captureState.linkedTabs.value.length} other tabs`} (
          {store.captureState.linkedTabs.value.map((l, i) => (
            <span key={l.tabId}>
              {i > 0 && ', '}
              <a href={`index.html?tabId=${l.tabId}`} target="_blank" rel="noreferrer" title={`Shares ${l.ids.join(', ')}`}>
                tab {l.tabId}
              </a>
            </span>
          ))}
          ): its connections open in a panel page of their own.
        </div>
      )}
      {workers && (
        <div class="banner note" role="note" aria-label="Workers">
          {workers}
        </div>
      )}
      {frames && (
        <div class="banner note" role="note" aria-label="Frames">
          {frames}
        </div>
      )}
    </div>
  );
}
