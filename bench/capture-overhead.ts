/**
 * Capture overhead: a page consumes a long local stream (fetch-SSE, EventSource, WebSocket) in
 * real Chromium, in several arms run side by side and interleaved within each repetition:
 *   none      no extension
 *   dormant   extension loaded, nobody subscribed to the tab: the hook passes traffic through
 *   recording extension loaded and a subscriber attached to the tab (as an open panel would)
 *   network   no extension, CDP `Network.enable` on the page (what an open DevTools Network panel costs)
 * Per trial: time to consume (in the page, performance.now around the whole stream), the page
 * renderer's main-thread CPU (CDP Performance.getMetrics TaskDuration / ScriptDuration deltas),
 * and the whole browser's CPU (all its processes, /proc) until it is quiet again, which adds
 * the extension's background work that continues after the page is done.
 */
import { launch, openSubscriber, sleep, type BenchBrowser, type Tab } from './lib/browser';
import { cpuByPid, cpuDelta, cpuDeltaByKind, waitQuiet } from './lib/proc';
import { fetchSseConsumer, webSocketConsumer } from './lib/consumers';
import { pairedRatio, summarize, type Summary } from './lib/stats';

export const KINDS = ['fetch-sse', 'eventsource', 'websocket'] as const;
export type Kind = (typeof KINDS)[number];
export const ARMS = ['none', 'dormant', 'recording', 'network'] as const;
export type Arm = (typeof ARMS)[number];

export interface Trial {
  kind: Kind;
  arm: Arm;
  rep: number;
  consumeMs: number;
  events: number;
  taskMs: number;
  scriptMs: number;
  browserCpuMs: number;
  /** Browser CPU by process kind (browser, renderer, extension, network, storage…). */
  cpuByKind: Record<string, number>;
  tailMs: number;
}

export interface CaptureOverheadResult {
  n: number;
  size: number;
  reps: number;
  trials: Trial[];
  /** kind → arm → metric summaries, and ratios to `none` (paired by repetition). */
  summary: Record<Kind, Record<Arm, { consumeMs: Summary; taskMs: Summary; scriptMs: Summary; browserCpuMs: Summary; consumeRatio: Summary; taskRatio: Summary; browserCpuRatio: Summary }>>;
}

/** The page's consumer: reads everything, counts events, as a minimal app would. */
export function consumer(kind: Kind, httpBase: string, n: number, size: number): string {
  const q = `n=${n}&size=${size}`;
  const wsBase = httpBase.replace(/^http/, 'ws');
  return `(async () => {
    const t0 = performance.now();
    let events = 0;
    if (${JSON.stringify(kind)} === 'fetch-sse') {${fetchSseConsumer(JSON.stringify(`${httpBase}/bench/sse?${q}`))}
    } else if (${JSON.stringify(kind)} === 'eventsource') {
      await new Promise((resolve, reject) => {
        const es = new EventSource(${JSON.stringify(`${httpBase}/bench/sse?${q}`)});
        es.onmessage = () => { events++; };
        es.addEventListener('done', () => { es.close(); resolve(); });
        es.onerror = () => { es.close(); reject(new Error('eventsource error after ' + events)); };
      });
    } else {${webSocketConsumer(JSON.stringify(`${wsBase}/bench/ws?${q}`))}
    }
    return { ms: performance.now() - t0, events };
  })()`;
}

interface ArmHost {
  browser: BenchBrowser;
  tab: Tab;
  /** Called after navigation, before the stream (e.g. Network.enable). */
  before?(): Promise<void>;
  after?(): Promise<void>;
}

