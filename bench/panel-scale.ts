/**
 * Panel scale: a tab captures one WebSocket connection of 100,000 events (the demo's
 * /bench/ws, through the real hook, relay and background, with a subscriber attached), then the
 * standalone panel (`panel/index.html?tabId=N`) is opened on it several times. Per opening:
 *   first render    navigation start → the connection row shows all events (in-page clock)
 *   open connection click on the row → event table in the DOM, then the next frame
 *   DOM nodes       elements in the page / rows in the event table (virtualized)
 *   memory          JS heap used (Performance.getMetrics after a forced GC)
 *   scroll frames   per scroll step: the scroll event's dispatch (a capturing listener on the
 *                   document, first to hear it) → Preact's re-render → style,
 *                   layout and paint of that frame, up to the first task after it (raster and
 *                   compositing run off the main thread and are not included); two patterns:
 *                   wheel-like steps of 5 rows and jumps of 1/60 of the table. Long animation
 *                   frames (≥ 50 ms, PerformanceObserver) are counted over the whole scroll.
 *   filtering       typing a query in the event search box → the match count rendered
 *                   (matches over all 100,000 events) + layout
 *   search          typing a query in the search-all-streams drawer (Ctrl+Shift+F) → its
 *                   status (match count) rendered + layout; hits listed, grouped by connection
 * While the 100,000 events are captured, the IndexedDB event count is sampled from an extension
 * page (same origin as the background): the real extension's sustained write rate.
 */
import { launch, openSubscriber, sleep, waitFor } from './lib/browser';
import { waitQuiet } from './lib/proc';
import { percentiles, summarize, type Summary } from './lib/stats';

export interface PanelOpening {
  firstRenderMs: number;
  openConnectionMs: number;
  openConnectionFrameMs: number;
  domElements: number;
  domNodes: number;
  tableRows: number;
  heapUsedMB: number;
  heapUsedAfterMB: number;
  wheel: number[];
  jump: number[];
  longFrames: number;
  longestFrameMs: number;
  filters: { query: string; ms: number; frameMs: number; text: string }[];
  searches: { query: string; ms: number; frameMs: number; text: string }[];
}

export interface PanelScaleResult {
  events: number;
  reps: number;
  capture: { consumeMs: number; persistTimeline: [number, number][]; persistRate: number; persistedAllMs: number | null; stored: number };
  openings: PanelOpening[];
  summary: {
    firstRenderMs: Summary;
    openConnectionMs: Summary;
    domElements: Summary;
    tableRows: Summary;
    heapUsedMB: Summary;
    heapUsedAfterMB: Summary;
    wheel: ReturnType<typeof percentiles>;
    jump: ReturnType<typeof percentiles>;
    filterMs: Record<string, Summary>;
    searchMs: Record<string, Summary>;
    filterMaxMs: Summary;
    longFrames: Summary;
  };
}

const EVENTS_TABLE = 'table[aria-label="Connection events"]';

const SCROLL = (steps: number, mode: 'wheel' | 'jump') => `(async () => {
  const el = document.querySelector('.events-view .viewport');
  const work = [];
  const max = el.scrollHeight - el.clientHeight;
  for (let s = 0; s < ${steps}; s++) {
    await new Promise((r) => requestAnimationFrame(r));
    const target = ${mode === 'wheel' ? `Math.min(max, el.scrollTop + 100)` : `Math.round(((s + 1) / ${steps}) * max)`};
    // From the scroll event's dispatch: a capturing listener on the document runs before the
    // panel's own on the viewport. (The event's timeStamp is when scrollTop was set, a frame
    // earlier: counting from it added the wait for the next frame, 16.7 ms at 60 Hz, to every
    // step, so no panel could meet the target.) A message-channel task runs once the frame that
    // handles the scroll is done (Preact's re-render, style, layout, paint).
    const done = new Promise((r) => document.addEventListener('scroll', () => {
      const t0 = performance.now();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { document.body.offsetHeight; r(performance.now() - t0); };
      ch.port2.postMessage(0);
    }, { capture: true, once: true }));
    el.scrollTop = target;
    work.push(await done);
  }
  return work;
})()`;

const FILTER = (query: string) => `new Promise((res) => {
  const input = document.querySelector('#event-search');
  const hits = document.querySelector('.search .hits');
  const t0 = performance.now();
  let t1 = 0;
  const mo = new MutationObserver(() => {
    mo.disconnect();
    document.body.offsetHeight;
    t1 = performance.now();
    requestAnimationFrame(() => res({ ms: t1 - t0, frameMs: performance.now() - t0, text: hits.textContent }));
  });
  mo.observe(hits, { childList: true, characterData: true, subtree: true });
  input.value = ${JSON.stringify(query)};
  input.dispatchEvent(new Event('input', { bubbles: true }));
})`;

