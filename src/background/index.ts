/**
 * The background routes: relays' capture goes into the tab registry and out to the panels
 * subscribed to that tab; panels' requests come back. The tab a record belongs to is always
 * taken from the port's sender, never from anything the page sent.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { PANEL_PORT, RELAY_PORT, isPanelToBackground, isRelayToBackground, message, type BackgroundToPanel, type BackgroundRecords, type BackgroundSnapshot, type BackgroundTabReset } from '../messages';
import { createTabRegistry } from './tabs';

const registry = createTabRegistry();
const panels = new Map<number, Set<Runtime.Port>>();

function toPanels(tabId: number, msg: BackgroundToPanel): void {
  for (const p of panels.get(tabId) ?? []) {
    try {
      p.postMessage(msg);
    } catch {
      panels.get(tabId)?.delete(p);
    }
  }
}

function handleRelay(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  const frameId = port.sender?.frameId ?? 0;
  if (tabId === undefined || tabId < 0) {
    port.disconnect();
    return;
  }
  let docId: string | null = null;
  port.onMessage.addListener((m: unknown) => {
    if (!isRelayToBackground(m)) return;
    if (m.type === 'hello') {
      docId = m.docId;
      if (registry.hello(tabId, m.docId, frameId === 0, m.firstConnect)) {
        toPanels(tabId, message<BackgroundTabReset>({ type: 'reset', tabId, reason: 'navigated' }));
      }
      return;
    }
    if (!docId) return;
    const accepted = registry.apply(tabId, docId, m.records);
    if (accepted.length > 0) toPanels(tabId, message<BackgroundRecords>({ type: 'records', tabId, docId, records: accepted }));
  });
}

function isExtensionPage(port: Runtime.Port): boolean {
  const url = port.sender?.url ?? '';
  return url.startsWith(browser.runtime.getURL(''));
}

function handlePanel(port: Runtime.Port): void {
  // Only our own pages may read captures: a content script (or a page through it) may not.
  if (!isExtensionPage(port)) {
    port.disconnect();
    return;
  }
  let subscribed: number | null = null;
  port.onMessage.addListener((m: unknown) => {
    if (!isPanelToBackground(m)) return;
    if (m.type === 'subscribe') {
      if (subscribed !== null) panels.get(subscribed)?.delete(port);
      subscribed = m.tabId;
      let set = panels.get(m.tabId);
      if (!set) panels.set(m.tabId, (set = new Set()));
      set.add(port);
      port.postMessage(message<BackgroundSnapshot>({ type: 'snapshot', tabId: m.tabId, snapshot: registry.snapshot(m.tabId) }));
    } else if (m.type === 'clear') {
      registry.clear(m.tabId);
      toPanels(m.tabId, message<BackgroundTabReset>({ type: 'reset', tabId: m.tabId, reason: 'cleared' }));
    }
  });
  port.onDisconnect.addListener(() => {
    if (subscribed !== null) panels.get(subscribed)?.delete(port);
  });
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === RELAY_PORT) handleRelay(port);
  else if (port.name === PANEL_PORT) handlePanel(port);
  else port.disconnect();
});

browser.tabs.onRemoved.addListener((tabId) => {
  registry.remove(tabId);
});
