/** The DevTools page: its only job is to add our panel to DevTools. */
import browser from 'webextension-polyfill';
import { PANEL_TITLE } from './title';

void browser.devtools.panels.create(PANEL_TITLE, '/icons/icon-32.png', '/panel/index.html');
