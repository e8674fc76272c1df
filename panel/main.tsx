import { render } from 'preact';
import { App } from './App';
import { createPanelStore } from './store';
import { connectPanel } from './connect';
import { hostTheme, inspectedTabId, onHostThemeChange } from './host';

const store = createPanelStore(inspectedTabId());
document.documentElement.dataset.theme = hostTheme();
onHostThemeChange((theme) => (document.documentElement.dataset.theme = theme));
const connection = store.tabId.value === null ? null : connectPanel(store);
render(<App store={store} connection={connection} />, document.getElementById('app')!);