const SEARCH = (query: string) => `new Promise((res) => {
  const input = document.querySelector('#stream-search');
  const status = document.querySelector('#stream-search-status');
  const t0 = performance.now();
  const mo = new MutationObserver(() => {
    mo.disconnect();
    document.body.offsetHeight;
    const t1 = performance.now();
    requestAnimationFrame(() => res({ ms: t1 - t0, frameMs: performance.now() - t0, text: status.textContent }));
  });
  mo.observe(status, { childList: true, characterData: true, subtree: true });
  input.value = ${JSON.stringify(query)};
  input.dispatchEvent(new Event('input', { bubbles: true }));
})`;

export async function runPanelScale(opts: { demoUrl: string; extensionDir: string; events: number; reps: number; log(s: string): void }): Promise<PanelScaleResult> {
  const { demoUrl, events, reps, log } = opts;
  const browser = await launch({ extensionDir: opts.extensionDir });
  const openings: PanelOpening[] = [];
  let capture: PanelScaleResult['capture'];
  try {
    const pageUrl = `${demoUrl}/?panel-scale`;
    const page = await browser.newTab(pageUrl);
    const sub = await openSubscriber(browser);
    const tabId = await sub.tabIdOf(pageUrl);
    await sub.subscribe(tabId);
    await sleep(300);
    // Sample the extension's IndexedDB event count while the page consumes the stream.
    await sub.tab.evaluate(`(async () => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open('durable-sessions-captures'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      // Events are stored in chunks (one record per connection per write): sum their lengths.
      const count = () => new Promise((res) => { let n = 0; const r = db.transaction('chunks').objectStore('chunks').openCursor(); r.onsuccess = () => { const c = r.result; if (!c) return res(n); n += c.value.events.length; c.continue(); }; });
      const base = await count();
      window.__persist = [];
      window.__persistStop = false;
      const t0 = performance.now();
      (async () => { while (!window.__persistStop) { window.__persist.push([performance.now() - t0, (await count()) - base]); await new Promise((r) => setTimeout(r, 200)); } })();
      return base;
    })()`);
    const wsUrl = `${demoUrl.replace(/^http/, 'ws')}/bench/ws?n=${events}&size=100`;
    const consumeMs = await page.evaluate<number>(`new Promise((res, rej) => { const t0 = performance.now(); let n = 0; const ws = new WebSocket(${JSON.stringify(wsUrl)}); ws.onmessage = () => n++; ws.onclose = (e) => e.code === 1000 ? res(performance.now() - t0) : rej(new Error('closed ' + e.code)); })`);
    const persisted = await waitFor(async () => {
      const tl = await sub.tab.evaluate<[number, number][]>('window.__persist');
      return (tl.at(-1)?.[1] ?? 0) >= events ? tl : null;
    }, 'the capture to be stored', 120_000, 250).catch(async () => sub.tab.evaluate<[number, number][]>('window.__persist'));
    await sub.tab.evaluate('(window.__persistStop = true)');
    const stored = persisted.at(-1)?.[1] ?? 0;
    // Sustained rate: slope between 10 % and 90 % of the events stored.
    const at = (f: number) => persisted.find(([, c]) => c >= f * events);
    const a = at(0.1);
    const b = at(0.9);
    const persistRate = a && b && b[0] > a[0] ? ((b[1] - a[1]) / (b[0] - a[0])) * 1000 : NaN;
    capture = { consumeMs, persistTimeline: persisted, persistRate, persistedAllMs: stored >= events ? (at(1)?.[0] ?? null) : null, stored };
    log(`  panel-scale: captured ${events} WebSocket frames in ${consumeMs.toFixed(0)} ms; IndexedDB holds ${stored} after ${(persisted.at(-1)?.[0] ?? 0).toFixed(0)} ms (sustained ${persistRate.toFixed(0)} events/s)`);
    await sub.tab.close();
    await waitQuiet(browser.profile, { timeoutMs: 30_000 });

    const panelUrl = `chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}`;
    for (let rep = 0; rep < reps; rep++) {
      const { targetId } = await browser.cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { attachTab } = await import('./lib/browser');
      const panel = await attachTab(browser.cdp, targetId);
      await panel.send('Page.enable');
      await panel.send('Performance.enable');
      await panel.send('Page.addScriptToEvaluateOnNewDocument', {
        source: `if (location.protocol === 'chrome-extension:') {
          window.__firstRender = null;
          const check = () => { const td = document.querySelector('table[aria-label="Streaming connections"] tbody td.events'); if (td && Number(td.textContent) >= ${events}) { window.__firstRender = performance.now(); mo.disconnect(); return true; } return false; };
          const mo = new MutationObserver(check);
          document.addEventListener('DOMContentLoaded', () => { if (!check()) mo.observe(document.body, { subtree: true, childList: true, characterData: true }); });
          window.__longFrames = [];
          new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longFrames.push(e.duration); }).observe({ type: 'long-animation-frame', buffered: true });
        }`,
      });
      await panel.send('Page.navigate', { url: panelUrl });
      const firstRenderMs = await waitFor(() => panel.evaluate<number | null>('window.__firstRender ?? null'), 'the panel to show the 100k connection', 60_000, 100);
      await sleep(300);
      const open = await panel.evaluate<{ ms: number; frameMs: number }>(`new Promise((res) => {
        const tr = document.querySelector('table[aria-label="Streaming connections"] tbody tr');
        const t0 = performance.now();
        let t1 = 0;
        const done = () => { document.body.offsetHeight; t1 = performance.now(); requestAnimationFrame(() => res({ ms: t1 - t0, frameMs: performance.now() - t0 })); };
        const mo = new MutationObserver(() => { if (document.querySelector('${EVENTS_TABLE}')) { mo.disconnect(); done(); } });
        mo.observe(document.body, { subtree: true, childList: true });
        tr.click();
      })`);
      await sleep(300);
      const counts = await panel.evaluate<{ elements: number; rows: number }>(`({ elements: document.getElementsByTagName('*').length, rows: document.querySelectorAll('${EVENTS_TABLE} tbody tr').length })`);
      const dom = await panel.send<{ nodes: number }>('Memory.getDOMCounters');
      await panel.send('HeapProfiler.collectGarbage');
      const heapUsedMB = ((await panel.metrics()).JSHeapUsedSize ?? 0) / 2 ** 20;
      await panel.evaluate('(window.__longFrames = [], true)');
      const wheel = await panel.evaluate<number[]>(SCROLL(120, 'wheel'));
      const jump = await panel.evaluate<number[]>(SCROLL(60, 'jump'));
      const longFrames = await panel.evaluate<number[]>('window.__longFrames');
      const filters: PanelOpening['filters'] = [];
      for (const query of ['xxxxxxxxxx', '"i":77777,', 'no-such-text', '']) {
        const f = await panel.evaluate<{ ms: number; frameMs: number; text: string }>(FILTER(query));
        filters.push({ query, ...f });
        await sleep(100);
      }
      await panel.evaluate(`document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'F', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true })), true`);
      await waitFor(() => panel.evaluate<boolean>(`document.querySelector('#stream-search') !== null`), 'the search drawer', 10_000, 50);
      const searches: PanelOpening['searches'] = [];
      for (const query of ['xxxxxxxxxx', '"i":77777,', 'no-such-text']) {
        const f = await panel.evaluate<{ ms: number; frameMs: number; text: string }>(SEARCH(query));
        searches.push({ query, ...f });
        await sleep(100);
      }
      await panel.send('HeapProfiler.collectGarbage');
      const heapUsedAfterMB = ((await panel.metrics()).JSHeapUsedSize ?? 0) / 2 ** 20;
      const o: PanelOpening = {
        firstRenderMs,
        openConnectionMs: open.ms,
        openConnectionFrameMs: open.frameMs,
        domElements: counts.elements,
        domNodes: dom.nodes,
        tableRows: counts.rows,
        heapUsedMB,
        heapUsedAfterMB,
        wheel,
        jump,
        longFrames: longFrames.length,
        longestFrameMs: Math.max(0, ...longFrames),
        filters,
        searches,
      };
      openings.push(o);
      log(`  panel-scale open ${rep + 1}/${reps}: first render ${firstRenderMs.toFixed(0)} ms, open connection ${open.ms.toFixed(0)} ms, ${counts.elements} elements (${counts.rows} rows), heap ${heapUsedMB.toFixed(1)} MB, scroll p95 wheel ${percentiles(wheel).p95.toFixed(1)} / jump ${percentiles(jump).p95.toFixed(1)} ms, long frames ${longFrames.length}, filters ${filters.map((f) => `${JSON.stringify(f.query)} ${f.ms.toFixed(0)} ms (${f.text})`).join(', ')}, search ${searches.map((f) => `${JSON.stringify(f.query)} ${f.ms.toFixed(0)} ms (${f.text})`).join(', ')}`);
      await panel.close();
      await waitQuiet(browser.profile, { timeoutMs: 15_000 });
    }
  } finally {
    await browser.close();
  }
  const queries = openings[0]?.filters.map((f) => f.query) ?? [];
  const searchQueries = openings[0]?.searches.map((f) => f.query) ?? [];
  return {
    events,
    reps,
    capture,
    openings,
    summary: {
      firstRenderMs: summarize(openings.map((o) => o.firstRenderMs)),
      openConnectionMs: summarize(openings.map((o) => o.openConnectionMs)),
      domElements: summarize(openings.map((o) => o.domElements)),
      tableRows: summarize(openings.map((o) => o.tableRows)),
      heapUsedMB: summarize(openings.map((o) => o.heapUsedMB)),
      heapUsedAfterMB: summarize(openings.map((o) => o.heapUsedAfterMB)),
      wheel: percentiles(openings.flatMap((o) => o.wheel)),
      jump: percentiles(openings.flatMap((o) => o.jump)),
      filterMs: Object.fromEntries(queries.map((q) => [q, summarize(openings.map((o) => o.filters.find((f) => f.query === q)?.ms ?? NaN))])),
      searchMs: Object.fromEntries(searchQueries.map((q) => [q, summarize(openings.map((o) => o.searches.find((f) => f.query === q)?.ms ?? NaN))])),
      filterMaxMs: summarize(openings.map((o) => Math.max(...o.filters.map((f) => f.ms)))),
      longFrames: summarize(openings.map((o) => o.longFrames)),
    },
  };
}
