/**
 * Opens our panel in the real DevTools window of a tab and gives tests a handle inside it.
 * The recipe reaches into DevTools internals (InspectorView), which may change with a future
 * Chromium: it lives here only.
 */
import type { CdpClient, TargetInfo } from './cdp';
import { PANEL_TITLE } from '../devtools/title';

export interface PanelHandle {
  targetId: string;
  sessionId: string;
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** The panel's visible text. */
  text(): Promise<string>;
  /** Polls `expression` in the panel until it returns a truthy value; returns that value. */
  waitFor<T = unknown>(expression: string, what: string, timeoutMs?: number): Promise<T>;
  screenshot(): Promise<Buffer>;
}

export async function poll<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const FRONTEND = 'devtools://devtools/';

/** The DevTools front-end inspecting the page whose URL starts with `pageUrl`. */
async function findFrontend(cdp: CdpClient, pageUrl: string): Promise<{ target: TargetInfo; sessionId: string }> {
  return poll(async () => {
    for (const t of await cdp.targets()) {
      if (t.type !== 'page' || !t.url.startsWith(FRONTEND)) continue;
      const sessionId = await cdp.attach(t.targetId);
      const inspected = await cdp
        .evaluate<string>(sessionId, `(async () => { const SDK = await import('./core/sdk/sdk.js'); return SDK.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? ''; })()`)
        .catch(() => '');
      if (inspected.startsWith(pageUrl)) return { target: t, sessionId };
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
    return null;
  }, `a DevTools window inspecting ${pageUrl}`, 30_000, 250);
}

/** Opens the "Durable Sessions" panel in the DevTools window of the tab showing `pageUrl`. */
export async function openPanel(cdp: CdpClient, extensionId: string, pageUrl: string): Promise<PanelHandle> {
  const { sessionId: fe } = await findFrontend(cdp, pageUrl);
  const panelTabId = await poll(
    () =>
      cdp.evaluate<string | null>(
        fe,
        `(async () => { const UI = await import('./ui/legacy/legacy.js'); const ids = UI.InspectorView.InspectorView.instance().tabbedPane.tabIds(); return ids.find((id) => id.startsWith('chrome-extension://${extensionId}') && id.endsWith(${JSON.stringify(PANEL_TITLE.replace(/\s/g, ''))})) ?? null; })()`,
      ),
    'DevTools to register the extension panel',
    30_000,
    250,
  );
  await cdp.evaluate(fe, `(async () => { const UI = await import('./ui/legacy/legacy.js'); await UI.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelTabId)}); return true; })()`);
  const panelUrl = `chrome-extension://${extensionId}/panel/index.html`;
  const target = await poll(async () => (await cdp.targets()).find((t) => t.url.startsWith(panelUrl) && !t.attached) ?? null, 'the panel frame', 20_000);
  const sessionId = await cdp.attach(target.targetId);
  await cdp.send('Runtime.enable', {}, sessionId);
  const handle: PanelHandle = {
    targetId: target.targetId,
    sessionId,
    evaluate: (expression) => cdp.evaluate(sessionId, expression),
    text: () => cdp.evaluate<string>(sessionId, 'document.body.innerText'),
    waitFor: (expression, what, timeoutMs) => poll(() => cdp.evaluate(sessionId, expression), what, timeoutMs),
    async screenshot() {
      // Only top-level targets can be captured: the shot is of the DevTools window showing the panel.
      const { data } = await cdp.send<{ data: string }>('Page.captureScreenshot', { format: 'png' }, fe);
      return Buffer.from(data, 'base64');
    },
  };
  await handle.waitFor(`document.querySelector('main') !== null`, 'the panel to render');
  return handle;
}

/** Rows of a table in the panel, as arrays of cell texts (what a user reads). */
export function tableRows(panel: PanelHandle, tableLabel: string): Promise<string[][]> {
  return panel.evaluate<string[][]>(
    `[...document.querySelectorAll('table[aria-label=${JSON.stringify(tableLabel)}] tbody tr')].map((tr) => [...tr.cells].map((td) => td.innerText.trim()))`,
  );
}
