/**
 * The panel's window on its host. Inside DevTools the inspected tab and the theme come from
 * `devtools.*`; opened as a standalone page (`panel/index.html?tabId=N`) they come from the URL
 * and the system theme. Nothing else in the panel touches `devtools`.
 */
import type Browser from 'webextension-polyfill';

export type Theme = 'light' | 'dark';

/**
 * The extension API as the host gives it, without the polyfill: everything read here is
 * synchronous and the same on `chrome` and `browser`, and the polyfill refuses to load outside
 * an extension, where the inline panel (tests) runs this module too.
 */
function api(): typeof Browser | undefined {
  const g = globalThis as unknown as { browser?: typeof Browser; chrome?: typeof Browser };
  return g.browser?.runtime ? g.browser : g.chrome?.runtime ? g.chrome : undefined;
}

function devtools(): typeof Browser.devtools | undefined {
  try {
    const dt = api()?.devtools;
    return dt?.inspectedWindow ? dt : undefined;
  } catch {
    // A sandboxed or torn-down page may throw on the API object itself: no DevTools host then.
    return undefined;
  }
}

/** The tab this panel inspects, or null when it cannot know (standalone without ?tabId). */
export function inspectedTabId(): number | null {
  const dt = devtools();
  if (dt) return dt.inspectedWindow.tabId;
  const raw = new URLSearchParams(location.search).get('tabId');
  const id = raw === null ? NaN : Number(raw);
  return Number.isInteger(id) && id >= 0 ? id : null;
}

export function hostTheme(): Theme {
  const forced = new URLSearchParams(location.search).get('theme');
  if (forced === 'dark' || forced === 'light') return forced;
  const dt = devtools();
  if (dt?.panels && 'themeName' in dt.panels) return (dt.panels as { themeName?: string }).themeName === 'dark' ? 'dark' : 'light';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Calls `apply` when the host theme changes: Firefox reports DevTools theme switches through
 * `panels.onThemeChanged`; Chrome reloads extension panels on a theme switch, so only the
 * standalone page (following the system scheme unless `?theme=` forces one) needs to listen.
 */
export function onHostThemeChange(apply: (t: Theme) => void): void {
  if (new URLSearchParams(location.search).get('theme')) return;
  const panels = devtools()?.panels as { onThemeChanged?: { addListener(cb: (name: string) => void): void } } | undefined;
  if (panels?.onThemeChanged) {
    panels.onThemeChanged.addListener((name) => apply(name === 'dark' ? 'dark' : 'light'));
    return;
  }
  if (!devtools()) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => apply(e.matches ? 'dark' : 'light'));
}

export function isInDevTools(): boolean {
  return devtools() !== undefined;
}

/** The extension's version, for the trace's environment block. */
export function extensionVersion(): string {
  try {
    return api()?.runtime.getManifest().version ?? 'unknown';
  } catch {
    // Not in an extension (the inline panel): there is no manifest to read.
    return 'unknown';
  }
}

/** "Chrome 156" / "Firefox 140", from the user agent, for the trace's environment block. */
export function browserName(ua = navigator.userAgent): string {
  const ff = /Firefox\/(\d+)/.exec(ua);
  if (ff) return `Firefox ${ff[1]}`;
  const ch = /Chrom(?:e|ium)\/(\d+)/.exec(ua);
  return ch ? `Chrome ${ch[1]}` : 'unknown';
}
