/**
 * The panel without the extension: the same store, views and connection code, over any
 * transport. Tests mount it over an in-memory pair to a background built in Node, so a view is
 * tested with the real protocol and no browser; the DevTools e2e tests keep what only a real
 * browser shows.
 */
import { render } from 'preact';
import { App } from './App';
import { createPanelStore, type PanelStore } from './store';
import { connectPanelOver, type PanelConnection } from './connect';
import type { Transport } from '../src/protocol/kit';

export interface InlinePanel {
  store: PanelStore;
  connection: PanelConnection;
  unmount(): void;
}

export function mountInlinePanel(root: Element, tabId: number, transport: Transport): InlinePanel {
  const store = createPanelStore(tabId);
  const connection = connectPanelOver(store, transport);
  render(<App store={store} connection={connection} />, root);
  return { store, connection, unmount: () => render(null, root) };
}
