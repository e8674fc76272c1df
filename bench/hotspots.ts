/**
 * Where the recording arm's time goes (profile before optimizing): one EventSource stream of
 * n events is consumed in a recording tab while the V8 sampling profiler (CDP `Profiler`) runs
 * in the extension's service worker and in the page, until the browser is quiet again. Reports
 * the top self-time functions of each, and browser CPU by process kind over the same window.
 */
import { launch, openSubscriber, sleep } from './lib/browser';
import { cpuByPid, cpuDeltaByKind, waitQuiet } from './lib/proc';

export interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
export interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number; }

export interface Hotspot { fn: string; selfMs: number; pct: number; }
export interface HotspotsResult {
  events: number;
  consumeMs: number;
  wallMs: number;
  cpuByKind: Record<string, number>;
  serviceWorker: { totalMs: number; top: Hotspot[]; byFile: Hotspot[] };
  page: { totalMs: number; top: Hotspot[]; byFile: Hotspot[] };
}

export function topOf(p: Profile, limit = 12): { totalMs: number; top: Hotspot[]; byFile: Hotspot[] } {
  const byNode = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) byNode.set(p.samples[i]!, (byNode.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = byNode.get(n.id) ?? 0;
    if (!ms) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += ms;
    const base = n.callFrame.url.split('/').slice(-2).join('/');
    const k = base ? `${name} ${base}:${n.callFrame.lineNumber + 1}` : name;
    fn.set(k, (fn.get(k) ?? 0) + ms);
    const f = base || name;
    file.set(f, (file.get(f) ?? 0) + ms);
  }
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, v]) => ({ fn: k, selfMs: v, pct: (v / total) * 100 }));
  return { totalMs: total, top: list(fn), byFile: list(file) };
}

export async function runHotspots(opts: { demoUrl: string; extensionDir: string; events: number; log(s: string): void }): Promise<HotspotsResult> {
  const { demoUrl, events, log } = opts;
  const browser = await launch({ extensionDir: opts.extensionDir });
  try {
    const url = `${demoUrl}/?hotspots`;
    const page = await browser.newTab(url);
    const sub = await openSubscriber(browser);
    await sub.subscribe(await sub.tabIdOf(url));
    await page.goto(url);
    await sleep(400);
    const sw = (await browser.cdp.targets()).find((t) => t.type === 'service_worker' && t.url.includes(browser.extensionId!))!;
    const swSession = await browser.cdp.attach(sw.targetId);
    for (const s of [swSession, page.sessionId]) {
      await browser.cdp.send('Profiler.enable', {}, s);
      await browser.cdp.send('Profiler.setSamplingInterval', { interval: 500 }, s);
    }
    await waitQuiet(browser.profile, { timeoutMs: 10_000 });
    for (const s of [swSession, page.sessionId]) await browser.cdp.send('Profiler.start', {}, s);
    const c0 = cpuByPid(browser.profile);
    const t0 = Date.now();
    const consumeMs = await page.evaluate<number>(`new Promise((res, rej) => { const t0 = performance.now(); const es = new EventSource('/bench/sse?n=${events}&size=100'); es.addEventListener('done', () => { es.close(); res(performance.now() - t0); }); es.onerror = () => rej(new Error('es error')); })`);
    await waitQuiet(browser.profile, { windowMs: 300, maxBusy: 0.1, timeoutMs: 30_000 });
    const wallMs = Date.now() - t0;
    const cpuByKind = cpuDeltaByKind(c0, cpuByPid(browser.profile));
    const { profile: swProfile } = await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, swSession);
    const { profile: pageProfile } = await browser.cdp.send<{ profile: Profile }>('Profiler.stop', {}, page.sessionId);
    const result: HotspotsResult = { events, consumeMs, wallMs, cpuByKind, serviceWorker: topOf(swProfile), page: topOf(pageProfile) };
    log(`  hotspots: ${events} EventSource events consumed in ${consumeMs.toFixed(0)} ms, quiet after ${wallMs} ms; CPU ${Object.entries(cpuByKind).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ms`);
    log(`    service worker JS ${result.serviceWorker.totalMs.toFixed(0)} ms: ${result.serviceWorker.top.slice(0, 6).map((h) => `${h.fn} ${h.selfMs.toFixed(0)}`).join('; ')}`);
    log(`    page JS ${result.page.totalMs.toFixed(0)} ms: ${result.page.top.slice(0, 6).map((h) => `${h.fn} ${h.selfMs.toFixed(0)}`).join('; ')}`);
    return result;
  } finally {
    await browser.close();
  }
}
