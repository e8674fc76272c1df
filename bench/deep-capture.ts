/**
 * Deep capture's cost: a dedicated worker consumes a long local stream (fetch-SSE, WebSocket)
 * while a subscriber records the tab (as an open panel does), in three arms interleaved within
 * each repetition:
 *   none       no extension
 *   recording  the deep-capture build, recording the tab, deep capture off: the worker's
 *              streams are not captured (what the store build does)
 *   deep       the same, with deep capture on: the debugger reads the worker's Network events
 *              and the background folds them into the capture
 * Per trial: time to consume (in the worker, performance.now around the whole stream), and the
 * whole browser's CPU (all its processes, /proc) until it is quiet again, which counts the
 * browser process's CDP work and the extension's folding after the worker is done.
 */
import { launch, openSubscriber, sleep, type BenchBrowser, type Tab } from './lib/browser';
import { fetchSseConsumer, webSocketConsumer } from './lib/consumers';
import { cpuByPid, cpuDelta, cpuDeltaByKind, waitQuiet } from './lib/proc';
import { pairedRatio, summarize, type Summary } from './lib/stats';

export const DEEP_KINDS = ['fetch-sse', 'websocket'] as const;
export type DeepKind = (typeof DEEP_KINDS)[number];
export const DEEP_ARMS = ['none', 'recording', 'deep'] as const;
export type DeepArm = (typeof DEEP_ARMS)[number];

export interface DeepTrial {
  kind: DeepKind;
  arm: DeepArm;
  rep: number;
  consumeMs: number;
  events: number;
  browserCpuMs: number;
  cpuByKind: Record<string, number>;
}

export interface DeepCaptureResult {
  n: number;
  size: number;
  reps: number;
  /** Events the deep arm's capture held for the worker's stream in its last trial (proof it read them). */
  capturedInDeep: number;
  trials: DeepTrial[];
  summary: Record<DeepKind, Record<DeepArm, { consumeMs: Summary; browserCpuMs: Summary; consumeRatio: Summary; browserCpuRatio: Summary }>>;
}

/** The worker's consumer, as a minimal app's worker would read the stream. */
function workerSource(kind: DeepKind, httpBase: string, n: number, size: number): string {
  const q = `n=${n}&size=${size}&r=`;
  const wsBase = httpBase.replace(/^http/, 'ws');
  const body = kind === 'fetch-sse'
    ? fetchSseConsumer(`${JSON.stringify(`${httpBase}/bench/sse?${q}`)} + Math.random()`)
    : webSocketConsumer(`${JSON.stringify(`${wsBase}/bench/ws?${q}`)} + Math.random()`);
  return `onmessage = async () => {
    const t0 = performance.now();
    let events = 0;
    try { ${body} postMessage({ ms: performance.now() - t0, events }); }
    catch (e) { postMessage({ error: String(e) }); }
  };`;
}

/** Runs one stream in a new dedicated worker of the page and returns what the worker measured. */
function runInWorker(source: string): string {
  return `new Promise((resolve, reject) => {
    const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(source)}], { type: 'text/javascript' })));
    w.onmessage = (e) => { w.terminate(); e.data.error ? reject(new Error(e.data.error)) : resolve(e.data); };
    w.onerror = (e) => reject(new Error('worker failed: ' + e.message));
    w.postMessage('go');
  })`;
}