export async function runCaptureOverhead(opts: { demoUrl: string; extensionDir: string; reps: number; n: number; size: number; log(s: string): void }): Promise<CaptureOverheadResult> {
  const { demoUrl, n, size, reps, log } = opts;
  const plain = await launch({ extensionDir: null });
  const withExt = await launch({ extensionDir: opts.extensionDir });
  const trials: Trial[] = [];
  try {
    const hosts = {} as Record<Arm, ArmHost>;
    const url = (arm: Arm) => `${demoUrl}/?bench-arm=${arm}`;
    hosts.none = { browser: plain, tab: await plain.newTab(url('none')) };
    hosts.network = {
      browser: plain,
      tab: await plain.newTab(url('network')),
      before: () => hosts.network.tab.send('Network.enable', {}),
      after: () => hosts.network.tab.send('Network.disable', {}),
    };
    hosts.dormant = { browser: withExt, tab: await withExt.newTab(url('dormant')) };
    hosts.recording = { browser: withExt, tab: await withExt.newTab(url('recording')) };
    const sub = await openSubscriber(withExt);
    await sub.subscribe(await sub.tabIdOf(url('recording')));
    for (const h of Object.values(hosts)) await h.tab.send('Performance.enable', { timeDomain: 'threadTicks' });

    const one = async (kind: Kind, arm: Arm, rep: number, count = n): Promise<Trial> => {
      const h = hosts[arm];
      await h.tab.send('Page.bringToFront');
      await h.tab.goto(url(arm));
      // Let the hook hear from the background (dormant or recording) before the stream starts.
      await sleep(400);
      await waitQuiet(h.browser.profile, { windowMs: 250, maxBusy: 0.1, timeoutMs: 8000 });
      await h.before?.();
      const m0 = await h.tab.metrics();
      const c0 = cpuByPid(h.browser.profile);
      const { ms, events } = await h.tab.evaluate<{ ms: number; events: number }>(consumer(kind, demoUrl, count, size));
      const m1 = await h.tab.metrics();
      await h.after?.();
      const t1 = Date.now();
      await waitQuiet(h.browser.profile, { windowMs: 250, maxBusy: 0.1, timeoutMs: 20_000 });
      const tailMs = Date.now() - t1;
      const c1 = cpuByPid(h.browser.profile);
      const browserCpuMs = cpuDelta(c0, c1);
      const cpuByKind = cpuDeltaByKind(c0, c1);
      const d = (k: string) => ((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000;
      return { kind, arm, rep, consumeMs: ms, events, taskMs: d('TaskDuration'), scriptMs: d('ScriptDuration'), browserCpuMs, cpuByKind, tailMs };
    };

    // Warm-up (JIT, connections, IndexedDB creation): one short untimed trial per arm and kind.
    for (const kind of KINDS) for (const arm of ARMS) await one(kind, arm, -1, Math.ceil(n / 10));
    for (let rep = 0; rep < reps; rep++) {
      for (const [ki, kind] of KINDS.entries()) {
        // Rotate the arm order every repetition so no arm always runs first or last.
        const order = ARMS.map((_, i) => ARMS[(i + rep + ki) % ARMS.length]!);
        for (const arm of order) {
          const t = await one(kind, arm, rep);
          trials.push(t);
          log(`  capture ${kind.padEnd(11)} ${arm.padEnd(9)} rep ${rep + 1}/${reps}: ${t.consumeMs.toFixed(0)} ms, main thread ${t.taskMs.toFixed(0)} ms, browser CPU ${t.browserCpuMs.toFixed(0)} ms [${Object.entries(t.cpuByKind).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}] (${t.events} events)`);
        }
      }
    }
  } finally {
    await plain.close();
    await withExt.close();
  }

  const summary = {} as CaptureOverheadResult['summary'];
  for (const kind of KINDS) {
    summary[kind] = {} as CaptureOverheadResult['summary'][Kind];
    const of = (arm: Arm, k: 'consumeMs' | 'taskMs' | 'scriptMs' | 'browserCpuMs') =>
      trials.filter((t) => t.kind === kind && t.arm === arm).sort((a, b) => a.rep - b.rep).map((t) => t[k]);
    for (const arm of ARMS) {
      summary[kind][arm] = {
        consumeMs: summarize(of(arm, 'consumeMs')),
        taskMs: summarize(of(arm, 'taskMs')),
        scriptMs: summarize(of(arm, 'scriptMs')),
        browserCpuMs: summarize(of(arm, 'browserCpuMs')),
        consumeRatio: pairedRatio(of(arm, 'consumeMs'), of('none', 'consumeMs')),
        taskRatio: pairedRatio(of(arm, 'taskMs'), of('none', 'taskMs')),
        browserCpuRatio: pairedRatio(of(arm, 'browserCpuMs'), of('none', 'browserCpuMs')),
      };
    }
  }
  return { n, size, reps, trials, summary };
}
