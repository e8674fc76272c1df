import { render } from 'preact';
import { App } from './App';
import { createPanelStore } from './store';
import { connectPanel } from './connect';
import { hostTheme, inspectedTabId } from './host';

const store = createPanelStore(inspectedTabId());
document.documentElement.dataset.theme = hostTheme();
const connection = store.tabId.value === null ? null : connectPanel(store);
render(<App store={store} connection={connection} />, document.getElementById('app')!);
