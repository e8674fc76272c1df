/** Panel-wide shortcuts: `/` filter, Ctrl/Cmd+F search events, Ctrl/Cmd+Shift+F search all streams, Esc clears or closes. */
import { batch } from '@preact/signals';
import { menu } from './menu';
import type { PanelStore } from './store';

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function focusSoon(id: string): void {
  // The target may only render after the state change (e.g. switching to the Events tab).
  requestAnimationFrame(() => {
    const el = document.getElementById(id) as HTMLInputElement | null;
    el?.focus();
    el?.select();
  });
}

export function handleGlobalKey(store: PanelStore, e: KeyboardEvent): void {
  const target = e.target as HTMLElement | null;
  // A modal dialog (sessions, export) handles its own keys; Esc there closes only the dialog.
  if (target?.closest?.('dialog[open]')) return;
  if (e.key === 'Escape') {
    if (menu.open.value) return menu.close();
    // The search drawer closes itself on Esc.
    if (target?.closest?.('.stream-search')) return;
    if (target?.id === 'filter') {
      e.preventDefault();
      if (store.filter.text.value !== '') store.filter.text.value = '';
      else target.blur();
      return;
    }
    if (target?.id === 'event-search') return target.blur();
    if (store.selection.detailOpen.value) {
      e.preventDefault();
      store.selection.detailOpen.value = false;
    }
    return;
  }
  if ((e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    store.streamSearch.open.value = true;
    focusSoon('stream-search');
    return;
  }
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
    if (!store.selected.value) return;
    e.preventDefault();
    batch(() => (store.selection.tab.value = 'events'));
    focusSoon('event-search');
    return;
  }
  if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(target)) {
    e.preventDefault();
    focusSoon('filter');
  }
}
