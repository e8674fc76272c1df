/** The DevTools panel's connection: the extension's port, reconnecting after worker restarts. */
import { createReconnectingPort } from '../src/protocol/adapters/reconnecting-port';
import { PANEL_PORT } from '../src/protocol/panel';
import { connectPanelOver, type PanelConnection } from './connect';
import type { PanelStore } from './store';

export function connectPanel(store: PanelStore): PanelConnection {
  const port = createReconnectingPort({ name: PANEL_PORT, eager: true });
  const connection = connectPanelOver(store, port);
  port.connect();
  return connection;
}
