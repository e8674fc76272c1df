/** Reading and driving the panel as a user would: by visible text, roles and labels. */
import type { Page } from 'playwright-core';
import { poll, type PanelHandle } from '../../src/cli/devtools-panel';
import type { LaunchedBrowser } from '../../src/cli/chromium';
import { openControl, tabIdOf, type Control } from '../../src/cli/control';

export interface ConnectionRow {
  /** The URL as the row shows it (shortened). */
  url: string;
  /** The whole URL, from the cell's tooltip. */
  fullUrl: string;
  kind: string;
  protocol: string;
  status: string;
  events: number;
  received: string;
  duration: string;
  end: string;
}

const CONNECTIONS = 'Streaming connections';
const EVENTS = 'Connection events';

/** Connection rows keyed by the column headers a user reads. */
export async function connectionRows(panel: PanelHandle): Promise<ConnectionRow[]> {
  const headers = await panel.evaluate<string[]>(`[...document.querySelectorAll('table[aria-label="${CONNECTIONS}"] thead th')].map((th) => th.innerText.trim())`);
  // Cells and the URL cell's tooltip read at once, so a row added meanwhile cannot shift them.
  const rows = await panel.evaluate<Array<{ cells: string[]; title: string }>>(
    `[...document.querySelectorAll('table[aria-label="${CONNECTIONS}"] tbody tr')].map((tr) => ({ cells: [...tr.cells].map((td) => td.innerText.trim()), title: tr.cells[0]?.getAttribute('title') ?? '' }))`,
  );
  return rows.map(({ cells, title }) => {
    const get = (h: string) => cells[headers.indexOf(h)] ?? '';
    return { url: get('URL'), fullUrl: title, kind: get('Kind'), protocol: get('Protocol'), status: get('Status'), events: Number(get('Events') || 0), received: get('Received'), duration: get('Duration'), end: get('End') };
  });
}

/** Waits until a connection row matches, and returns it. */
export async function waitForConnection(panel: PanelHandle, what: string, match: (r: ConnectionRow) => boolean, timeoutMs = 20_000): Promise<ConnectionRow> {
  const deadline = Date.now() + timeoutMs;
  let last: ConnectionRow[] = [];
  while (Date.now() < deadline) {
    last = await connectionRows(panel);
    const hit = last.find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no connection row for ${what}; the panel shows ${JSON.stringify(last)}`);
}

export async function selectConnection(panel: PanelHandle, urlPart: string): Promise<void> {
  await panel.evaluate(`(() => {
    const row = [...document.querySelectorAll('table[aria-label="${CONNECTIONS}"] tbody tr')].find((tr) => tr.cells[0].innerText.includes(${JSON.stringify(urlPart)}));
    if (!row) throw new Error('no row for ${urlPart}');
    row.click();
    return true;
  })()`);
}

/** Clicks a button by its visible label (or aria-label); `scope` narrows it, e.g. '[role=tab]'. */
export async function clickButton(panel: PanelHandle, label: string, scope = 'button'): Promise<void> {
  await panel.evaluate(`(() => {
    const b = [...document.querySelectorAll(${JSON.stringify(scope)})].find((x) => x.innerText.trim() === ${JSON.stringify(label)} || x.getAttribute('aria-label') === ${JSON.stringify(label)});
    if (!b) throw new Error('no button ' + ${JSON.stringify(label)});
    b.click();
    return true;
  })()`);
}

/** How many rows the event table has in all (it renders only the visible ones). */
export function eventCount(panel: PanelHandle): Promise<number> {
  return panel.evaluate<number>(`Number(document.querySelector('table[aria-label="${EVENTS}"]')?.dataset.rows ?? -1)`);
}

/**
 * Every row of the (virtualized) event table, read as a user would: by scrolling it from top
 * to bottom and reading the rows in view.
 */
export function eventRows(panel: PanelHandle): Promise<string[][]> {
  return panel.evaluate<string[][]>(`(async () => {
    const table = document.querySelector('table[aria-label="${EVENTS}"]');
    if (!table) return [];
    const vp = table.closest('.viewport');
    const n = Number(table.dataset.rows);
    const out = new Map();
    const settle = () => new Promise((r) => setTimeout(r, 40));
    const before = vp.scrollTop;
    vp.scrollTop = 0;
    await settle();
    for (let guard = 0; guard < 100000; guard++) {
      for (const tr of table.querySelectorAll('tbody tr')) out.set(Number(tr.dataset.index), [...tr.cells].map((td) => td.innerText.trim()));
      if (out.size >= n || vp.scrollTop + vp.clientHeight >= vp.scrollHeight - 1) break;
      vp.scrollTop += Math.max(20, vp.clientHeight - 60);
      await settle();
    }
    vp.scrollTop = before;
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  })()`);
}

/** The standalone panel page (`panel/index.html?tabId=N`) in a normal tab, as a PanelHandle. */
export function pageAsPanel(page: Page): PanelHandle {
  return {
    targetId: '',
    sessionId: '',
    evaluate: (expression) => page.evaluate(expression),
    text: () => page.evaluate('document.body.innerText'),
    // Polled from outside: the extension page's CSP forbids the eval that waitForFunction uses.
    waitFor: (expression, what, timeoutMs) => poll(() => page.evaluate(expression), what, timeoutMs),
    screenshot: () => page.screenshot(),
  };
}

/** Types into an input as a user would (the value, then an input event). */
export async function typeInto(panel: PanelHandle, selector: string, text: string): Promise<void> {
  await panel.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) throw new Error('no ' + ${JSON.stringify(selector)});
    el.focus();
    el.value = ${JSON.stringify(text)};
    el.dispatchEvent(new Event('input', { bubbles: true }));
    return true;
  })()`);
}

