/**
 * The background's implementation of a test's context: the tabs API opens and closes the second
 * tab, the tab's relay presses its stop control and reads its URL (the extension has no host
 * permissions, so the tabs API shows no URL and cannot inject), the capture service says what
 * tabs captured, fault routing drops. Only the background opens tabs or presses buttons, and only
 * for a test the user started from the panel (or the check runner through the panel page):
 * nothing a page posts reaches this.
 */
import browser from 'webextension-polyfill';
import { analyzeWithView, type TestId } from '../../core/analysis';
import { DEFAULT_TEST_OPTIONS, type ScenarioDeps, type StopControl, type TestContext, type TestOptions } from './context';

const LOAD_TIMEOUT_MS = 15_000;


function waitForLoad(tabId: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      browser.tabs.onUpdated.removeListener(listener);
      clearTimeout(timer);
      resolve();
    };
    const listener = (id: number, info: { status?: string }) => {
      if (id === tabId && info.status === 'complete') done();
    };
    const timer = setTimeout(done, LOAD_TIMEOUT_MS);
    browser.tabs.onUpdated.addListener(listener);
  });
}

export function createBrowserTestContext(tabId: number, test: TestId, options: Partial<TestOptions>, deps: ScenarioDeps): TestContext {
  const opened = new Set<number>();
  return {
    tabId,
    test,
    options: { ...DEFAULT_TEST_OPTIONS, ...options },
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    async connections(id) {
      const { snapshot } = await deps.capture.snapshot(id);
      return analyzeWithView(snapshot.connections, snapshot.view ?? []);
    },
    async view(id) {
      return (await deps.capture.snapshot(id)).snapshot.view ?? [];
    },
    armFault: deps.armFault,
    disarmFault: deps.disarmFault,
    async openTab(url) {
      const tab = await browser.tabs.create({ url, active: false });
      if (tab.id === undefined) throw new Error('the browser did not open a second tab');
      deps.testTabs.add(tab.id);
      opened.add(tab.id);
      await waitForLoad(tab.id);
      return tab.id;
    },
    async closeTab(id) {
      if (!opened.delete(id)) return;
      deps.testTabs.delete(id);
      await browser.tabs.remove(id).catch(() => undefined);
    },
    tabUrl: (id) => deps.tabUrl(id),
    pressStop: (id, selector, press = true): Promise<StopControl> => deps.pressStop(id, selector, press),
    externalStop: (timeoutMs) => deps.stopReported(timeoutMs),
    progress: deps.onProgress,
    aborted: deps.aborted,
    newId: () => crypto.randomUUID().slice(0, 8),
  };
}
