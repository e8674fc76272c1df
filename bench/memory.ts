/**
 * Memory after a long capture: a recorded tab consumes 1,000,000 WebSocket frames (the demo's
 * /bench/ws, ~100 bytes each, through the real hook, relay and background), then:
 *   background   the extension service worker's JS heap after a forced GC (CDP
 *                `HeapProfiler.collectGarbage`, `Runtime.getHeapUsage` on its target)
 *   panel        the standalone panel opened on the tab: its JS heap after a forced GC, once the
 *                connection row shows what the capture holds
 *   held         events and bytes the background's capture holds, against its byte budget
 *                (src/core/trace/budget.ts: the oldest events are evicted past it)
 * Taken twice: after 100,000 frames and after 1,000,000, so growth per event shows.
 */
import { DEFAULT_BYTE_BUDGET } from '../src/core/trace/budget';
import { BRIDGE_GLOBAL } from '../src/protocol/adapters/page-bridge';
import { panelSide } from '../src/protocol/panel';
import { attachTab, launch, openSubscriber, waitFor } from './lib/browser';
import { waitQuiet } from './lib/proc';

export interface MemoryPoint {
  events: number;
  consumeMs: number;
  backgroundHeapMB: number;
  panelHeapMB: number;
  panelFirstRenderMs: number;
  heldEvents: number;
  heldBytes: number;
  /** The snapshot-part messages that followed the snapshot (0: it fit one message). */
  snapshotParts: number;
}

export interface MemoryResult {
  budgetBytes: number;
  points: MemoryPoint[];
}

const MB = 2 ** 20;

export async function runMemory(opts: { demoUrl: string; extensionDir: string; totals: number[]; log(s: string): void }): Promise<MemoryResult> {
  const { demoUrl, totals, log } = opts;
  const browser = await launch({ extensionDir: opts.extensionDir });
  const points: MemoryPoint[] = [];
  try {
    const sw = (await browser.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${browser.extensionId}/`));
    if (!sw) throw new Error('no extension service worker target');
    const background = await attachTab(browser.cdp, sw.targetId);
    const pageUrl = `${demoUrl}/?memory`;
    const page = await browser.newTab(pageUrl);
    const sub = await openSubscriber(browser);
    const tabId = await sub.tabIdOf(pageUrl);
    await sub.subscribe(tabId);
    let consumed = 0;
    for (const total of totals) {
      const n = total - consumed;
      const wsUrl = `${demoUrl.replace(/^http/, 'ws')}/bench/ws?n=${n}&size=100`;
      const consumeMs = await page.evaluate<number>(`new Promise((res, rej) => { const t0 = performance.now(); const ws = new WebSocket(${JSON.stringify(wsUrl)}); ws.onmessage = () => {}; ws.onclose = (e) => e.code === 1000 ? res(performance.now() - t0) : rej(new Error('closed ' + e.code)); })`);
      consumed = total;
      // The background folds, stores and evicts after the page is done: wait until it is idle.
      await waitQuiet(browser.profile, { windowMs: 1000, maxBusy: 0.1, timeoutMs: 300_000 });
      await background.send('HeapProfiler.enable');
      await background.send('HeapProfiler.collectGarbage');
      const bgHeap = await background.send<{ usedSize: number }>('Runtime.getHeapUsage');
      // What the capture holds: the reply to a subscribe is the tab's snapshot, counted where it
      // arrives (a snapshot of a million events is too large to hand to Node in time).
      const id = `bench-memory-${total}`;
      await sub.tab.evaluate(`window.${BRIDGE_GLOBAL}.post(${JSON.stringify(panelSide.out.make('subscribe', { tabId }, { id }))}), true`);
      const { heldEvents, heldBytes, parts } = await waitFor(
        () => sub.tab.evaluate<{ heldEvents: number; heldBytes: number; parts: number } | null>(`(() => {
          const r = window.__bench.replies[${JSON.stringify(id)}];
          if (!r) return null;
          if (r.type === 'error') throw new Error('subscribe: ' + r.message);
          const parts = window.__bench.parts ?? { n: 0, events: 0, bytes: 0 };
          if (parts.n < (r.parts ?? 0)) return null;
          delete window.__bench.replies[${JSON.stringify(id)}];
          window.__bench.parts = { n: 0, events: 0, bytes: 0 };
          let heldEvents = parts.events, heldBytes = parts.bytes;
          for (const c of r.snapshot.connections) { heldEvents += c.events.length; for (const e of c.events) heldBytes += e.size; }
          return { heldEvents, heldBytes, parts: r.parts ?? 0 };
        })()`),
        'the snapshot of the capture',
        300_000,
        250,
      );

      const { targetId } = await browser.cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const panel = await attachTab(browser.cdp, targetId);
      await panel.send('Performance.enable');
      const t0 = Date.now();
      await panel.goto(`chrome-extension://${browser.extensionId}/panel/index.html?tabId=${tabId}`);
      await waitFor(
        () => panel.evaluate<boolean>(`(() => { let n = 0; for (const td of document.querySelectorAll('table[aria-label="Streaming connections"] tbody td.events')) n += Number(td.textContent); return n >= ${heldEvents}; })()`),
        'the panel to show what the capture holds',
        300_000,
        250,
      );
      const panelFirstRenderMs = Date.now() - t0;
      await panel.send('HeapProfiler.collectGarbage');
      const panelHeapMB = ((await panel.metrics()).JSHeapUsedSize ?? 0) / MB;
      await panel.close();
      const point = { events: total, consumeMs, backgroundHeapMB: bgHeap.usedSize / MB, panelHeapMB, panelFirstRenderMs, heldEvents, heldBytes, snapshotParts: parts };
      points.push(point);
      log(`  memory after ${total.toLocaleString('en')} frames: background heap ${point.backgroundHeapMB.toFixed(1)} MB, panel heap ${panelHeapMB.toFixed(1)} MB (shown in ${panelFirstRenderMs} ms), capture holds ${heldEvents.toLocaleString('en')} events / ${(heldBytes / MB).toFixed(1)} MB of ${(DEFAULT_BYTE_BUDGET / MB).toFixed(0)} MB budget; snapshot in 1 + ${parts} messages`);
    }
  } finally {
    await browser.close();
  }
  return { budgetBytes: DEFAULT_BYTE_BUDGET, points };
}