/** Focuses `selector` (or leaves focus where it is with null) and presses a key there. */
export async function pressKey(panel: PanelHandle, selector: string | null, key: string, mods: { ctrlKey?: boolean; shiftKey?: boolean } = {}): Promise<void> {
  await panel.evaluate(`(() => {
    const el = ${selector === null ? 'document.activeElement ?? document.body' : `document.querySelector(${JSON.stringify(selector)})`};
    if (!el) throw new Error('nothing to press ${key} on');
    if (${selector !== null}) el.focus();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true, cancelable: true, ...${JSON.stringify(mods)} }));
    return true;
  })()`);
}

/** Waits for the panel to re-render after an action. */
export function settle(ms = 150): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Chooses an option of a `<select>` found by its aria-label, as a user would. */
export async function chooseOption(panel: PanelHandle, label: string, value: string): Promise<void> {
  await panel.evaluate(`(() => {
    const el = document.querySelector('select[aria-label=${JSON.stringify(label)}]');
    if (!el) throw new Error('no select ' + ${JSON.stringify(label)});
    el.value = ${JSON.stringify(value)};
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  })()`);
}

/** Clicks the checkbox or radio whose label reads `label` (or contains it). */
export async function clickLabelled(panel: PanelHandle, label: string): Promise<void> {
  await panel.evaluate(`(() => {
    const l = [...document.querySelectorAll('label')].find((x) => x.innerText.trim().includes(${JSON.stringify(label)}));
    const input = l?.querySelector('input');
    if (!input) throw new Error('no input labelled ' + ${JSON.stringify(label)});
    input.click();
    return true;
  })()`);
}

/** Whether the checkbox labelled `label` is checked. */
export function isChecked(panel: PanelHandle, label: string): Promise<boolean> {
  return panel.evaluate<boolean>(`!![...document.querySelectorAll('label')].find((x) => x.innerText.trim().includes(${JSON.stringify(label)}))?.querySelector('input')?.checked`);
}

/**
 * Keeps every Blob the panel turns into an object URL (what its downloads are made of), so a
 * test reads the exported file without going through the browser's download machinery.
 */
export async function captureBlobs(panel: PanelHandle): Promise<void> {
  await panel.evaluate(`(() => {
    if (window.__blobs) return true;
    window.__blobs = [];
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (b) => { window.__blobs.push(b); return create(b); };
    return true;
  })()`);
}

/** Waits for the `n`th captured Blob (1-based) and returns its text. */
export async function blobText(panel: PanelHandle, n: number): Promise<string> {
  await panel.waitFor(`(window.__blobs?.length ?? 0) >= ${n}`, `download #${n}`);
  return panel.evaluate<string>(`window.__blobs[${n - 1}].text()`);
}

/** Gives the panel's file input a file, as picking it in the file chooser would. */
export async function chooseFile(panel: PanelHandle, name: string, text: string): Promise<void> {
  await panel.evaluate(`(() => {
    const input = document.querySelector('input[type=file]');
    if (!input) throw new Error('no file input');
    const dt = new DataTransfer();
    dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'application/json' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  })()`);
}

/** Screenshots in both themes (the panel follows DevTools' theme; here it is switched in place). */
export async function themedScreenshots(panel: PanelHandle, save: (name: string) => Promise<void>, name: string): Promise<void> {
  const before = await panel.evaluate<string>('document.documentElement.dataset.theme ?? "light"');
  for (const theme of ['light', 'dark']) {
    await panel.evaluate(`document.documentElement.dataset.theme = ${JSON.stringify(theme)}`);
    await settle(100);
    await save(`${name}-${theme}`);
  }
  await panel.evaluate(`document.documentElement.dataset.theme = ${JSON.stringify(before)}`);
}

/**
 * Attaches a control session to the tab showing `marker` and opens the standalone panel for that
 * tab in a wide page, rendered: the setup of the suites that read the panel for a live page.
 */
export async function watchTabInPanel(browser: LaunchedBrowser, marker: string): Promise<{ control: Control; tabId: number; panelPage: Page; panel: PanelHandle }> {
  const control = await openControl(browser.context, browser.extensionId!);
  const tabId = await tabIdOf(control, marker);
  await control.attach(tabId);
  const panelPage = await browser.context.newPage();
  await panelPage.setViewportSize({ width: 1400, height: 900 });
  await panelPage.goto(`chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}`);
  const panel = pageAsPanel(panelPage);
  await panel.waitFor(`document.body.innerText.trim().length > 0`, 'the panel to render');
  return { control, tabId, panelPage, panel };
}