export async function runDeepCapture(opts: { demoUrl: string; extensionDir: string; reps: number; n: number; size: number; log(s: string): void }): Promise<DeepCaptureResult> {
  const { demoUrl, n, size, reps, log } = opts;
  const plain = await launch({ extensionDir: null });
  const withExt = await launch({ extensionDir: opts.extensionDir });
  const trials: DeepTrial[] = [];
  let capturedInDeep = 0;
  try {
    const url = (arm: DeepArm) => `${demoUrl}/?bench-arm=${arm}`;
    const hosts: Record<DeepArm, { browser: BenchBrowser; tab: Tab }> = {
      none: { browser: plain, tab: await plain.newTab(url('none')) },
      recording: { browser: withExt, tab: await withExt.newTab(url('recording')) },
      deep: { browser: withExt, tab: await withExt.newTab(url('deep')) },
    };
    const sub = await openSubscriber(withExt);
    const deepTab = await sub.tabIdOf(url('deep'));
    await sub.subscribe(await sub.tabIdOf(url('recording')));
    await sub.subscribe(deepTab);
    await sub.request('set-deep-capture', { tabId: deepTab, enabled: true });

    const one = async (kind: DeepKind, arm: DeepArm, rep: number, count = n): Promise<DeepTrial> => {
      const h = hosts[arm];
      await h.tab.send('Page.bringToFront');
      await h.tab.goto(url(arm));
      // Let the hook hear from the background before the stream starts.
      await sleep(400);
      await waitQuiet(h.browser.profile, { windowMs: 250, maxBusy: 0.1, timeoutMs: 8000 });
      const c0 = cpuByPid(h.browser.profile);
      const { ms, events } = await h.tab.evaluate<{ ms: number; events: number }>(runInWorker(workerSource(kind, demoUrl, count, size)));
      await waitQuiet(h.browser.profile, { windowMs: 250, maxBusy: 0.1, timeoutMs: 30_000 });
      const c1 = cpuByPid(h.browser.profile);
      return { kind, arm, rep, consumeMs: ms, events, browserCpuMs: cpuDelta(c0, c1), cpuByKind: cpuDeltaByKind(c0, c1) };
    };

    for (const kind of DEEP_KINDS) for (const arm of DEEP_ARMS) await one(kind, arm, -1, Math.ceil(n / 10));
    for (let rep = 0; rep < reps; rep++) {
      for (const [ki, kind] of DEEP_KINDS.entries()) {
        const order = DEEP_ARMS.map((_, i) => DEEP_ARMS[(i + rep + ki) % DEEP_ARMS.length]!);
        for (const arm of order) {
          const t = await one(kind, arm, rep);
          trials.push(t);
          log(`  deep ${kind.padEnd(9)} ${arm.padEnd(9)} rep ${rep + 1}/${reps}: ${t.consumeMs.toFixed(0)} ms, browser CPU ${t.browserCpuMs.toFixed(0)} ms [${Object.entries(t.cpuByKind).filter(([, v]) => v >= 20).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}] (${t.events} events)`);
        }
      }
    }
    // Proof the deep arm read the worker's stream: the background's capture of the tab holds it.
    const snap = await sub.request('subscribe', { tabId: deepTab });
    const conns = ((snap.snapshot as { connections?: Array<{ summary: { deep?: unknown }; events: unknown[] }> } | undefined)?.connections) ?? [];
    capturedInDeep = conns.filter((c) => c.summary.deep).reduce((m, c) => m + c.events.length, 0);
  } finally {
    await plain.close();
    await withExt.close();
  }

  const summary = {} as DeepCaptureResult['summary'];
  for (const kind of DEEP_KINDS) {
    summary[kind] = {} as DeepCaptureResult['summary'][DeepKind];
    const of = (arm: DeepArm, k: 'consumeMs' | 'browserCpuMs') => trials.filter((t) => t.kind === kind && t.arm === arm).sort((a, b) => a.rep - b.rep).map((t) => t[k]);
    for (const arm of DEEP_ARMS) {
      summary[kind][arm] = {
        consumeMs: summarize(of(arm, 'consumeMs')),
        browserCpuMs: summarize(of(arm, 'browserCpuMs')),
        consumeRatio: pairedRatio(of(arm, 'consumeMs'), of('none', 'consumeMs')),
        browserCpuRatio: pairedRatio(of(arm, 'browserCpuMs'), of('none', 'browserCpuMs')),
      };
    }
  }
  return { n, size, reps, capturedInDeep, trials, summary };
}
