// @vitest-environment happy-dom
/**
 * The panel's theme inside Firefox DevTools: Firefox gives `devtools.panels.themeName` and reports
 * switches through `devtools.panels.onThemeChanged` without reloading the panel (Chrome reloads
 * extension panels instead). panel/host.ts is the only place that reads them.
 */
import { beforeEach, describe, expect, it } from 'vitest';

const listeners: ((name: string) => void)[] = [];
const devtools = {
  inspectedWindow: { tabId: 7 },
  panels: {
    themeName: 'dark',
    onThemeChanged: { addListener: (cb: (name: string) => void) => listeners.push(cb) },
  },
};
// Firefox gives the panel page its API as the `browser` global.
(globalThis as unknown as { browser: unknown }).browser = { runtime: { id: 'durable-sessions@test' }, devtools };

const { hostTheme, inspectedTabId, isInDevTools, onHostThemeChange } = await import('../../../panel/host');

beforeEach(() => {
  listeners.length = 0;
  devtools.panels.themeName = 'dark';
  history.replaceState(null, '', '/panel/index.html');
});

describe('panel host in Firefox DevTools', () => {
  it('takes the inspected tab and the theme from devtools.*', () => {
    expect(isInDevTools()).toBe(true);
    expect(inspectedTabId()).toBe(7);
    expect(hostTheme()).toBe('dark');
    devtools.panels.themeName = 'light';
    expect(hostTheme()).toBe('light');
  });

  it('follows DevTools theme switches through onThemeChanged', () => {
    const applied: string[] = [];
    onHostThemeChange((t) => applied.push(t));
    expect(listeners).toHaveLength(1);
    listeners[0]!('light');
    listeners[0]!('dark');
    // Firefox's other themes (none today) fall back to light.
    listeners[0]!('firebug');
    expect(applied).toEqual(['light', 'dark', 'light']);
  });

  it('a ?theme= in the URL wins and pins the theme', () => {
    history.replaceState(null, '', '/panel/index.html?theme=light');
    expect(hostTheme()).toBe('light');
    onHostThemeChange(() => undefined);
    expect(listeners).toHaveLength(0);
  });
});
