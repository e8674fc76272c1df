/**
 * Latency: time from the page receiving an event to the real DevTools panel showing it.
 *
 * Chromium runs with DevTools auto-opened and our "Durable Sessions" panel shown in it
 * (src/cli/devtools-panel.ts). The page opens an EventSource on the paced server (one capture
 * record per event) and stamps each message's arrival (`performance.timeOrigin + now()`, the
 * clock the hook uses too). In the panel, the bench selects the connection, then a
 * MutationObserver watches the event table's row count (`data-rows`) and the next animation
 * frame after each change stamps "shown": event i is shown at the first frame whose count ≥ i.
 * A second port opened inside the panel page, subscribed like the panel, stamps when the
 * background's `records` message arrives (pipeline latency, before rendering).
 *
 * With `tabs: 3`, two more tabs of the same page, recorded too (subscribed through a panel page
 * of the extension, as a second DevTools window would), stream at the same rate at the same time:
 * the latency is still measured on the first tab, while the background folds and stores all three.
 */
import { openPanel, poll } from '../src/cli/devtools-panel';
import { PANEL_PORT, panelSide } from '../src/protocol/panel';
import { launch, openSubscriber, sleep, type Tab } from './lib/browser';
import { startPacedServer } from './paced-server';
import { percentiles, summarize, type Summary } from './lib/stats';

/** One arm: events per second per tab, and how many tabs stream at once. */
export interface LatencyConfig {
  rate: number;
  tabs: number;
}

/** The key of a config in `byRate`: "1000", or "1000×3" with 3 tabs streaming. */
export const latencyKey = (c: LatencyConfig): string => (c.tabs === 1 ? String(c.rate) : `${c.rate}×${c.tabs}`);

export interface LatencyRun {
  key: string;
  rate: number;
  rep: number;
  events: number;
  shown: number[];
  dom: number[];
  port: number[];
}

export interface LatencyResult {
  seconds: number;
  reps: number;
  /** latencyKey → pooled percentiles (ms) and the spread of per-rep p95s. */
  byRate: Record<string, {
    shown: ReturnType<typeof percentiles>;
    dom: ReturnType<typeof percentiles>;
    port: ReturnType<typeof percentiles>;
    shownP95PerRep: Summary;
    shownP50PerRep: Summary;
    missing: number;
  }>;
}

const PANEL_OBSERVER = `(() => {
  const w = window;
  w.__lat = { shows: [], dom: [], port: [] };
  const tbl = () => document.querySelector('table[aria-label="Connection events"]');
  let last = Number(tbl()?.dataset.rows ?? 0);
  let pending = false;
  const stamp = () => performance.timeOrigin + performance.now();
  w.__latObserver?.disconnect();
  w.__latObserver = new MutationObserver(() => {
    const c = Number(tbl()?.dataset.rows ?? 0);
    if (c <= last) return;
    last = c;
    w.__lat.dom.push([c, stamp()]);
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; w.__lat.shows.push([last, stamp()]); });
    }
  });
  w.__latObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rows'] });
  if (!w.__latPort) {
    w.__latPort = chrome.runtime.connect({ name: ${JSON.stringify(PANEL_PORT)} });
    w.__latPort.onMessage.addListener((m) => {
      if (m.type !== 'records' || !w.__lat) return;
      const now = stamp();
      for (const r of m.records) if (r.type === 'data') w.__lat.port.push([r.time, now]);
    });
    // A second port of the real panel page, measured in the page: the kit builds the request.
    w.__latPort.postMessage({ ...${JSON.stringify(panelSide.out.make('subscribe', { tabId: -1 }, { id: 'bench-latency-subscribe' }))}, tabId: chrome.devtools.inspectedWindow.tabId });
  }
  return true;
})()`;

