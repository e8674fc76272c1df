/**
 * Stored sessions, newest first: how a user finds a capture after a navigation or a browser
 * restart. Choosing one shows it read-only in every view.
 */
import type { PanelConnection } from '../connect';
import { loadSession } from '../actions';
import { sessionCounts, sessionTests, sessionWhen, sortSessions } from '../logic/sessions';
import { backToLive, type PanelStore } from '../store';
import { Modal } from './Modal';

export function SessionPicker({ store, connection }: { store: PanelStore; connection: PanelConnection | null }) {
  const list = store.sessions.list.value;
  const close = () => (store.sessions.open.value = false);
  const liveId = store.sessions.liveId.value;
  const shownId = store.source.value.kind === 'stored' ? store.source.value.info.id : null;
  const loading = store.sessions.loading.value;
  const now = Date.now();
  return (
    <Modal label="Stored sessions" onClose={close} class="sessions-dialog">
      {list === null ? (
        <p class="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p class="muted">No stored sessions yet. Each page load of a recorded tab becomes one.</p>
      ) : (
        <ul class="session-list" aria-label="Sessions">
          {sortSessions(list).map((s) => {
            const isLive = s.id === liveId;
            const tests = sessionTests(s);
            return (
              <li key={s.id} class={s.id === shownId ? 'current' : undefined}>
                <button
                  type="button"
                  class="session"
                  data-session={s.id}
                  aria-busy={loading === s.id}
                  onClick={() => {
                    if (isLive) {
                      backToLive(store);
                      close();
                    } else loadSession(store, connection, s.id);
                  }}
                >
                  <span class="session-url">
                    {s.url || '(no URL)'} {isLive && <span class="badge live">live</span>}
                  </span>
                  <span class="muted">
                    {sessionWhen(s.startedAt, now)} · {sessionCounts(s)}
                    {tests && ` · ${tests}`}
                  </span>
                  {loading === s.id && <span class="muted"> loading…</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Modal>
  );
}
