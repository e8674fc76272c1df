/** Connects the panel store to the background: subscribe on every (re)connect, apply what comes. */
import { createReconnectingPort } from '../src/adapters/port';
import { PANEL_PORT, isBackgroundToPanel, message, type BackgroundToPanel, type PanelClear, type PanelSubscribe, type PanelToBackground } from '../src/messages';
import { applyMessage, type PanelStore } from './store';

export interface PanelConnection {
  clear(): void;
}

export function connectPanel(store: PanelStore): PanelConnection {
  const tabId = store.tabId.value;
  const port = createReconnectingPort<BackgroundToPanel, PanelToBackground>({
    name: PANEL_PORT,
    isIncoming: isBackgroundToPanel,
    onMessage: (msg) => applyMessage(store, msg),
    onConnect() {
      // A new connection (first, or after the worker restarted) gets a fresh snapshot.
      if (tabId !== null) port.post(message<PanelSubscribe>({ type: 'subscribe', tabId }));
      store.connected.value = true;
    },
  });
  port.connect();
  return {
    clear() {
      if (tabId !== null) port.post(message<PanelClear>({ type: 'clear', tabId }));
    },
  };
}