export async function runLatency(opts: { extensionDir: string; reps: number; seconds: number; configs: LatencyConfig[]; log(s: string): void }): Promise<LatencyResult> {
  const { reps, seconds, configs, log } = opts;
  const paced = await startPacedServer();
  const browser = await launch({ extensionDir: opts.extensionDir, devtools: true });
  const runs: LatencyRun[] = [];
  try {
    const pageUrl = `${paced.url}/?latency`;
    // The first tab (about:blank) already has DevTools; navigate it rather than opening tabs
    // while DevTools starts (which can leave the panel uncreated).
    const first = (await browser.cdp.targets()).find((t) => t.type === 'page' && t.url === 'about:blank');
    const { attachTab } = await import('./lib/browser');
    const page = first ? await attachTab(browser.cdp, first.targetId) : await browser.newTab();
    await page.goto(pageUrl);
    const extra: Tab[] = [];
    const maxTabs = Math.max(1, ...configs.map((c) => c.tabs));
    if (maxTabs > 1) {
      // Each in a window of its own: the first tab and its DevTools must stay visible (a hidden
      // page's timers and animation frames are throttled, which is not what users see).
      const sub = await openSubscriber(browser, { window: true });
      for (let i = 1; i < maxTabs; i++) {
        const url = `${paced.url}/?latency-extra-${i}`;
        const t = await browser.newTab(url, { window: true });
        await sub.subscribe(await sub.tabIdOf(url));
        extra.push(t);
      }
    }
    // The first tab and its DevTools come last, in front: the panel measured is the one a user watches.
    await page.send('Page.bringToFront');
    const panel = await openPanel(browser.cdp, browser.extensionId!, pageUrl);
    const start = (tab: Tab, rate: number, n: number, tag: string) => tab.evaluate(`(() => {
          window.__arr = []; window.__done = false;
          const es = new EventSource('/paced/sse?rate=${rate}&n=${n}&size=100&delay=1500&tag=${tag}');
          es.onmessage = () => window.__arr.push(performance.timeOrigin + performance.now());
          es.addEventListener('done', () => { es.close(); window.__done = true; });
          return true;
        })()`);
    for (let rep = 0; rep < reps; rep++) {
      for (const config of configs) {
        const { rate } = config;
        const key = latencyKey(config);
        const n = rate * seconds;
        const tag = `r${key}-${rep}`.replace('×', 'x');
        // The other tabs start first, so the measured stream never runs alone.
        for (let i = 0; i < config.tabs - 1; i++) await start(extra[i]!, rate, n, `${tag}-extra${i + 1}`);
        await start(page, rate, n, tag);
        await poll(
          () => panel.evaluate<boolean>(`(() => { const tr = [...document.querySelectorAll('table[aria-label="Streaming connections"] tbody tr')].find((r) => r.querySelector('td.url')?.title.includes(${JSON.stringify(tag)})); if (!tr) return false; tr.click(); return true; })()`),
          `the ${tag} connection in the panel`,
          10_000,
          50,
        );
        await panel.waitFor(`document.querySelector('table[aria-label="Connection events"]') !== null || document.querySelector('.events-view') !== null`, 'the event view', 5000);
        await panel.evaluate(PANEL_OBSERVER);
        const installedAt = await panel.evaluate<number>('performance.timeOrigin + performance.now()');
        await poll(() => page.evaluate<boolean>('window.__done'), `the ${tag} stream to end`, seconds * 1000 + 30_000, 100);
        for (let i = 0; i < config.tabs - 1; i++) await poll(() => extra[i]!.evaluate<boolean>('window.__done'), `the ${tag} extra stream ${i + 1} to end`, seconds * 1000 + 30_000, 100);
        await sleep(700);
        const arr = await page.evaluate<number[]>('window.__arr');
        const lat = await panel.evaluate<{ shows: [number, number][]; dom: [number, number][]; port: [number, number][] }>('window.__lat');
        await panel.evaluate('(window.__latObserver?.disconnect(), window.__lat = null, true)');
        const firstOf = (list: [number, number][], i: number): number | undefined => {
          // list is in increasing count order: binary search the first entry with count ≥ i.
          let lo = 0;
          let hi = list.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (list[mid]![0] >= i) hi = mid;
            else lo = mid + 1;
          }
          return list[lo]?.[1];
        };
        const shown: number[] = [];
        const dom: number[] = [];
        for (let i = 1; i <= arr.length; i++) {
          const t = arr[i - 1]!;
          if (t < installedAt) continue;
          const s = firstOf(lat.shows, i);
          const d = firstOf(lat.dom, i);
          if (s !== undefined) shown.push(s - t);
          if (d !== undefined) dom.push(d - t);
        }
        const port = lat.port.filter(([t]) => t >= installedAt).map(([t, at]) => at - t);
        runs.push({ key, rate, rep, events: arr.length, shown, dom, port });
        const p = percentiles(shown);
        log(`  latency ${key}/s rep ${rep + 1}/${reps}: shown p50 ${p.p50.toFixed(1)} ms p95 ${p.p95.toFixed(1)} ms (${shown.length}/${arr.length} events matched), port p95 ${percentiles(port).p95.toFixed(1)} ms`);
      }
    }
  } finally {
    await browser.close();
    await paced.close();
  }
  const byRate: LatencyResult['byRate'] = {};
  for (const config of configs) {
    const key = latencyKey(config);
    const rs = runs.filter((r) => r.key === key);
    const expected = rs.reduce((a, r) => a + r.events, 0);
    const shown = rs.flatMap((r) => r.shown);
    byRate[key] = {
      shown: percentiles(shown),
      dom: percentiles(rs.flatMap((r) => r.dom)),
      port: percentiles(rs.flatMap((r) => r.port)),
      shownP95PerRep: summarize(rs.map((r) => percentiles(r.shown).p95)),
      shownP50PerRep: summarize(rs.map((r) => percentiles(r.shown).p50)),
      missing: expected - shown.length,
    };
  }
  return { seconds, reps, byRate };
}
