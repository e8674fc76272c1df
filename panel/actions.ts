/**
 * User actions that both change panel state and ask the background for something. Kept apart
 * from the views so each is one call, and testable with an in-memory connection.
 */
import { batch } from '@preact/signals';
import type { TestId } from '../src/core/analysis';
import type { PanelConnection } from './connect';
import { faultSpecOf } from './logic/faultForm';
import { runOptionsOf } from './logic/findings';
import type { PanelStore } from './store';

let faultSeq = 0;
const newFaultId = () => `panel-${Date.now().toString(36)}-${++faultSeq}`;

/** Arms the fault the form describes (or fires it now); returns the error to show, if any. */
export function armFromForm(store: PanelStore, conn: PanelConnection | null, fireNow: boolean): string | null {
  const r = faultSpecOf(store.faults.form.value, newFaultId(), store.selection.connectionId.value, fireNow);
  batch(() => {
    store.faults.error.value = r.ok ? null : r.error;
    if (r.ok) store.faults.armed.value = [...store.faults.armed.value, { spec: r.spec, armedAt: Date.now(), released: false }];
  });
  if (!r.ok) return r.error;
  void conn?.armFault(r.spec);
  return null;
}

export function disarm(store: PanelStore, conn: PanelConnection | null, faultId: string): void {
  store.faults.armed.value = store.faults.armed.value.filter((f) => f.spec.id !== faultId);
  void conn?.disarmFault(faultId);
}

export function release(store: PanelStore, conn: PanelConnection | null, faultId: string, deliver: boolean): void {
  store.faults.armed.value = store.faults.armed.value.map((f) => (f.spec.id === faultId ? { ...f, released: true } : f));
  void conn?.releaseFault(faultId, deliver);
}

/** How many times an armed fault fired in the live tab (a fired fault keeps its spec's id). */
export function firedCount(store: PanelStore, faultId: string): number {
  void store.version.value;
  return store.live.faults.filter((f) => f.id === faultId).length;
}

export function startTest(store: PanelStore, conn: PanelConnection | null, test: TestId): string | null {
  const r = runOptionsOf(store.tests.form.value);
  batch(() => {
    store.tests.error.value = r.ok ? null : r.error;
    if (r.ok) store.tests.running.value = { runId: null, test, step: 'starting', elapsedMs: 0 };
  });
  if (!r.ok) return r.error;
  void conn?.runTest(test, r.options).then((ran) => {
    // A refused test (one already running, say) must not leave the panel saying "starting".
    if (!ran && store.tests.running.value?.runId === null) store.tests.running.value = null;
  });
  return null;
}

export function cancelTest(store: PanelStore, conn: PanelConnection | null): void {
  const run = store.tests.running.value;
  if (run) store.tests.running.value = { ...run, step: 'cancelling…' };
  void conn?.cancelTest();
}

export function openSessions(store: PanelStore, conn: PanelConnection | null): void {
  store.sessions.open.value = true;
  void conn?.listSessions();
}

export function loadSession(store: PanelStore, conn: PanelConnection | null, sessionId: string): void {
  store.sessions.loading.value = sessionId;
  void conn?.loadSession(sessionId).then((loaded) => {
    if (!loaded && store.sessions.loading.value === sessionId) store.sessions.loading.value = null;
  });
}
