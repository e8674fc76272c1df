/**
 * Import from a file the user picked or dropped: parsed in pieces (the panel stays responsive),
 * shown read-only. Nothing is sent to the background, so stored captures are never touched.
 */
import type { PanelStore } from './store';
import { showSource } from './store';
import { importErrorText, importFile } from './logic/exchange';
import { addMocks } from './mocks';

export async function importInto(store: PanelStore, file: File): Promise<void> {
  if (store.exchange.importState.value.kind === 'reading') return;
  const state = store.exchange.importState;
  state.value = { kind: 'reading', name: file.name, bytes: 0, total: file.size };
  const r = await importFile(file.stream() as ReadableStream<Uint8Array>, (bytes) => (state.value = { kind: 'reading', name: file.name, bytes, total: file.size }));
  if (!r.ok) {
    state.value = { kind: 'error', name: file.name, message: importErrorText(r.error) };
    return;
  }
  state.value = { kind: 'idle' };
  // Mocks the trace carried join the drawer's, to arm again on the live tab.
  addMocks(store.mocks, r.mocks);
  const first = Math.max(0, r.sessions.findIndex((s) => s.data.capture.size > 0));
  showSource(store, { kind: 'imported', fileName: file.name, sessions: r.sessions, index: first, warnings: r.warnings });
}
