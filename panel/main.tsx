import { render } from 'preact';
import { App } from './App';
import { createPanelStore } from './store';
import { createFrameBatch } from './frame-batch';
import { connectPanel } from './connect-port';
import { hostTheme, inspectedTabId, onHostThemeChange } from './host';
import { createReconnectingPort } from '../src/protocol/adapters/reconnecting-port';
import { installPageBridge } from '../src/protocol/adapters/page-bridge';
import { PANEL_PORT } from '../src/protocol/panel';

const store = createPanelStore(inspectedTabId(), { frameBatch: createFrameBatch(window) });
document.documentElement.dataset.theme = hostTheme();
onHostThemeChange((theme) => (document.documentElement.dataset.theme = theme));
const connection = store.tabId.value === null ? null : connectPanel(store);
// Opened without a tab, the page is the CLI's and the tests' host for the panel protocol: it
// bridges the panel's own port to the automation driving it (see page-bridge.ts).
if (store.tabId.value === null) {
  const port = createReconnectingPort({ name: PANEL_PORT, eager: true });
  installPageBridge(window, port);
  port.connect();
}
render(<App store={store} connection={connection} />, document.getElementById('app')!);
