/**
 * Panel state: a signals store fed by one pure-ish `applyMessage`, so it is tested without a
 * DOM (style-anchors §4). The capture is folded with the core's `applyRecord`, the very
 * function the background uses, so both always agree.
 */
import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { applyRecord, tabFromSnapshot, type ConnectionCapture, type ConnectionSummary, type TabCapture } from '../src/core/trace/model';
import type { BackgroundToPanel } from '../src/messages';

export type ConnectionFilter = 'streams' | 'all';

export interface PanelStore {
  tabId: Signal<number | null>;
  /** Bumped whenever `capture` changes in place. */
  version: Signal<number>;
  capture: TabCapture;
  connected: Signal<boolean>;
  filter: Signal<ConnectionFilter>;
  selectedId: Signal<string | null>;
  connections: ReadonlySignal<ConnectionSummary[]>;
  selected: ReadonlySignal<ConnectionCapture | null>;
}

export function createPanelStore(tabId: number | null): PanelStore {
  const version = signal(0);
  const filter = signal<ConnectionFilter>('streams');
  const selectedId = signal<string | null>(null);
  const store: PanelStore = {
    tabId: signal(tabId),
    version,
    capture: new Map(),
    connected: signal(false),
    filter,
    selectedId,
    connections: computed(() => {
      void version.value;
      const all = [...store.capture.values()].map((c) => c.summary);
      return filter.value === 'all' ? all : all.filter((c) => c.streaming);
    }),
    selected: computed(() => {
      void version.value;
      const id = selectedId.value;
      return id === null ? null : (store.capture.get(id) ?? null);
    }),
  };
  return store;
}

export function applyMessage(store: PanelStore, msg: BackgroundToPanel): void {
  if (msg.tabId !== store.tabId.value) return;
  switch (msg.type) {
    case 'snapshot':
      store.capture = tabFromSnapshot(msg.snapshot);
      break;
    case 'reset':
      store.capture = new Map();
      store.selectedId.value = null;
      break;
    case 'records':
      for (const r of msg.records) applyRecord(store.capture, msg.docId, r);
      break;
  }
  store.version.value += 1;
}
